"""What the end of a delivery sets in motion, in the transaction that records it."""

from __future__ import annotations

from datetime import datetime

from bot.content.context import AppContext
from bot.domain.outbox import OutboxMessage
from bot.services import digest, handoff
from bot.storage.unit_of_work import UnitOfWork


async def after_delivery(
    uow: UnitOfWork, ctx: AppContext, message: OutboxMessage, status: str, now: datetime
) -> list[datetime]:
    """Plans the next digest after any digest, the next raise after a sent one; returns wake-ups."""
    due: datetime | None = None
    if message.kind == digest.KIND:
        due = await digest.plan_next(uow, ctx, now)
    elif message.kind == handoff.KIND and status == "sent":
        due = await handoff.plan_reraise(uow, ctx, int(message.payload.get("ticket", 0)), now)
    return [] if due is None else [due]
