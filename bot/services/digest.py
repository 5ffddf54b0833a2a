"""The staff's morning digest: always exactly one waiting, planned when the last one is done."""

from __future__ import annotations

from datetime import datetime

from bot.content.context import AppContext
from bot.domain.outbox import OutboxKind
from bot.domain.reminders import next_digest
from bot.storage.unit_of_work import UnitOfWork

KIND: OutboxKind = "staff_digest"


async def plan_next(uow: UnitOfWork, ctx: AppContext, now: datetime) -> datetime | None:
    """Adds the next digest unless one waits (or there is no staff chat); returns its due time.

    Nothing in the schema forbids a second pending digest: two processes starting at the same
    moment could each add one. The check runs in the caller's transaction.
    """
    staff = ctx.staff_chat_id
    if staff is None or await uow.outbox.has_pending_kind(KIND):
        return None
    due = next_digest(now, ctx.zone, ctx.working_days[ctx.default_location.id], ctx.reminders)
    await uow.outbox.add(chat_id=staff, kind=KIND, due=due, language=ctx.default_language, now=now)
    return due
