"""Deleting a person's data on request and on schedule, without leaving capacity held."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.content.context import AppContext
from bot.services.booking import VisitChange, cancel_visit
from bot.storage.unit_of_work import UnitOfWork


async def erase_user(
    uow: UnitOfWork, ctx: AppContext, user_id: int, chat_id: int, now: datetime
) -> tuple[dict[str, int], VisitChange | None]:
    """Cancels the active booking (freeing its places), then removes every row about the user.

    Returns the counts, and the cancellation so waiting users can be told of the freed day.
    """
    cancelled: VisitChange | None = None
    booking = await uow.bookings.active_for_user(user_id)
    if booking is not None:
        cancelled = await cancel_visit(uow, ctx, booking, now)
    counts = await uow.personal.erase(user_id, chat_id, now)
    counts["hires"] = await uow.hires.forget_user(user_id)  # HR keeps only the status
    return counts, cancelled


async def purge_expired(uow: UnitOfWork, ctx: AppContext, now: datetime) -> dict[str, int]:
    """Deletes personal data kept longer than the retention period after the visit (or last use).

    Running it again the same day finds nothing more to delete.
    """
    after_days = ctx.purge_after_days
    cutoff_day = now.astimezone(ctx.zone).date() - timedelta(days=after_days)
    cutoff = now - timedelta(days=after_days)
    counts = await uow.personal.purge(cutoff_day, cutoff)
    counts["hires"] = await uow.hires.purge_personal_data(cutoff)
    counts["faq_gaps"] = await uow.faq_gaps.purge(cutoff)  # anonymous, but kept no longer
    return counts
