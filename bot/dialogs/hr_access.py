"""Who may act as HR, read fresh from the database on every HR action, and HR's home screen."""

from __future__ import annotations

from datetime import datetime

from bot.content.catalog import Markup, format_day
from bot.dialogs.menu import menu_button
from bot.dialogs.turn import Button, Keyboard, Turn
from bot.domain.hr import HrAccount
from bot.domain.invites import invite_link


def organisation(turn: Turn, kvk: str) -> str:
    """The sponsor's name in the register (the KvK number when it left the register)."""
    return turn.ctx.sponsors.lookup(kvk) or kvk


async def approved_account(turn: Turn) -> HrAccount | None:
    """The user's HR account if it is approved now; otherwise refuses and leaves any HR flow."""
    account = await turn.uow.hr_accounts.get(turn.incoming.user_id)
    if account is not None and account.approved:
        return account
    if turn.dialog.flow in ("hrn", "hru"):
        turn.dialog = turn.dialog.end()
    if turn.incoming.kind == "button":
        turn.toast = turn.label("hr.home.not_hr")
    turn.say(turn.t("hr.home.not_hr"), ((menu_button(turn),),))
    return None


def home_keyboard(turn: Turn, account: HrAccount) -> Keyboard:
    """What approved HR can do."""
    notify = "hr.home.notify_on" if account.notify else "hr.home.notify_off"
    return (
        (Button(turn.label("hr.home.register"), "hr:reg"),),
        (Button(turn.label("hr.home.upload"), "hr:up"),),
        (Button(turn.label("hr.home.hires"), "hr:ls:0"),),
        (Button(turn.label(notify), f"hr:ntf:{0 if account.notify else 1}"),),
        (menu_button(turn),),
    )


def show_home(turn: Turn, account: HrAccount) -> None:
    """HR's start screen."""
    turn.say(
        turn.t("hr.home.title", organisation=organisation(turn, account.kvk), kvk=account.kvk),
        home_keyboard(turn, account),
    )


def link_text(turn: Turn, key: str, name: str, token: str, expires_at: datetime) -> Markup:
    """The one time a link is shown, with its last valid day in HR's language."""
    return turn.t(
        key,
        name=name,
        link=invite_link(turn.ctx.bot_username, token),
        date=format_day(expires_at.astimezone(turn.ctx.zone).date(), turn.lang),
    )
