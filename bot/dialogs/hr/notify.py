"""Tells HR when their hire books and when the BSN is issued: the name HR entered and a date."""

from __future__ import annotations

from datetime import date

from bot.content.catalog import format_day
from bot.dialogs.turn import Turn
from bot.domain.booking import Booking


async def _tell_sponsors(turn: Turn, booking: Booking, key: str, day: date) -> None:
    for hire in await turn.uow.hires.bound_to(booking.user_id):
        for account in await turn.uow.hr_accounts.notify_targets(hire.kvk):
            lang = account.language
            text = turn.ctx.catalog.text(lang, key, name=hire.hr_name, date=format_day(day, lang))
            turn.tell(account.chat_id, text)


async def hire_booked(turn: Turn, booking: Booking) -> None:
    """After a hire's new or changed booking: its day."""
    await _tell_sponsors(turn, booking, "hr.notify.booked", booking.day)


async def hire_bsn_issued(turn: Turn, booking: Booking) -> None:
    """After staff mark the hire's BSN as issued: today."""
    await _tell_sponsors(turn, booking, "hr.notify.bsn_issued", turn.today)
