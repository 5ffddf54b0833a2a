"""Reminder timing: DST, quiet hours, BSN due dates over holidays, stale rules, the digest."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content.eligibility import load_municipalities
from bot.content.locations import load_locations
from bot.content.reminders import load_reminder_settings
from bot.domain.reminders import (
    DEFAULT_STALE_AFTER,
    Kind,
    Planned,
    add_months,
    after_attended,
    after_bsn_issued,
    bsn_due_date,
    held_until,
    insurance_deadline,
    next_digest,
    shift_out_of_quiet_hours,
    still_makes_sense,
    visit_reminders,
)
from bot.domain.working_days import WorkingDays

CONTENT = Path(__file__).parents[2] / "content"
SETTINGS = load_reminder_settings(CONTENT)
# The due-date arithmetic below is written out for a promise of 3 working days; the content's own
# promise (5, from the Expat Centre's page) is checked in test_settings_match_the_brief.
THREE_DAYS = replace(SETTINGS, bsn_working_days=3)
LOCATION = load_locations(CONTENT, tuple(m.id for m in load_municipalities(CONTENT)))["maastricht"]
ZONE = ZoneInfo(LOCATION.timezone)
WD = WorkingDays(LOCATION)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A UTC moment, since expectations are written in UTC to expose offset mistakes."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """An Amsterdam wall-clock moment."""
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def test_settings_match_the_brief() -> None:
    assert SETTINGS.evening_before_time == time(18)
    assert SETTINGS.morning_of_time == time(8)
    assert SETTINGS.bsn_working_days == 5
    assert SETTINGS.bsn_due_time == time(9)
    assert SETTINGS.staff_overdue_time == time(17)
    assert (SETTINGS.insurance_months, SETTINGS.insurance_warning_days) == (4, 14)
    assert (SETTINGS.quiet_start, SETTINGS.quiet_end) == (time(21), time(8))
    assert SETTINGS.digest_time == time(8, 30)
    assert (SETTINGS.bsn_expected_delay_minutes, SETTINGS.bsn_next_steps_delay_minutes) == (0, 0)
    assert dict(SETTINGS.stale_after) == dict(DEFAULT_STALE_AFTER)


@pytest.mark.parametrize(
    ("visit", "evening", "morning"),
    [
        # Monday after the March switch: Sunday 18:00 CEST = 16:00 UTC.
        (local(2026, 3, 30, 9), utc(2026, 3, 29, 16), utc(2026, 3, 30, 6)),
        # Visit on the switch day itself (Sunday 29 March): Saturday still CET.
        (local(2026, 3, 29, 10), utc(2026, 3, 28, 17), utc(2026, 3, 29, 6)),
        # Monday after the October switch: Sunday 18:00 CET = 17:00 UTC.
        (local(2026, 10, 26, 9), utc(2026, 10, 25, 17), utc(2026, 10, 26, 7)),
        # Visit on Sunday 25 October: Saturday still CEST.
        (local(2026, 10, 25, 10), utc(2026, 10, 24, 16), utc(2026, 10, 25, 7)),
        # Visit given in UTC is the same visit.
        (utc(2026, 4, 7, 7, 30), utc(2026, 4, 6, 16), utc(2026, 4, 7, 6)),
        # Visit at 08:00: the morning time is not before it, so start - 1 h, kept in quiet
        # hours because moving it to 08:00 would be at the start.
        (local(2026, 4, 7, 8), utc(2026, 4, 6, 16), utc(2026, 4, 7, 5)),
        # Visit at 08:30: start - 1 h = 07:30 is quiet, moved to 08:00, still before the visit.
        (local(2026, 4, 7, 8, 30), utc(2026, 4, 6, 16), utc(2026, 4, 7, 6)),
    ],
)
def test_visit_reminders(visit: datetime, evening: datetime, morning: datetime) -> None:
    assert visit_reminders(visit, ZONE, SETTINGS) == [
        Planned("evening_before", evening),
        Planned("morning_of", morning),
    ]


def test_visit_reminders_are_utc_and_never_after_the_start() -> None:
    visit = local(2026, 4, 7, 7)
    for planned in visit_reminders(visit, ZONE, SETTINGS):
        assert planned.due.tzinfo is UTC
        assert planned.due < visit


def test_evening_time_in_quiet_hours_moves_to_the_morning() -> None:
    late = replace(SETTINGS, evening_before_time=time(22))
    planned = visit_reminders(local(2026, 4, 7, 10), ZONE, late)
    assert planned[0] == Planned("evening_before", utc(2026, 4, 7, 6))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 4, 7, 20, 59), utc(2026, 4, 7, 18, 59)),  # just before quiet hours
        (local(2026, 4, 7, 21), utc(2026, 4, 8, 6)),  # start is quiet, to next morning
        (local(2026, 4, 7, 23, 30), utc(2026, 4, 8, 6)),  # before midnight
        (local(2026, 4, 8, 0, 10), utc(2026, 4, 8, 6)),  # after midnight, same morning
        (local(2026, 4, 8, 7, 59), utc(2026, 4, 8, 6)),
        (local(2026, 4, 8, 8), utc(2026, 4, 8, 6)),  # end is not quiet
        (local(2026, 4, 8, 12), utc(2026, 4, 8, 10)),
        # Across the March switch: Saturday 22:00 CET to Sunday 08:00 CEST.
        (local(2026, 3, 28, 22), utc(2026, 3, 29, 6)),
        (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 6)),  # 03:30 CEST, just after the gap
        # Across the October switch: Saturday 23:00 CEST to Sunday 08:00 CET.
        (local(2026, 10, 24, 23), utc(2026, 10, 25, 7)),
        (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 7)),  # 02:30 CEST, first pass
        (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 7)),  # 02:30 CET, second pass
        # New Year's Eve into the next year.
        (local(2026, 12, 31, 22), utc(2027, 1, 1, 7)),
    ],
)
def test_shift_out_of_quiet_hours(moment: datetime, expected: datetime) -> None:
    shifted = shift_out_of_quiet_hours(moment, ZONE, SETTINGS)
    assert shifted == expected
    assert shifted.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "end", "moment", "expected"),
    [
        (time(12), time(14), local(2026, 4, 7, 13), utc(2026, 4, 7, 12)),  # same-day window
        (time(12), time(14), local(2026, 4, 7, 14), utc(2026, 4, 7, 12)),
        (time(12), time(14), local(2026, 4, 7, 11), utc(2026, 4, 7, 9)),
        (time(0), time(7), local(2026, 4, 7, 23), utc(2026, 4, 7, 21)),
        (time(0), time(7), local(2026, 4, 7, 0), utc(2026, 4, 7, 5)),
    ],
)
def test_quiet_hours_not_crossing_midnight(
    start: time, end: time, moment: datetime, expected: datetime
) -> None:
    settings = replace(SETTINGS, quiet_start=start, quiet_end=end)
    assert shift_out_of_quiet_hours(moment, ZONE, settings) == expected


def test_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        shift_out_of_quiet_hours(datetime(2026, 4, 7, 12), ZONE, SETTINGS)


@pytest.mark.parametrize(
    ("visit_day", "due"),
    [
        (date(2026, 6, 5), date(2026, 6, 10)),  # Friday -> following Wednesday
        (date(2026, 4, 2), date(2026, 4, 9)),  # Easter: Good Friday and Easter Monday skipped
        (date(2026, 6, 2), date(2026, 6, 5)),  # ordinary Tuesday -> Friday
        (date(2026, 4, 24), date(2026, 4, 30)),  # King's Day Monday 27 April skipped
        (date(2026, 12, 24), date(2026, 12, 30)),  # Christmas Day Friday skipped
        (date(2027, 2, 5), date(2027, 2, 12)),  # carnival closure Mon/Tue 2027 skipped
    ],
)
def test_bsn_due_date(visit_day: date, due: date) -> None:
    assert bsn_due_date(visit_day, WD, THREE_DAYS) == due


@pytest.mark.parametrize(
    ("visit_day", "deadline"),
    [
        (date(2026, 4, 2), date(2026, 8, 2)),
        (date(2026, 10, 31), date(2027, 2, 28)),  # clamped to the month's end
        (date(2027, 10, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 9, 15), date(2027, 1, 15)),  # across the year
    ],
)
def test_insurance_deadline(visit_day: date, deadline: date) -> None:
    assert insurance_deadline(visit_day, SETTINGS) == deadline
    assert add_months(visit_day, 4) == deadline


def test_after_attended_easter() -> None:
    now = local(2026, 4, 2, 11, 40)
    assert after_attended(date(2026, 4, 2), now, ZONE, WD, THREE_DAYS) == [
        Planned("bsn_expected", utc(2026, 4, 2, 9, 40)),
        Planned("bsn_due", utc(2026, 4, 9, 7)),  # Thursday 9 April 09:00 CEST
        Planned("staff_bsn_overdue", utc(2026, 4, 9, 15)),  # 17:00 CEST
        Planned("insurance_deadline", utc(2026, 7, 19, 7)),  # 2 Aug - 14 days, 09:00 CEST
    ]


def test_after_attended_friday_in_winter_marked_late_at_night() -> None:
    # Staff mark the visit attended at 22:15: the newcomer hears it at 08:00 the next day.
    now = local(2026, 11, 6, 22, 15)
    assert after_attended(date(2026, 11, 6), now, ZONE, WD, THREE_DAYS) == [
        Planned("bsn_expected", utc(2026, 11, 7, 7)),
        Planned("bsn_due", utc(2026, 11, 11, 8)),  # Wednesday 09:00 CET
        Planned("staff_bsn_overdue", utc(2026, 11, 11, 16)),
        Planned("insurance_deadline", utc(2027, 2, 20, 8)),  # 6 Mar - 14 days
    ]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2026, 4, 9, 14), utc(2026, 4, 9, 12)),
        (local(2026, 4, 9, 21, 30), utc(2026, 4, 10, 6)),
        (local(2026, 10, 24, 23), utc(2026, 10, 25, 7)),
    ],
)
def test_after_bsn_issued(now: datetime, expected: datetime) -> None:
    assert after_bsn_issued(now, ZONE, SETTINGS) == [Planned("bsn_next_steps", expected)]


def test_delays_are_applied_before_quiet_hours() -> None:
    delayed = replace(SETTINGS, bsn_next_steps_delay_minutes=90)
    now = local(2026, 4, 9, 20)
    assert after_bsn_issued(now, ZONE, delayed) == [Planned("bsn_next_steps", utc(2026, 4, 10, 6))]


VISIT = local(2026, 4, 7, 10)


@pytest.mark.parametrize(
    ("kind", "due", "now", "expected"),
    [
        ("evening_before", local(2026, 4, 6, 18), local(2026, 4, 6, 17), True),  # not due yet
        ("evening_before", local(2026, 4, 6, 18), local(2026, 4, 7, 9, 59), True),
        ("evening_before", local(2026, 4, 6, 18), local(2026, 4, 7, 10), False),
        ("morning_of", local(2026, 4, 7, 8), local(2026, 4, 7, 9), True),
        ("morning_of", local(2026, 4, 7, 8), local(2026, 4, 7, 10), False),
        ("morning_of", local(2026, 4, 7, 8), local(2026, 4, 8, 8), False),
        ("bsn_expected", local(2026, 4, 7, 12), local(2026, 4, 20, 8), True),
        ("bsn_due", local(2026, 4, 10, 9), local(2026, 5, 10, 9), True),
        ("bsn_next_steps", local(2026, 4, 10, 9), local(2026, 5, 10, 9), True),
        ("insurance_deadline", local(2026, 7, 24, 9), local(2026, 8, 1, 9), True),
        ("staff_bsn_overdue", local(2026, 4, 10, 17), local(2026, 4, 14, 9), True),
        ("staff_digest", local(2026, 4, 10, 8, 30), local(2026, 4, 14, 9), True),
        ("no_show_offer", local(2026, 4, 7, 11), local(2026, 4, 14, 9), True),
    ],
)
def test_still_makes_sense(kind: Kind, due: datetime, now: datetime, expected: bool) -> None:
    assert still_makes_sense(kind, due, now, VISIT) is expected
    assert still_makes_sense(kind, due, now, VISIT, SETTINGS.stale_after) is expected


def test_still_makes_sense_needs_the_visit_for_visit_rules() -> None:
    assert still_makes_sense("staff_digest", utc(2026, 4, 7, 6), utc(2026, 4, 8, 6), None)
    with pytest.raises(ValueError, match="visit_start"):
        still_makes_sense("morning_of", utc(2026, 4, 7, 6), utc(2026, 4, 8, 6), None)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2026, 4, 14, 7), utc(2026, 4, 14, 6, 30)),  # Tuesday before 08:30: today
        (local(2026, 4, 14, 8, 30), utc(2026, 4, 15, 6, 30)),  # exactly at it: tomorrow
        (local(2026, 4, 17, 9), utc(2026, 4, 20, 6, 30)),  # Friday -> Monday
        (local(2026, 4, 18, 7), utc(2026, 4, 20, 6, 30)),  # Saturday -> Monday
        (local(2026, 4, 19, 23), utc(2026, 4, 20, 6, 30)),  # Sunday night -> Monday
        (local(2026, 4, 2, 9), utc(2026, 4, 7, 6, 30)),  # Easter: Thursday -> Tuesday
        (local(2026, 3, 27, 9), utc(2026, 3, 30, 6, 30)),  # Friday CET -> Monday CEST
        (local(2026, 10, 23, 9), utc(2026, 10, 26, 7, 30)),  # Friday CEST -> Monday CET
        (local(2027, 2, 5, 9), utc(2027, 2, 10, 7, 30)),  # carnival closure skipped
    ],
)
def test_next_digest(now: datetime, expected: datetime) -> None:
    moment = next_digest(now, ZONE, WD, SETTINGS)
    assert moment == expected
    assert moment.tzinfo is UTC
    assert WD.is_working_day(moment.astimezone(ZONE).date())


def test_next_digest_is_never_in_the_past() -> None:
    now = local(2026, 1, 1, 0)
    for _ in range(40):
        moment = next_digest(now, ZONE, WD, SETTINGS)
        assert moment > now
        now = moment + timedelta(seconds=1)


def _write(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the real settings with one line changed."""
    text = (CONTENT / "reminders.toml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "reminders.toml").write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('morning_of_time = "08:00"', 'morning_of_time = "8:00"', "newcomer.morning_of_time"),
        ('due_time = "09:00"', 'due_time = "25:00"', "bsn.due_time"),
        ('digest_time = "08:30"', "digest_time = 08:30:00", "staff.digest_time"),
        ("working_days = 5", "working_days = 0", "bsn.working_days"),
        ("working_days = 5", 'working_days = "5"', "bsn.working_days"),
        ("months = 4", "months = 4.0", "insurance.months"),
        ("warning_days = 14", "warning_days = true", "insurance.warning_days"),
        ('end = "08:00"', 'end = "21:00"', "quiet_hours.end"),
        ('morning_of = "visit_start"', 'morning_of = "soon"', "stale_after.morning_of"),
        ('no_show_offer = "never"\n', "", "stale_after.no_show_offer"),
        ('end = "08:00"', 'end = "08:00"\nfinish = "09:00"', "quiet_hours.finish"),
        ("[staff]", "[staf]", "staf"),
    ],
)
def test_bad_settings_name_the_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    with pytest.raises(ValueError, match=rf"reminders\.toml: {field}"):
        load_reminder_settings(_write(tmp_path, old, new))


def test_quiet_hours_hold_a_newcomers_message_at_send_time_but_not_staffs() -> None:
    night = datetime(2026, 12, 1, 23, 30, tzinfo=ZONE)
    morning = datetime(2026, 12, 2, 8, 0, tzinfo=ZONE)
    assert held_until("bsn_due", night, ZONE, SETTINGS) == morning.astimezone(UTC)
    assert held_until("bsn_due", morning, ZONE, SETTINGS) is None
    for staff in ("staff_digest", "staff_bsn_overdue", "ticket_reraise"):
        assert held_until(staff, night, ZONE, SETTINGS) is None
