"""Hand-off rules: office hours, queue position and the expected wait."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.working_days import WorkingDays

TicketStatus = Literal["open", "claimed", "closed"]


@dataclass(frozen=True)
class HandoffSettings:
    """From content/handoff.toml."""

    weekdays: frozenset[int]
    opens: time
    closes: time
    reraise_minutes: int
    minutes_per_ticket: int
    recent_messages: int
    unanswered_before_offer: int
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Ticket:
    """A hand-off as services see it."""

    id: int
    user_id: int
    chat_id: int
    language: str
    topic: str
    user_name: str
    status: TicketStatus
    alert_message_id: int | None
    thread_id: int | None
    claimed_by: int | None
    claimed_by_name: str | None
    created_at: datetime


def _open_on(day: date, working_days: WorkingDays, settings: HandoffSettings) -> bool:
    return day.weekday() in settings.weekdays and working_days.is_working_day(day)


def in_office_hours(
    moment: datetime, zone: ZoneInfo, working_days: WorkingDays, settings: HandoffSettings
) -> bool:
    """Whether staff are expected to be there at this moment."""
    local = moment.astimezone(zone)
    return (
        _open_on(local.date(), working_days, settings)
        and settings.opens <= local.time() < settings.closes
    )


def next_opening(
    moment: datetime, zone: ZoneInfo, working_days: WorkingDays, settings: HandoffSettings
) -> datetime:
    """When staff are next there (the moment itself during office hours)."""
    if in_office_hours(moment, zone, working_days, settings):
        return moment
    local = moment.astimezone(zone)
    day = local.date()
    if local.time() >= settings.opens:
        day += timedelta(days=1)
    for _ in range(370):
        if _open_on(day, working_days, settings):
            return datetime.combine(day, settings.opens, zone)
        day += timedelta(days=1)
    raise ValueError("no office hours within a year")


def reraise_at(
    created: datetime, zone: ZoneInfo, working_days: WorkingDays, settings: HandoffSettings
) -> datetime:
    """The reminder to staff: the given minutes of office time after the ticket came in."""
    start = next_opening(created, zone, working_days, settings)
    return start + timedelta(minutes=settings.reraise_minutes)


def expected_wait_minutes(position: int, settings: HandoffSettings) -> int:
    """A rough wait for the n-th ticket in the queue."""
    return max(1, position) * settings.minutes_per_ticket


def telegram_length(text: str) -> int:
    """A text's length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, units: int) -> str:
    """The text shortened to at most `units` UTF-16 units, an ellipsis marking the cut."""
    if telegram_length(text) <= units:
        return text
    if units <= 0:
        return ""
    kept, used = [], 0
    for char in text:
        used += telegram_length(char)
        if used > units - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def quotes_within(texts: list[str], budget: int) -> list[str]:
    """The texts cut fairly (the longest first) so that together they take at most `budget`."""
    lengths = [telegram_length(text) for text in texts]
    if sum(lengths) <= budget:
        return texts
    share = max(budget, 0)
    caps = dict.fromkeys(range(len(texts)), 0)
    remaining = sorted(range(len(texts)), key=lambda i: lengths[i])
    while remaining:
        fair = share // len(remaining)
        index = remaining.pop(0)
        caps[index] = min(lengths[index], fair)
        share -= caps[index]
    return [_cut(text, caps[i]) for i, text in enumerate(texts)]
