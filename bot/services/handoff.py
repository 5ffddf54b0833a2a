"""Raising a waiting ticket again in the staff chat until someone claims it."""

from __future__ import annotations

from datetime import datetime

from bot.content.context import AppContext
from bot.domain.handoff import reraise_at
from bot.domain.outbox import OutboxKind
from bot.storage.unit_of_work import UnitOfWork

KIND: OutboxKind = "ticket_reraise"


async def plan_reraise(
    uow: UnitOfWork, ctx: AppContext, ticket_id: int, now: datetime
) -> datetime | None:
    """Plans the next raise a few office minutes on; None when one already waits (or no staff)."""
    staff = ctx.staff_chat_id
    if staff is None:
        return None
    waiting = await uow.outbox.pending_payloads(KIND)
    if any(payload.get("ticket") == ticket_id for payload in waiting):
        return None
    due = reraise_at(now, ctx.zone, ctx.working_days[ctx.default_location.id], ctx.handoff)
    await uow.outbox.add(
        chat_id=staff,
        kind=KIND,
        due=due,
        language=ctx.default_language,
        now=now,
        payload={"ticket": ticket_id},
    )
    return due
