"""Scheduling messages: rows are created, moved or dropped in the booking change's transaction."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.booking import Booking
from bot.domain.locations import Location
from bot.domain.reminders import (
    Planned,
    ReminderSettings,
    after_attended,
    after_bsn_issued,
    shift_out_of_quiet_hours,
    visit_reminders,
)
from bot.domain.working_days import WorkingDays
from bot.storage.unit_of_work import UnitOfWork

VISIT_KINDS = ("evening_before", "morning_of")
BSN_KINDS = ("bsn_due", "staff_bsn_overdue")


async def _add(
    uow: UnitOfWork, booking: Booking, planned: list[Planned], now: datetime, staff_chat: int | None
) -> list[datetime]:
    """Adds rows; staff kinds go to the staff chat (skipped when there is none)."""
    wakes = []
    for item in planned:
        staff = item.kind.startswith("staff_")
        if staff and staff_chat is None:
            continue
        await uow.outbox.add(
            chat_id=staff_chat if staff and staff_chat is not None else booking.chat_id,
            user_id=None if staff else booking.user_id,
            booking_id=booking.id,
            kind=item.kind,
            due=item.due,
            language=booking.language,
            now=now,
        )
        wakes.append(item.due)
    return wakes


async def plan_visit(
    uow: UnitOfWork, booking: Booking, location: Location, settings: ReminderSettings, now: datetime
) -> list[datetime]:
    """(Re)plans the reminders before a visit: a reschedule moves them, in the same transaction."""
    await uow.outbox.drop(booking.id, VISIT_KINDS)
    planned = visit_reminders(booking.start, ZoneInfo(location.timezone), settings)
    return await _add(uow, booking, [p for p in planned if p.due > now], now, None)


async def drop_all(uow: UnitOfWork, booking: Booking) -> None:
    """A cancelled booking gets no more messages."""
    await uow.outbox.drop(booking.id)


async def mark_attended(
    uow: UnitOfWork,
    booking: Booking,
    location: Location,
    working_days: WorkingDays,
    settings: ReminderSettings,
    now: datetime,
    staff_chat: int | None,
) -> tuple[Booking, list[datetime]]:
    """Starts the BSN clock."""
    changed = await uow.bookings.change(booking.id, now, attendance="attended")
    await uow.outbox.drop(booking.id, VISIT_KINDS)
    planned = after_attended(booking.day, now, ZoneInfo(location.timezone), working_days, settings)
    wakes = await _add(uow, changed, planned, now, staff_chat)
    return changed, wakes


async def mark_no_show(
    uow: UnitOfWork, booking: Booking, location: Location, settings: ReminderSettings, now: datetime
) -> tuple[Booking, list[datetime]]:
    """No BSN reminders; an offer of a new date instead."""
    changed = await uow.bookings.change(booking.id, now, attendance="no_show")
    await uow.outbox.drop(booking.id)
    due = shift_out_of_quiet_hours(now, ZoneInfo(location.timezone), settings)
    wakes = await _add(uow, changed, [Planned("no_show_offer", due)], now, None)
    return changed, wakes


async def mark_bsn_issued(
    uow: UnitOfWork, booking: Booking, location: Location, settings: ReminderSettings, now: datetime
) -> tuple[Booking, list[datetime]]:
    """Stops the escalation and sends the next steps."""
    changed = await uow.bookings.change(booking.id, now, bsn_issued=True)
    await uow.outbox.drop(booking.id, BSN_KINDS)
    planned = after_bsn_issued(now, ZoneInfo(location.timezone), settings)
    wakes = await _add(uow, changed, planned, now, None)
    return changed, wakes
