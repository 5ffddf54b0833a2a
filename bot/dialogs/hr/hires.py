"""/hires: the sponsor's hires with their status, new links, notifications; HR's buttons."""

from __future__ import annotations

from dataclasses import replace

from bot.content.catalog import Markup, format_day
from bot.dialogs.callbacks import HrButton, HrCallback, HrNewLink, HrNotify, HrPage
from bot.dialogs.hr.access import approved_account, link_text, organisation, show_home
from bot.dialogs.hr.onboarding import ONBOARDING
from bot.dialogs.hr.register import REGISTER
from bot.dialogs.hr.upload import UPLOAD
from bot.dialogs.turn import Button, Turn
from bot.domain.hr import HireOverview, HrAccount
from bot.domain.invites import (
    HireState,
    can_renew,
    expiry,
    hire_status,
    new_token,
    token_hash,
)

PAGE_SIZE = 10
NAME_IN_BUTTON = 24


async def hires_command(turn: Turn) -> None:
    """/hires: the first page of the list."""
    account = await approved_account(turn)
    if account is not None:
        await show_hires(turn, account, 0)


async def hr_button(turn: Turn, tapped: HrCallback) -> None:
    """HR's own buttons; the account is read from the database for every tap."""
    if tapped == HrButton("apply"):
        await ONBOARDING.start(turn)
        return
    account = await approved_account(turn)
    if account is None:
        return
    match tapped:
        case HrButton("home"):
            show_home(turn, account)
        case HrButton("reg"):
            await REGISTER.start(turn)
        case HrButton("up"):
            await UPLOAD.start(turn)
        case HrButton("ls"):
            await show_hires(turn, account, 0)
        case HrPage(page):
            await show_hires(turn, account, page, edit=True)
        case HrNewLink(hire):
            await _new_link(turn, account, hire)
        case HrNotify(on):
            await turn.uow.hr_accounts.set_notify(account.user_id, on)
            turn.toast = turn.label(
                "hr.home.notify_changed_on" if on else "hr.home.notify_changed_off"
            )
            show_home(turn, replace(account, notify=on))
        case _:
            turn.toast = turn.label("errors.stale_button")


def _state(turn: Turn, overview: HireOverview) -> HireState:
    hire = overview.hire
    return hire_status(
        erased=hire.erased,
        opened_at=hire.opened_at,
        token_expires_at=hire.token_expires_at,
        visit=overview.visit,
        now=turn.now,
        zone=turn.ctx.zone,
    )


def _status(turn: Turn, state: HireState) -> str:
    day = format_day(state.day, turn.lang) if state.day is not None else ""
    return turn.label(f"hr.hires.status.{state.status}", date=day)


async def show_hires(turn: Turn, account: HrAccount, page: int, *, edit: bool = False) -> None:
    """One page of the sponsor's hires: only the name HR entered and the status."""
    count = await turn.uow.hires.count_for_sponsor(account.kvk)
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(0, page), pages - 1)
    overviews = await turn.uow.hires.page_for_sponsor(account.kvk, page * PAGE_SIZE, PAGE_SIZE)
    org = organisation(turn, account.kvk)
    lines = [turn.t("hr.hires.title", organisation=org, count=count, page=page + 1, pages=pages)]
    if not overviews:
        lines.append(turn.t("hr.hires.empty"))
    rows: list[tuple[Button, ...]] = []
    renewable = False
    for overview in overviews:
        hire, state = overview.hire, _state(turn, overview)
        name = hire.hr_name if not hire.erased else turn.label("hr.hires.deleted_name")
        lines.append(
            turn.t("hr.hires.line", number=hire.id, name=name, status=_status(turn, state))
        )
        if can_renew(state):
            renewable = True
            short = name if len(name) <= NAME_IN_BUTTON else name[: NAME_IN_BUTTON - 1] + "…"
            rows.append(
                (
                    Button(
                        turn.label("hr.hires.new_link", number=hire.id, name=short),
                        HrNewLink(hire.id),
                    ),
                )
            )
    navigation = []
    if page > 0:
        navigation.append(Button(turn.label("hr.hires.previous"), HrPage(page - 1)))
    if page < pages - 1:
        navigation.append(Button(turn.label("hr.hires.next"), HrPage(page + 1)))
    if navigation:
        rows.append(tuple(navigation))
    rows.append((Button(turn.label("hr.home.back"), HrButton("home")),))
    if renewable:
        lines.append(turn.t("hr.hires.new_link_hint"))
    turn.say(Markup("\n".join(lines)), tuple(rows), edit=edit)


async def _new_link(turn: Turn, account: HrAccount, hire_id: int) -> None:
    """A fresh link for an unopened hire of this sponsor; the old one stops working."""
    hire = await turn.uow.hires.of_sponsor(hire_id, account.kvk)
    if hire is None:
        turn.toast = turn.label("hr.hires.not_found")
        return
    if hire.erased or hire.opened_at is not None or hire.user_id is not None:
        turn.toast = turn.label("hr.hires.cannot_renew")
        return
    token = new_token()
    expires_at = expiry(turn.now, turn.ctx.invite_valid_days)
    if not await turn.uow.hires.renew_token(hire.id, account.kvk, token_hash(token), expires_at):
        turn.toast = turn.label("hr.hires.cannot_renew")
        return
    turn.say(link_text(turn, "hr.hires.new_link_done", hire.hr_name, token, expires_at))
