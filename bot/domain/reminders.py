"""When each reminder is due, as pure functions so DST, holidays and quiet hours are testable."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from bot.domain.working_days import WorkingDays

Kind = Literal[
    "evening_before",
    "morning_of",
    "bsn_expected",
    "bsn_due",
    "bsn_next_steps",
    "insurance_deadline",
    "staff_bsn_overdue",
    "staff_digest",
    "no_show_offer",
]
KINDS: tuple[Kind, ...] = get_args(Kind)

# "visit_start": dropped once the visit has started; "never": never dropped for lateness.
StaleRule = Literal["visit_start", "never"]
STALE_RULES: tuple[StaleRule, ...] = get_args(StaleRule)

# The rules content/reminders.toml ships with, for callers that do not pass settings.stale_after.
DEFAULT_STALE_AFTER: Mapping[Kind, StaleRule] = MappingProxyType(
    {
        "evening_before": "visit_start",
        "morning_of": "visit_start",
        "bsn_expected": "never",
        "bsn_due": "never",
        "bsn_next_steps": "never",
        "insurance_deadline": "never",
        "staff_bsn_overdue": "never",
        "staff_digest": "never",
        "no_show_offer": "never",
    }
)

# No location closes for this long; a longer search means the data is wrong.
_MAX_SEARCH_DAYS = 3660


@dataclass(frozen=True)
class ReminderSettings:
    """Reminder times and offsets from content/reminders.toml, so editors can tune them."""

    evening_before_time: time
    morning_of_time: time
    morning_of_fallback_minutes: int
    bsn_expected_delay_minutes: int
    bsn_next_steps_delay_minutes: int
    bsn_working_days: int
    bsn_due_time: time
    staff_overdue_time: time
    insurance_months: int
    insurance_warning_days: int
    insurance_time: time
    quiet_start: time
    quiet_end: time
    digest_time: time
    stale_after: Mapping[Kind, StaleRule]


@dataclass(frozen=True)
class Planned:
    """One reminder to send, at an aware UTC moment."""

    kind: Kind
    due: datetime


def _require_aware(name: str, moment: datetime) -> None:
    """Naive datetimes are ambiguous across zones, so they are a caller bug."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")


def local_moment(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as aware UTC; a time in a DST gap moves forward by the gap."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def _in_quiet_hours(wall: time, settings: ReminderSettings) -> bool:
    """Whether a local time falls in quiet hours, which may cross midnight."""
    start, end = settings.quiet_start, settings.quiet_end
    if start <= end:
        return start <= wall < end
    return wall >= start or wall < end


def shift_out_of_quiet_hours(
    moment: datetime, zone: ZoneInfo, settings: ReminderSettings
) -> datetime:
    """The moment itself, or the end of the quiet period it falls in, so nobody is woken up."""
    _require_aware("moment", moment)
    local = moment.astimezone(zone)
    wall = local.time().replace(tzinfo=None)
    if not _in_quiet_hours(wall, settings):
        return moment.astimezone(UTC)
    day = local.date()
    if settings.quiet_start > settings.quiet_end and wall >= settings.quiet_start:
        day += timedelta(days=1)
    return local_moment(day, settings.quiet_end, zone)


# Messages to the staff chat, which quiet hours (a newcomer's night) do not apply to.
STAFF_KINDS = frozenset({"staff_bsn_overdue", "staff_digest", "ticket_reraise"})


def held_until(
    kind: str, now: datetime, zone: ZoneInfo, settings: ReminderSettings
) -> datetime | None:
    """When a row that is due now may go out: None for at once, else the end of quiet hours.

    Applied at send time, so a retry or a catch-up after downtime does not wake anyone either.
    """
    if kind in STAFF_KINDS:
        return None
    shifted = shift_out_of_quiet_hours(now, zone, settings)
    return shifted if shifted > now else None


def _before_visit(
    moment: datetime, visit_start: datetime, zone: ZoneInfo, settings: ReminderSettings
) -> datetime:
    """Quiet hours applied unless that would push a visit reminder to or past the visit."""
    shifted = shift_out_of_quiet_hours(moment, zone, settings)
    return shifted if shifted < visit_start else moment.astimezone(UTC)


def visit_reminders(
    visit_start: datetime, zone: ZoneInfo, settings: ReminderSettings
) -> list[Planned]:
    """The evening-before and morning-of reminders, from local wall-clock times (DST-safe)."""
    _require_aware("visit_start", visit_start)
    visit_day = visit_start.astimezone(zone).date()
    evening = local_moment(visit_day - timedelta(days=1), settings.evening_before_time, zone)
    morning = local_moment(visit_day, settings.morning_of_time, zone)
    if morning >= visit_start:
        morning = visit_start.astimezone(UTC) - timedelta(
            minutes=settings.morning_of_fallback_minutes
        )
    return [
        Planned("evening_before", _before_visit(evening, visit_start, zone, settings)),
        Planned("morning_of", _before_visit(morning, visit_start, zone, settings)),
    ]


def bsn_due_date(visit_day: date, working_days: WorkingDays, settings: ReminderSettings) -> date:
    """The fast-track promise: the BSN within N working days after the visit."""
    return working_days.add(visit_day, settings.bsn_working_days)


def add_months(day: date, months: int) -> date:
    """The same day-of-month months later, clamped to the month's end (31 Oct + 4 = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def insurance_deadline(visit_day: date, settings: ReminderSettings) -> date:
    """The health-insurance deadline, counted from the visit date as the real start is unknown."""
    return add_months(visit_day, settings.insurance_months)


def after_attended(
    visit_day: date,
    now: datetime,
    zone: ZoneInfo,
    working_days: WorkingDays,
    settings: ReminderSettings,
) -> list[Planned]:
    """What to schedule once staff mark a visit attended: BSN messages and the insurance nudge."""
    _require_aware("now", now)
    due_day = bsn_due_date(visit_day, working_days, settings)
    warning_day = insurance_deadline(visit_day, settings) - timedelta(
        days=settings.insurance_warning_days
    )
    expected = now + timedelta(minutes=settings.bsn_expected_delay_minutes)
    due = local_moment(due_day, settings.bsn_due_time, zone)
    warning = local_moment(warning_day, settings.insurance_time, zone)
    return [
        Planned("bsn_expected", shift_out_of_quiet_hours(expected, zone, settings)),
        Planned("bsn_due", shift_out_of_quiet_hours(due, zone, settings)),
        Planned("staff_bsn_overdue", local_moment(due_day, settings.staff_overdue_time, zone)),
        Planned("insurance_deadline", shift_out_of_quiet_hours(warning, zone, settings)),
    ]


def after_bsn_issued(now: datetime, zone: ZoneInfo, settings: ReminderSettings) -> list[Planned]:
    """What to schedule once staff mark the BSN issued: the next-steps message."""
    _require_aware("now", now)
    moment = now + timedelta(minutes=settings.bsn_next_steps_delay_minutes)
    return [Planned("bsn_next_steps", shift_out_of_quiet_hours(moment, zone, settings))]


def still_makes_sense(
    kind: Kind,
    due: datetime,
    now: datetime,
    visit_start: datetime | None,
    stale_after: Mapping[Kind, StaleRule] = DEFAULT_STALE_AFTER,
) -> bool:
    """Whether a reminder missed while the bot was down is still worth sending late."""
    _require_aware("due", due)
    _require_aware("now", now)
    if now < due or stale_after[kind] == "never":
        return True
    if visit_start is None:
        raise ValueError(f"{kind} is dropped once the visit starts, so it needs visit_start")
    _require_aware("visit_start", visit_start)
    return now < visit_start


def next_digest(
    now: datetime, zone: ZoneInfo, working_days: WorkingDays, settings: ReminderSettings
) -> datetime:
    """The first staff digest moment strictly after now, on a working day (aware UTC)."""
    _require_aware("now", now)
    day = now.astimezone(zone).date()
    for _ in range(_MAX_SEARCH_DAYS):
        if working_days.is_working_day(day):
            moment = local_moment(day, settings.digest_time, zone)
            if moment > now:
                return moment
        day += timedelta(days=1)
    raise ValueError(f"no working day found within {_MAX_SEARCH_DAYS} days after {now}")
