"""Who may act as HR, read fresh from the database on every HR action, and HR's home screen."""

from __future__ import annotations

from datetime import datetime

from bot.content.catalog import Markup, format_day
from bot.dialogs.callbacks import HrButton, HrNotify, Menu
from bot.dialogs.menu import menu_button
from bot.dialogs.turn import Button, Keyboard, Turn
from bot.domain.hires import Contact, HireDraft
from bot.domain.hr import Hire, HrAccount
from bot.domain.invites import expiry, invite_link, new_token, token_hash
from bot.domain.language import Language


def organisation(turn: Turn, kvk: str) -> str:
    """The sponsor's name in the register (the KvK number when it left the register)."""
    return turn.ctx.sponsors.lookup(kvk) or kvk


async def approved_account(turn: Turn) -> HrAccount | None:
    """The user's HR account if it is approved now; otherwise refuses and leaves any HR flow."""
    account = await turn.uow.hr_accounts.get(turn.incoming.user_id)
    recognised = account is not None and turn.ctx.sponsors.lookup(account.kvk) is not None
    if account is not None and account.approved and recognised:
        return account
    if turn.dialog.flow in ("hrn", "hru"):
        turn.dialog = turn.dialog.end()
    key = "hr.home.not_recognised" if account is not None and account.approved else "hr.home.not_hr"
    if turn.incoming.kind == "button":
        turn.toast = turn.label(key + "_toast")
    turn.say(turn.t(key, kvk=account.kvk if account else ""), ((menu_button(turn),),))
    return None


def home_keyboard(turn: Turn, account: HrAccount, lang: Language | None = None) -> Keyboard:
    """What approved HR can do, labelled in `lang` (default: the user's language)."""
    lang = lang or turn.lang

    def label(key: str) -> str:
        return turn.ctx.catalog.plain(lang, key)

    notify = "hr.home.notify_on" if account.notify else "hr.home.notify_off"
    return (
        (Button(label("hr.home.register"), HrButton("reg")),),
        (Button(label("hr.home.upload"), HrButton("up")),),
        (Button(label("hr.home.hires"), HrButton("ls")),),
        (Button(label(notify), HrNotify(not account.notify)),),
        (Button(label("menu.back_to_menu"), Menu("menu")),),
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


async def known_contacts(turn: Turn, account: HrAccount) -> list[Contact]:
    """Who the sponsor registered already (name, e-mail, phone), to refuse a second time."""
    return [(h.hr_name, h.email, h.phone) for h in await turn.uow.hires.registered(account.kvk)]


async def register_hire(turn: Turn, account: HrAccount, draft: HireDraft) -> tuple[Hire, str]:
    """Stores a hire for the account's sponsor; the token leaves only in this turn's reply."""
    token = new_token()
    hire = await turn.uow.hires.create(
        draft,
        kvk=account.kvk,
        created_by=account.user_id,
        token_hash=token_hash(token),
        expires_at=expiry(turn.now, turn.ctx.invite_valid_days),
        now=turn.now,
    )
    return hire, token
