"""Staff decide on HR access in the staff chat: approve, reject, list and revoke."""

from __future__ import annotations

from bot.content.catalog import Markup, format_day
from bot.dialogs.callbacks import HrDecide, HrDecideListed
from bot.dialogs.hr.access import home_keyboard, organisation
from bot.dialogs.staff_gate import admit_staff
from bot.dialogs.turn import Button, Turn
from bot.domain.hr import AccountStatus, HrAccount
from bot.domain.numbers import TELEGRAM_ID_MAX, plain_int

HR_STAFF_COMMANDS = ("hr_accounts", "hr_revoke")
ACTIONS: dict[str, tuple[AccountStatus, tuple[AccountStatus, ...]]] = {
    "ok": ("approved", ("pending",)),
    "no": ("rejected", ("pending",)),
    "rv": ("revoked", ("approved", "pending")),
}
LIST_LIMIT = 40
BUTTON_LIMIT = 20


async def hr_staff_command(turn: Turn) -> None:
    """/hr_accounts and /hr_revoke USER_ID (the caller checked the staff chat and staff)."""
    if turn.incoming.command == "hr_accounts":
        await _list(turn)
        return
    user_id = plain_int(turn.incoming.args, maximum=TELEGRAM_ID_MAX)
    if user_id is None:
        turn.say(turn.t("hr.staff.revoke_usage"))
        return
    await _decide(turn, "rv", user_id, edit=False)


async def hr_staff_button(turn: Turn, tapped: HrDecide | HrDecideListed) -> None:
    """Approve, reject or revoke buttons; only staff, only in the staff chat."""
    turn.handler = "staff:hr"
    if not await admit_staff(turn):
        return
    listed = isinstance(tapped, HrDecideListed)  # under /hr_accounts: the list is not edited
    await _decide(turn, tapped.action, tapped.user, edit=tapped.action != "rv" and not listed)


async def _decide(turn: Turn, action: str, user_id: int, *, edit: bool) -> None:
    status, only_from = ACTIONS[action]
    before = await turn.uow.hr_accounts.get(user_id)
    if before is None:
        turn.say(turn.t("hr.staff.not_found", user=user_id))
        return
    account = await turn.uow.hr_accounts.decide(
        user_id, status, turn.incoming.user_id, turn.now, only_from=only_from
    )
    if account is None:
        current = turn.label(f"hr.status.{before.status}")
        if action == "rv":
            turn.say(turn.t("hr.staff.not_approved", user=user_id))
        else:
            turn.toast = turn.label("hr.staff.already", status=current)
        return
    await turn.uow.audit.record(turn.incoming.user_id, f"hr_{status}", f"hr:{user_id}", turn.now)
    staff_name = turn.incoming.first_name or str(turn.incoming.user_id)
    org = organisation(turn, account.kvk)
    outcome = turn.label(f"hr.staff.{status}", staff=staff_name)
    text = turn.t(
        "hr.staff.decided", organisation=org, kvk=account.kvk, user=user_id, outcome=outcome
    )
    turn.say(text, edit=edit)  # the request itself shows who decided
    _tell_user(turn, account)


def _tell_user(turn: Turn, account: HrAccount) -> None:
    """The HR user hears the decision in their own language."""
    lang = account.language
    text = turn.ctx.catalog.text(
        lang, f"hr.decision.{account.status}", organisation=organisation(turn, account.kvk)
    )
    buttons = home_keyboard(turn, account, lang) if account.status == "approved" else ()
    turn.tell(account.chat_id, text, buttons)


async def _list(turn: Turn) -> None:
    accounts = await turn.uow.hr_accounts.listing(LIST_LIMIT)
    if not accounts:
        turn.say(turn.t("hr.staff.list_empty"))
        return
    lines = [turn.t("hr.staff.list_title")]
    rows: list[tuple[Button, ...]] = []
    for account in accounts:
        lines.append(
            turn.t(
                "hr.staff.list_line",
                user=account.user_id,
                organisation=organisation(turn, account.kvk),
                kvk=account.kvk,
                email=account.email,
                status=turn.label(f"hr.status.{account.status}"),
                date=format_day(account.requested_at.astimezone(turn.ctx.zone).date(), turn.lang),
            )
        )
        if len(rows) >= BUTTON_LIMIT:
            continue
        uid = account.user_id
        if account.status == "pending":
            rows.append(
                (
                    Button(
                        turn.label("hr.staff.approve_user", user=uid), HrDecideListed("ok", uid)
                    ),
                    Button(turn.label("hr.staff.reject_user", user=uid), HrDecideListed("no", uid)),
                )
            )
        elif account.status == "approved":
            rows.append(
                (Button(turn.label("hr.staff.revoke", user=uid), HrDecideListed("rv", uid)),)
            )
    turn.say(Markup("\n".join(lines)), tuple(rows))
