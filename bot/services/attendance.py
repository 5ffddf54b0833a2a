"""What staff record after a visit: attended, no-show, BSN issued, with the rules for each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot.content.context import AppContext
from bot.domain.booking import Booking
from bot.domain.reminders import bsn_due_date
from bot.services import reminders
from bot.storage.unit_of_work import UnitOfWork

Mark = Literal["attended", "no_show", "bsn_issued"]
Refusal = Literal["unknown", "already", "not_attended"]


@dataclass(frozen=True)
class Marked:
    """The recorded change, when to wake for its messages, and the BSN's due day once attended."""

    booking: Booking
    wakeups: tuple[datetime, ...]
    bsn_due: date | None = None


@dataclass(frozen=True)
class Refused:
    """Why nothing was recorded."""

    reason: Refusal


async def record(
    uow: UnitOfWork, ctx: AppContext, reference: str, mark: Mark, now: datetime
) -> Marked | Refused:
    """Records one mark on an active booking; a repeat or an out-of-order mark changes nothing."""
    booking = await uow.bookings.by_reference(reference)
    if booking is None or booking.status != "active":
        return Refused("unknown")
    location = ctx.locations[booking.location_id]
    settings = ctx.reminders
    if mark in ("attended", "no_show") and booking.attendance is not None:
        return Refused("already")
    if mark == "attended":
        working_days = ctx.working_days[location.id]
        changed, wakes = await reminders.mark_attended(
            uow, booking, location, working_days, settings, now, ctx.staff_chat_id
        )
        return Marked(changed, tuple(wakes), bsn_due_date(changed.day, working_days, settings))
    if mark == "no_show":
        changed, wakes = await reminders.mark_no_show(uow, booking, location, settings, now)
        return Marked(changed, tuple(wakes))
    if booking.attendance != "attended":
        return Refused("not_attended")
    if booking.bsn_issued_at is not None:
        return Refused("already")
    changed, wakes = await reminders.mark_bsn_issued(uow, booking, location, settings, now)
    return Marked(changed, tuple(wakes))
