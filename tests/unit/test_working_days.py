"""Working days: weekends, Dutch public holidays, location closures, and add() for due dates."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.domain.locations import Closure, Desk, Interval, Location, Step
from bot.domain.working_days import WorkingDays

HOURS = {d: (Interval(time(9), time(17)),) for d in range(5)}
CARNIVAL = (
    Closure(date(2027, 2, 8), "Carnival Monday (to confirm)", None),
    Closure(date(2027, 2, 9), "Carnival Tuesday (to confirm)", None),
    Closure(date(2026, 6, 2), "IND system maintenance", "ind"),
)


def make_location(closures: tuple[Closure, ...] = CARNIVAL) -> Location:
    """A one-desk location: only the closures and holiday country matter here."""
    return Location(
        id="test",
        reference_prefix="TST",
        name="Test",
        address="Somewhere 1",
        timezone="Europe/Amsterdam",
        desks={"ind": Desk("ind", 1, HOURS)},
        steps=(Step("ind", "ind", 15, False, 0),),
        slot_minutes=5,
        start_every_minutes=15,
        min_notice_working_days=2,
        horizon_days=56,
        closures=closures,
        holiday_country="NL",
        municipalities=("maastricht",),
    )


WD = WorkingDays(make_location())


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 4, 7), True),  # an ordinary Tuesday
        (date(2026, 4, 4), False),  # Saturday
        (date(2026, 4, 5), False),  # Sunday (Easter)
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 27), False),  # King's Day
        (date(2026, 5, 14), False),  # Ascension Day
        (date(2026, 5, 25), False),  # Whit Monday
        (date(2025, 12, 25), False),  # Christmas Day (Thursday)
        (date(2025, 12, 26), False),  # Second Day of Christmas (Friday)
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2025, 5, 5), False),  # Liberation Day, lustrum year: a holiday in the package
        (date(2026, 5, 5), True),  # Liberation Day, other years: not a holiday in the package
        (date(2027, 2, 8), False),  # configured carnival closure
        (date(2027, 2, 9), False),
        (date(2027, 2, 10), True),  # Ash Wednesday
        (date(2026, 6, 2), True),  # only one desk closed: the location still works
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert WD.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 4, 7), 0, date(2026, 4, 7)),  # working day itself
        (date(2026, 4, 4), 0, date(2026, 4, 7)),  # Saturday -> past Easter Monday
        (date(2026, 1, 9), 1, date(2026, 1, 12)),  # Friday -> Monday
        (date(2026, 1, 7), 3, date(2026, 1, 12)),  # Wednesday + 3 over a weekend
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # over Good Friday, weekend, Easter Monday
        (date(2026, 4, 1), 2, date(2026, 4, 7)),  # minimum notice across Easter
        (date(2026, 4, 2), 3, date(2026, 4, 9)),  # visit + 3 working days (BSN due date)
        (date(2026, 4, 24), 1, date(2026, 4, 28)),  # over King's Day Monday
        (date(2026, 5, 13), 1, date(2026, 5, 15)),  # over Ascension
        (date(2026, 12, 23), 3, date(2026, 12, 29)),  # over Christmas (Fri 25, Sat 26)
        (date(2025, 12, 24), 1, date(2025, 12, 29)),  # Christmas Thu/Fri + weekend
        (date(2026, 12, 30), 2, date(2027, 1, 4)),  # over New Year's Day, into a new year
        (date(2027, 2, 5), 1, date(2027, 2, 10)),  # over the carnival closure
        (date(2026, 4, 3), 0, date(2026, 4, 7)),  # a holiday itself, n=0
    ],
)
def test_add(day: date, n: int, expected: date) -> None:
    assert WD.add(day, n) == expected


def test_add_matches_counting_day_by_day() -> None:
    """For every start in two years and n up to 10, exactly n working days lie in (day, result]."""
    start = date(2025, 12, 1)
    for offset in range(400):
        day = start + timedelta(days=offset)
        for n in range(1, 11):
            result = WD.add(day, n)
            assert WD.is_working_day(result)
            between = [day + timedelta(days=k) for k in range(1, (result - day).days + 1)]
            assert sum(WD.is_working_day(d) for d in between) == n
        zero = WD.add(day, 0)
        assert WD.is_working_day(zero)
        assert not any(WD.is_working_day(day + timedelta(days=k)) for k in range((zero - day).days))


def test_add_refuses_negative_n() -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        WD.add(date(2026, 4, 7), -1)


def test_holiday_name_in_both_languages() -> None:
    assert WD.holiday_name(date(2026, 4, 27)) == "King's Day"
    assert WD.holiday_name(date(2026, 4, 27), language="nl") == "Koningsdag"
    assert WD.holiday_name(date(2026, 4, 7)) is None
    assert WD.holiday_name(date(2027, 2, 8)) is None  # a closure, not a holiday


def test_closure_reason_only_for_whole_location_closures() -> None:
    assert WD.closure_reason(date(2027, 2, 8)) == "Carnival Monday (to confirm)"
    assert WD.closure_reason(date(2026, 6, 2)) is None  # desk-specific
    assert WD.closure_reason(date(2026, 4, 7)) is None


def test_without_closures_carnival_is_a_working_day() -> None:
    assert WorkingDays(make_location(closures=())).is_working_day(date(2027, 2, 8))
