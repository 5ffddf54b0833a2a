"""What the bot has stored, read the way the bot reads it: through its own repositories."""

from __future__ import annotations

from typing import Any

from bot.domain.booking import Booking
from bot.domain.dialog import Dialog
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork


async def active_booking(database: Database, user_id: int) -> Booking:
    """The user's active booking; the test fails when there is none."""
    async with SqlUnitOfWork(database) as uow:
        booking = await uow.bookings.active_for_user(user_id)
    assert booking is not None, f"user {user_id} has no active booking"
    return booking


async def personal_data(database: Database, user_id: int) -> dict[str, Any]:
    """Everything stored about a user, as /mydata hands it out (private chat: chat id = user id)."""
    async with SqlUnitOfWork(database) as uow:
        return await uow.personal.export(user_id, user_id)


async def dialog_of(database: Database, chat_id: int) -> Dialog:
    """Where a chat's conversation stands."""
    async with SqlUnitOfWork(database) as uow:
        return await uow.dialogs.get(chat_id)


async def messages_for(database: Database, booking_id: int) -> list[tuple[str, str]]:
    """(kind, status) of every message scheduled for a booking, in the order they fall due."""
    async with SqlUnitOfWork(database) as uow:
        return [(kind, status) for kind, _, status in await uow.outbox.for_booking(booking_id)]
