"""The staff's morning digest: always exactly one waiting, planned when the last one is done."""

from __future__ import annotations

from datetime import datetime

from bot.content.context import AppContext
from bot.domain.outbox import OutboxKind
from bot.domain.reminders import next_digest
from bot.storage.unit_of_work import Conflict, UnitOfWork

KIND: OutboxKind = "staff_digest"


async def plan_next(uow: UnitOfWork, ctx: AppContext, now: datetime) -> datetime | None:
    """Adds the next digest unless one waits (or there is no staff chat); returns its due time.

    Two processes starting at the same moment may both find none: the schema allows one open
    digest, so the later insert is a conflict and that process plans nothing.
    """
    staff = ctx.staff_chat_id
    if staff is None or await uow.outbox.has_open_kind(KIND):
        return None
    due = next_digest(now, ctx.zone, ctx.working_days[ctx.default_location.id], ctx.reminders)
    try:
        async with uow.savepoint():
            await uow.outbox.add(
                chat_id=staff, kind=KIND, due=due, language=ctx.default_language, now=now
            )
    except Conflict:
        return None
    return due
