"""The planner: durations, opening hours, closures, capacity, notice, horizon, DST and speed."""

from __future__ import annotations

import random
import time as timer
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.domain.itinerary import (
    Cell,
    Itinerary,
    available_starts,
    bookable_days,
    is_bookable,
    plan,
    start_times,
)
from bot.domain.locations import Closure, Desk, Interval, Location, Step
from bot.domain.working_days import WorkingDays

AMS = ZoneInfo("Europe/Amsterdam")
DAY = (Interval(time(9), time(12, 30)), Interval(time(13, 30), time(16, 30)))
TUE = date(2026, 4, 7)  # an ordinary Tuesday (CEST)
THU = date(2026, 4, 9)
MON = date(2026, 4, 13)
WED = date(2026, 4, 15)


def make_location(closures: tuple[Closure, ...] = ()) -> Location:
    """The Maastricht defaults, built in code so these tests do not depend on content files."""
    weekdays = dict.fromkeys(range(5), DAY)
    return Location(
        id="maastricht",
        reference_prefix="MST",
        name="Expat Centre Maastricht Region",
        address="Mosae Forum 10, 6211 DW Maastricht",
        timezone="Europe/Amsterdam",
        desks={
            "ind": Desk("ind", 2, {1: DAY, 3: DAY, 4: DAY}),
            "municipality": Desk("municipality", 2, weekdays),
            "advice": Desk("advice", 1, weekdays),
        },
        steps=(
            Step("ind", "ind", 15, False, 10),
            Step("municipality", "municipality", 20, False, 10),
            Step("advice", "advice", 30, True, 0),
        ),
        slot_minutes=5,
        start_every_minutes=15,
        min_notice_working_days=2,
        horizon_days=56,
        closures=closures,
        holiday_country="NL",
        municipalities=("maastricht",),
    )


LOC = make_location()
WD = WorkingDays(LOC)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMS)


def cell(desk: str, day: date, hour: int, minute: int = 0) -> Cell:
    return (desk, local(day, hour, minute).astimezone(UTC))


def schedule(itinerary: Itinerary | None) -> list[tuple[str, str, str]]:
    """(step, start, end) as HH:MM wall clock, for readable expectations."""
    assert itinerary is not None
    return [(v.step, f"{v.start:%H:%M}", f"{v.end:%H:%M}") for v in itinerary.visits]


def starts(itineraries: list[Itinerary]) -> list[str]:
    return [f"{i.start:%H:%M}" for i in itineraries]


# --- durations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "expected"),
    [
        (
            1,
            [
                ("ind", "09:00", "09:15"),
                ("municipality", "09:25", "09:45"),
                ("advice", "09:55", "10:25"),
            ],
        ),
        (
            4,  # individual steps x4, the shared advice talk stays 30 minutes
            [
                ("ind", "09:00", "10:00"),
                ("municipality", "10:10", "11:30"),
                ("advice", "11:40", "12:10"),
            ],
        ),
    ],
)
def test_durations_scale_with_party_except_shared_steps(
    party: int, expected: list[tuple[str, str, str]]
) -> None:
    itinerary = plan(LOC, TUE, time(9), party)
    assert schedule(itinerary) == expected
    assert itinerary is not None
    assert itinerary.party_size == party
    assert itinerary.start == local(TUE, 9)
    assert itinerary.start.tzinfo is not None
    assert itinerary.start.utcoffset() == timedelta(hours=2)  # CEST


# --- opening hours: all or nothing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "party", "fits"),
    [
        (time(11, 0), 1, True),  # advice 11:55-12:25, just before lunch
        (time(11, 15), 1, False),  # advice 12:10-12:40 would cross the lunch break
        (time(9, 15), 4, True),  # advice 11:55-12:25
        (time(9, 30), 4, False),  # advice 12:10-12:40 would cross the lunch break
        (time(10, 30), 4, False),  # municipality 11:40-13:00 would cross the lunch break
        (time(12, 30), 1, False),  # IND closed for lunch
        (time(13, 30), 1, True),
        (time(15, 0), 1, True),  # advice 15:55-16:25
        (time(15, 15), 1, False),  # advice 16:10-16:40: after closing
        (time(13, 30), 4, False),  # advice 16:10-16:40: after closing
        (time(8, 45), 1, False),  # before opening
        (time(9, 5), 1, True),  # on the 5-minute slot grid: plan() allows it
        (time(9, 7), 1, False),  # off the slot grid: cells would not line up
        (time(9, 0, 30), 1, False),
    ],
)
def test_every_step_must_fit_one_opening_interval(start: time, party: int, fits: bool) -> None:
    assert (plan(LOC, TUE, start, party) is not None) is fits


def test_a_partly_fitting_start_yields_nothing_at_all() -> None:
    """IND and municipality fit at 11:15 but the advice talk does not: no partial itinerary."""
    assert plan(LOC, TUE, time(11, 15), 1) is None
    assert "11:15" not in starts(available_starts(LOC, TUE, 1, {}))


@pytest.mark.parametrize("day", [MON, WED, date(2026, 4, 11), date(2026, 4, 12)])
def test_no_ind_desk_no_starts(day: date) -> None:
    assert start_times(LOC, day) == []
    assert available_starts(LOC, day, 1, {}) == []
    assert plan(LOC, day, time(9), 1) is None


def test_start_times_cover_the_first_desks_day() -> None:
    times = start_times(LOC, TUE)
    assert times[0] == time(9) and times[-1] == time(16, 15)
    assert len(times) == 30


@pytest.mark.parametrize(
    ("party", "expected"),
    [
        (1, 16),  # 09:00-11:00 morning, 13:30-15:00 afternoon
        (4, 2),  # 09:00 and 09:15 only
        (5, 0),  # 5 x 15 + 10 + 5 x 20 + 10 + 30 = 225 minutes > 210
    ],
)
def test_number_of_starts_per_party_size(party: int, expected: int) -> None:
    assert len(available_starts(LOC, TUE, party, {})) == expected


def test_party_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="party_size"):
        plan(LOC, TUE, time(9), 0)


# --- closures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("desk", ["ind", "municipality", "advice"])
def test_a_desk_specific_closure_closes_the_day(desk: str) -> None:
    location = make_location((Closure(TUE, "maintenance", desk),))
    assert plan(location, TUE, time(9), 1) is None
    assert available_starts(location, TUE, 1, {}) == []
    days = bookable_days(location, date(2026, 4, 1), 1, {}, WorkingDays(location))
    assert TUE not in days and THU in days
    assert (
        is_bookable(location, TUE, time(9), 1, date(2026, 4, 1), {}, WorkingDays(location)) is None
    )
    assert plan(location, THU, time(9), 1) is not None


def test_a_location_closure_closes_the_day() -> None:
    location = make_location((Closure(TUE, "carnival", None),))
    assert plan(location, TUE, time(9), 1) is None
    assert TUE not in bookable_days(location, date(2026, 4, 1), 1, {}, WorkingDays(location))


# --- capacity ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "full_cell", "gone"),
    [
        (1, cell("ind", TUE, 9, 30), {"09:30"}),  # IND 15 min: only the start at 09:30 covers it
        (2, cell("ind", TUE, 9, 30), {"09:15", "09:30"}),  # IND 30 min
        (1, cell("ind", TUE, 9, 25), {"09:15"}),  # a slot in the middle of a visit
        (1, cell("municipality", TUE, 10, 0), {"09:30"}),  # municipality 09:55-10:15
        (4, cell("ind", TUE, 9, 55), {"09:00", "09:15"}),  # IND 60 min covers it for both
        (1, cell("ind", THU, 9, 30), set()),  # another day's cell changes nothing
    ],
)
def test_a_full_slot_removes_exactly_the_starts_covering_it(
    party: int, full_cell: Cell, gone: set[str]
) -> None:
    capacity = LOC.desks[full_cell[0]].capacity
    before = starts(available_starts(LOC, TUE, party, {}))
    after = starts(available_starts(LOC, TUE, party, {full_cell: capacity}))
    assert set(before) - set(after) == gone
    assert set(after) <= set(before)
    below = starts(available_starts(LOC, TUE, party, {full_cell: capacity - 1}))
    assert below == before


def test_advice_room_holds_one_party() -> None:
    """The advice room has capacity 1: one booking there blocks overlapping starts."""
    booked = plan(LOC, TUE, time(9), 1)
    assert booked is not None
    usage = dict.fromkeys(booked.cells(), 1)
    after = starts(available_starts(LOC, TUE, 1, usage))
    # IND and municipality still have a second counter; the advice 09:55-10:25 is taken.
    assert "09:00" not in after and "09:15" not in after
    assert "09:30" in after  # advice 10:25-10:55


def test_cells_are_utc_slots_of_each_desk_for_the_whole_visit() -> None:
    itinerary = plan(LOC, TUE, time(9), 1)
    assert itinerary is not None
    cells = itinerary.cells()
    assert len(cells) == 3 + 4 + 6
    assert cells[0] == ("ind", datetime(2026, 4, 7, 7, 0, tzinfo=UTC))
    assert cells[3] == ("municipality", datetime(2026, 4, 7, 7, 25, tzinfo=UTC))
    assert cells[-1] == ("advice", datetime(2026, 4, 7, 8, 20, tzinfo=UTC))
    assert all(moment.tzinfo is UTC for _, moment in cells)
    winter = plan(LOC, date(2026, 1, 13), time(9), 4)
    assert winter is not None
    assert winter.cells()[0] == ("ind", datetime(2026, 1, 13, 8, 0, tzinfo=UTC))
    assert len(winter.cells()) == 12 + 16 + 6


def test_available_starts_drops_the_past() -> None:
    now = local(TUE, 10).astimezone(UTC)
    assert starts(available_starts(LOC, TUE, 1, {}, now=now)) == [
        "10:00",
        "10:15",
        "10:30",
        "10:45",
        "11:00",
        "13:30",
        "13:45",
        "14:00",
        "14:15",
        "14:30",
        "14:45",
        "15:00",
    ]


# --- days: notice, horizon, holidays ----------------------------------------------------------


def test_min_notice_and_horizon() -> None:
    today = date(2026, 4, 14)  # Tuesday; + 2 working days = Thursday 16th
    days = bookable_days(LOC, today, 1, {}, WD)
    assert days[0] == date(2026, 4, 16)
    assert days[-1] == date(2026, 6, 9)  # today + 56 days, inclusive
    assert date(2026, 6, 11) not in days
    assert all(d.weekday() in (1, 3, 4) for d in days)


def test_min_notice_over_easter() -> None:
    days = bookable_days(LOC, date(2026, 4, 1), 1, {}, WD)
    assert days[0] == TUE  # Thu 2 is day 1; Good Friday, weekend, Easter Monday skipped


@pytest.mark.parametrize(
    "holiday",
    [date(2026, 4, 3), date(2026, 5, 14), date(2026, 12, 25)],  # Good Friday, Ascension, Xmas
)
def test_holidays_are_not_bookable(holiday: date) -> None:
    today = holiday - timedelta(days=14)
    assert holiday not in bookable_days(LOC, today, 1, {}, WD)
    assert is_bookable(LOC, holiday, time(9), 1, today, {}, WD) is None


def test_full_days_are_not_offered() -> None:
    today = date(2026, 4, 1)
    usage: dict[Cell, int] = {}
    for start in start_times(LOC, THU):
        booked = plan(LOC, THU, start, 1)
        if booked is not None:
            for c in booked.cells():
                usage[c] = 2
    assert available_starts(LOC, THU, 1, usage) == []
    days = bookable_days(LOC, today, 1, usage, WD)
    assert THU not in days and TUE in days


def test_bookable_days_agrees_with_available_starts() -> None:
    """The fast day scan and the plain per-day planner give the same answer on random usage."""
    rng = random.Random(7)
    today = date(2026, 3, 2)  # the horizon crosses the DST change of 29 March
    for party in (1, 2, 3):
        usage = random_usage(rng, today, 1500)
        expected = [
            today + timedelta(days=k)
            for k in range(LOC.horizon_days + 1)
            if today + timedelta(days=k) >= WD.add(today, 2)
            and WD.is_working_day(today + timedelta(days=k))
            and available_starts(LOC, today + timedelta(days=k), party, usage)
        ]
        assert bookable_days(LOC, today, party, usage, WD) == expected


# --- re-validating a button -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "party", "ok"),
    [
        (date(2026, 4, 16), time(9), 1, True),
        (date(2026, 4, 16), time(9), 4, True),
        (date(2026, 4, 16), time(9, 30), 4, False),  # crosses lunch
        (date(2026, 4, 10), time(9), 1, False),  # in the past
        (date(2026, 4, 14), time(9), 1, False),  # today
        (date(2026, 4, 15), time(9), 1, False),  # Wednesday: no IND; also inside the notice
        (date(2026, 6, 9), time(9), 1, True),  # last day of the horizon
        (date(2026, 6, 11), time(9), 1, False),  # beyond the horizon
        (date(2026, 4, 20), time(9), 1, False),  # Monday: IND closed
        (date(2026, 5, 14), time(9), 1, False),  # Ascension
        (date(2026, 4, 16), time(9, 5), 1, False),  # on the slot grid but not an offered start
        (date(2026, 4, 16), time(8, 0), 1, False),  # before opening
        (date(2026, 4, 16), time(9), 0, False),  # forged party size
        (date(2026, 4, 16), time(9), -3, False),
    ],
)
def test_is_bookable(day: date, start: time, party: int, ok: bool) -> None:
    result = is_bookable(LOC, day, start, party, date(2026, 4, 14), {}, WD)
    assert (result is not None) is ok
    if result is not None:
        assert result == plan(LOC, day, start, party)


def test_is_bookable_refuses_a_full_slot() -> None:
    today = date(2026, 4, 14)
    day = date(2026, 4, 16)
    usage = {cell("advice", day, 10, 0): 1}
    assert is_bookable(LOC, day, time(9), 1, today, usage, WD) is None
    assert is_bookable(LOC, day, time(9), 1, today, {cell("ind", day, 9): 1}, WD) is not None
    assert is_bookable(LOC, day, time(9), 1, today, {cell("ind", day, 9): 2}, WD) is None


# --- DST --------------------------------------------------------------------------------------


def open_always() -> Location:
    """A location open every day, night included, to plan across DST changes."""
    hours = {d: (Interval(time(0), time(23, 55)),) for d in range(7)}
    return replace(
        LOC,
        desks={
            "ind": Desk("ind", 1, hours),
            "municipality": Desk("municipality", 1, hours),
            "advice": Desk("advice", 1, hours),
        },
    )


@pytest.mark.parametrize(
    ("day", "ind_end", "advice_end"),
    [
        # 02:00 CET becomes 03:00 CEST: an hour of IND from 01:30 ends at 03:30 wall clock.
        (date(2026, 3, 29), "03:30", "05:40"),
        # 03:00 CEST becomes 02:00 CET: the first 02:00-03:00 passes, then the second.
        (date(2026, 10, 25), "02:30", "03:40"),
    ],
)
def test_plans_across_dst_changes_in_real_time(day: date, ind_end: str, advice_end: str) -> None:
    itinerary = plan(open_always(), day, time(1, 30), 4)
    assert itinerary is not None
    ind = itinerary.visits[0]
    # Same-zone subtraction in Python is wall-clock; compare real elapsed time in UTC.
    assert ind.end.astimezone(UTC) - ind.start.astimezone(UTC) == timedelta(hours=1)
    assert f"{ind.end:%H:%M}" == ind_end
    assert f"{itinerary.end:%H:%M}" == advice_end
    assert itinerary.end.astimezone(UTC) - itinerary.start.astimezone(UTC) == timedelta(
        minutes=60 + 10 + 80 + 10 + 30
    )
    moments = [m for desk, m in itinerary.cells() if desk == "ind"]
    assert all(b - a == timedelta(minutes=5) for a, b in pairwise(moments))


def test_dst_sunday_daytime_uses_the_new_offset() -> None:
    itinerary = plan(open_always(), date(2026, 3, 29), time(9), 1)
    assert itinerary is not None
    assert itinerary.cells()[0] == ("ind", datetime(2026, 3, 29, 7, 0, tzinfo=UTC))


def test_same_weekday_either_side_of_dst_uses_its_own_offset() -> None:
    """A full cell on a CEST Friday must not leak to the CET Friday before it (shared plans)."""
    cet, cest = date(2026, 3, 27), date(2026, 4, 10)
    usage = {cell("ind", cest, 9): 2}
    assert "09:00" in starts(available_starts(LOC, cet, 1, usage))
    assert "09:00" not in starts(available_starts(LOC, cest, 1, usage))
    assert usage.keys() == {("ind", datetime(2026, 4, 10, 7, 0, tzinfo=UTC))}


# --- speed ------------------------------------------------------------------------------------


def random_usage(rng: random.Random, today: date, bookings: int) -> dict[Cell, int]:
    """Usage of many random bookings around today, over capacity where they pile up."""
    usage: dict[Cell, int] = {}
    made = 0
    while made < bookings:
        day = today + timedelta(days=rng.randrange(-2500, LOC.horizon_days + 1))
        options = start_times(LOC, day)
        if not options:
            continue
        booked = plan(LOC, day, rng.choice(options), rng.randint(1, 4))
        if booked is None:
            continue
        for c in booked.cells():
            usage[c] = usage.get(c, 0) + 1
        made += 1
    return usage


def test_bookable_days_is_fast_with_10000_bookings() -> None:
    rng = random.Random(1)
    today = date(2026, 4, 14)
    usage = random_usage(rng, today, 10_000)
    assert len(usage) > 70_000
    # Worst case: every day in the horizon is full, so every start of every day is checked.
    for day in (today + timedelta(days=k) for k in range(LOC.horizon_days + 1)):
        for start in start_times(LOC, day):
            booked = plan(LOC, day, start, 1)
            if booked is not None:
                for c in booked.cells():
                    usage[c] = max(usage.get(c, 0), 2)
    best = min(timed(lambda: bookable_days(LOC, today, 1, usage, WD)) for _ in range(5))
    assert bookable_days(LOC, today, 1, usage, WD) == []
    assert best < 0.1  # typically a few ms; generous for slow CI machines


def timed(action: Callable[[], object]) -> float:
    began = timer.perf_counter()
    action()
    return timer.perf_counter() - began
