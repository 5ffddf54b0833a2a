"""content/locations.toml: the real file loads, a second location is only data, bad data fails."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from bot.content.eligibility import load_municipalities
from bot.content.locations import load_locations
from bot.domain.itinerary import available_starts, bookable_days, plan
from bot.domain.locations import Interval
from bot.domain.working_days import WorkingDays

CONTENT = Path(__file__).parents[2] / "content"
MUNICIPALITIES = tuple(m.id for m in load_municipalities(CONTENT))

HEERLEN = """
[[locations]]
id = "heerlen"
reference_prefix = "HRL"
name = "Service point Heerlen"
address = "Geleenstraat 27, 6411 HR Heerlen"
timezone = "Europe/Amsterdam"
holiday_country = "NL"
municipalities = ["heerlen", "kerkrade", "landgraaf", "brunssum"]
slot_minutes = 10
start_every_minutes = 30
min_notice_working_days = 3
horizon_days = 28

[locations.desks.ind]
capacity = 1
[locations.desks.ind.hours]
wednesday = ["08:30-12:00"]

[locations.desks.municipality]
capacity = 1
[locations.desks.municipality.hours]
wednesday = ["08:30-12:00", "13:00-16:00"]

[locations.desks.advice]
capacity = 1
[locations.desks.advice.hours]
wednesday = ["09:00-12:30"]

[[locations.steps]]
id = "ind"
desk = "ind"
minutes_per_person = 20
shared = false
buffer_after = 10

[[locations.steps]]
id = "municipality"
desk = "municipality"
minutes_per_person = 20
shared = false
buffer_after = 0

[[locations.steps]]
id = "advice"
desk = "advice"
minutes_per_person = 40
shared = true
buffer_after = 0
"""


def test_the_default_location() -> None:
    locations = load_locations(CONTENT, MUNICIPALITIES)
    loc = locations["maastricht"]
    assert (loc.reference_prefix, loc.name, loc.address, loc.timezone) == (
        "MST",
        "Expat Centre Maastricht Region",
        "Mosae Forum 10, 6211 DW Maastricht",
        "Europe/Amsterdam",
    )
    assert loc.municipalities == MUNICIPALITIES
    assert loc.holiday_country == "NL"
    assert [s.id for s in loc.steps] == ["ind", "municipality", "advice"]
    assert [s.desk for s in loc.steps] == ["ind", "municipality", "advice"]
    assert [s.shared for s in loc.steps] == [False, False, True]
    assert set(loc.desks["ind"].hours) == {1, 3, 4}  # verified: Tuesday, Thursday, Friday
    assert loc.desks["ind"].hours[1] == (
        Interval(time(9), time(12, 30)),
        Interval(time(13, 30), time(16, 30)),
    )
    assert (loc.min_notice_working_days, loc.horizon_days) == (2, 56)
    closures = {c.day: c for c in loc.closures}
    for day in (date(2027, 2, 8), date(2027, 2, 9)):
        assert closures[day].desk is None
        assert "to confirm" in closures[day].reason


def test_the_default_location_computes_availability() -> None:
    loc = load_locations(CONTENT, MUNICIPALITIES)["maastricht"]
    working_days = WorkingDays(loc)
    days = bookable_days(loc, date(2027, 1, 25), 1, {}, working_days)
    assert date(2027, 2, 9) not in days  # carnival Tuesday (to confirm)
    assert date(2027, 2, 11) in days
    assert {d.weekday() for d in days} == {1, 3, 4}
    assert len(available_starts(loc, date(2027, 2, 11), 4, {})) > 0


def write_content(folder: Path, extra: str = "") -> Path:
    """A content folder with the real locations file plus extra TOML appended."""
    real = (CONTENT / "locations.toml").read_text(encoding="utf-8")
    (folder / "locations.toml").write_text(real + extra, encoding="utf-8")
    return folder


def test_a_second_location_is_only_data(tmp_path: Path) -> None:
    locations = load_locations(write_content(tmp_path, HEERLEN), MUNICIPALITIES)
    assert list(locations) == ["maastricht", "heerlen"]
    heerlen = locations["heerlen"]
    assert heerlen.reference_prefix == "HRL"
    assert heerlen.municipalities == ("heerlen", "kerkrade", "landgraaf", "brunssum")
    today = date(2026, 4, 14)

    heerlen_days = bookable_days(heerlen, today, 2, {}, WorkingDays(heerlen))
    assert heerlen_days[0] == date(2026, 4, 22)  # 3 working days' notice: Fri 17 -> Wed 22
    assert {d.weekday() for d in heerlen_days} == {2}
    assert heerlen_days[-1] <= date(2026, 5, 12)  # 28-day horizon

    maastricht = locations["maastricht"]
    maastricht_days = bookable_days(maastricht, today, 2, {}, WorkingDays(maastricht))
    assert {d.weekday() for d in maastricht_days} == {1, 3, 4}

    itinerary = plan(heerlen, date(2026, 4, 22), time(8, 30), 2)
    assert itinerary is not None
    assert [(f"{v.start:%H:%M}", f"{v.end:%H:%M}") for v in itinerary.visits] == [
        ("08:30", "09:10"),
        ("09:20", "10:00"),
        ("10:00", "10:40"),
    ]
    assert len(itinerary.cells()) == 4 + 4 + 4  # 10-minute slots
    assert [f"{i.start:%H:%M}" for i in available_starts(heerlen, date(2026, 4, 22), 2, {})] == [
        "08:30",
        "09:00",
        "09:30",
        "10:00",
    ]


TEMPLATE = """
[[locations]]
id = "maastricht"
reference_prefix = "MST"
name = "Expat Centre Maastricht Region"
address = "Mosae Forum 10, 6211 DW Maastricht"
timezone = "Europe/Amsterdam"
holiday_country = "NL"
municipalities = "pilot_area"
slot_minutes = 5
start_every_minutes = 15
min_notice_working_days = 2
horizon_days = 56

[locations.desks.ind]
capacity = 2
[locations.desks.ind.hours]
tuesday = ["09:00-12:30", "13:30-16:30"]

[locations.desks.advice]
capacity = 1
[locations.desks.advice.hours]
tuesday = ["09:00-12:30"]

[[locations.steps]]
id = "ind"
desk = "ind"
minutes_per_person = 15
shared = false
buffer_after = 10

[[locations.steps]]
id = "advice"
desk = "advice"
minutes_per_person = 30
shared = true
buffer_after = 0

[[locations.closures]]
date = 2027-02-08
reason = "Carnival Monday (to confirm)"
"""

SECOND = TEMPLATE.replace('"maastricht"', '"sittard"').replace('"MST"', '"STD"')


def test_the_template_is_valid(tmp_path: Path) -> None:
    (tmp_path / "locations.toml").write_text(TEMPLATE + SECOND, encoding="utf-8")
    assert list(load_locations(tmp_path, MUNICIPALITIES)) == ["maastricht", "sittard"]


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ('desk = "advice"', 'desk = "counter"', "steps[1].desk", "unknown desk 'counter'"),
        ("capacity = 2", "capacity = 0", "desks.ind.capacity", "must be positive"),
        ("minutes_per_person = 15", "minutes_per_person = 0", "minutes_per_person", "> 0"),
        ("buffer_after = 10", "buffer_after = -5", "steps[0].buffer_after", ">= 0"),
        ("minutes_per_person = 15", "minutes_per_person = 17", "steps[0]", "multiple of 5"),
        ("buffer_after = 10", "buffer_after = 7", "steps[0].buffer_after", "multiple of 5"),
        ('"09:00-12:30", "13:30', '"12:30-09:00", "13:30', "hours.tuesday", "ends before"),
        ('"09:00-12:30", "13:30', '"09:00-14:00", "13:30', "hours.tuesday", "overlap"),
        ('"09:00-12:30", "13:30', '"09:02-12:30", "13:30', "hours.tuesday", "slot grid"),
        ('"09:00-12:30", "13:30', '"9:00-12:30", "13:30', "hours.tuesday", "HH:MM-HH:MM"),
        ('"09:00-12:30", "13:30', '"09:00-25:00", "13:30', "hours.tuesday", "time of day"),
        ('tuesday = ["09:00-12:30", "13', 'tuesdy = ["09:00-12:30", "13', "hours", "weekday"),
        ("Europe/Amsterdam", "Europe/Maastricht", "timezone", "unknown timezone"),
        ('"MST"', '"mst"', "reference_prefix", "2-4 uppercase"),
        ('"MST"', '"M"', "reference_prefix", "2-4 uppercase"),
        ('"MST"', '"MSTRX"', "reference_prefix", "2-4 uppercase"),
        ('"pilot_area"', '["maastricht", "aachen"]', "municipalities", "aachen"),
        ('"pilot_area"', '"south_limburg"', "municipalities", "pilot_area"),
        ("date = 2027-02-08", 'date = "2027-02-08"', "closures.0.date", "TOML date"),
        ("date = 2027-02-08", "date = 2027-02-08T00:00:00", "closures.0.date", "TOML date"),
        ('reason = "Carnival', 'desk = "bar"\nreason = "Carnival', "closures[0].desk", "bar"),
        ("capacity = 2", "capacty = 2", "desks.ind", "Extra inputs"),
        ("start_every_minutes = 15", "start_every_minutes = 7", "start_every", "multiple"),
        ("slot_minutes = 5", "slot_minutes = 0", "slot_minutes", "positive"),
        ("horizon_days = 56", "horizon_days = 0", "horizon_days", "positive"),
        ('holiday_country = "NL"', 'holiday_country = "XX"', "holiday_country", "'XX'"),
        ("shared = true", 'shared = "yes"', "steps.1.shared", "boolean"),
    ],
)
def test_bad_data_names_the_location_and_field(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    assert old in TEMPLATE
    (tmp_path / "locations.toml").write_text(TEMPLATE.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ValueError) as error:
        load_locations(tmp_path, MUNICIPALITIES)
    text = str(error.value)
    assert "location 'maastricht'" in text
    assert field in text
    assert message in text


@pytest.mark.parametrize(
    ("second", "field", "message"),
    [
        (TEMPLATE.replace('"MST"', '"STD"'), "id", "duplicate location id"),
        (TEMPLATE.replace('"maastricht"', '"sittard"'), "reference_prefix", "already used"),
    ],
)
def test_duplicates_across_locations(tmp_path: Path, second: str, field: str, message: str) -> None:
    (tmp_path / "locations.toml").write_text(TEMPLATE + second, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as error:
        load_locations(tmp_path, MUNICIPALITIES)
    assert f": {field}:" in str(error.value)


def test_no_locations_at_all(tmp_path: Path) -> None:
    (tmp_path / "locations.toml").write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(ValueError, match="at least one"):
        load_locations(tmp_path, MUNICIPALITIES)
