"""HR registers one hire by answering questions; the hire's personal link is shown once."""

from __future__ import annotations

from datetime import timedelta

from bot.content.catalog import Markup
from bot.dialogs.callbacks import FlowAnswer
from bot.dialogs.hr.access import (
    approved_account,
    home_keyboard,
    known_contacts,
    link_text,
    register_hire,
)
from bot.dialogs.hr.fields import BUTTON_COLUMNS, MORE, check, choices, details
from bot.dialogs.keyboards import BACK
from bot.dialogs.menu import menu_button
from bot.dialogs.turn import Button, Keyboard, Turn
from bot.domain.hires import (
    HIRE_COLUMNS,
    MAX_FAMILY_MEMBERS,
    HireDraft,
    check_hire_field,
    check_hire_row,
    repeats,
)
from bot.domain.hr import HrAccount
from bot.domain.validators import Invalid

FLOW = "hrn"
SEALED = ("name", "email", "phone")  # personal data waits in the dialog state encrypted
SKIPPABLE = ("email", "phone")
FAMILY_TYPED = "family_typed"
SKIP = "-"


class HireRegisterFlow:
    """Name, e-mail, phone, arrival, route, municipality, family, language, review, create."""

    name = FLOW

    async def start(self, turn: Turn) -> None:
        """Begins with the hire's name (approved HR only)."""
        if await approved_account(turn) is None:
            return
        turn.dialog = turn.dialog.start(FLOW, "name")
        turn.say(turn.t("hr.register.intro"))
        await self.prompt(turn)

    def _value(self, turn: Turn, column: str) -> str:
        raw = str(turn.dialog.answers.get(column, ""))
        return turn.uow.hires.unseal(raw) if column in SEALED and raw else raw

    def _nav(self, turn: Turn, *extra: Button) -> Keyboard:
        step = turn.dialog.step or "name"
        row: list[Button] = list(extra)
        if turn.dialog.history:
            row.insert(0, Button(turn.label("common.back"), FlowAnswer(FLOW, step, BACK)))
        return ((*row, menu_button(turn)),)

    async def prompt(self, turn: Turn) -> None:
        """Asks the current question."""
        if await approved_account(turn) is None:
            return
        step = turn.dialog.step or "name"
        if step == "review":
            await self._review(turn)
            return
        if step == FAMILY_TYPED:
            turn.say(turn.t("hr.register.family_typed", max=MAX_FAMILY_MEMBERS), self._nav(turn))
            return
        params: dict[str, object] = {}
        if step == "arrival_date":
            params["example"] = (turn.today + timedelta(days=30)).strftime("%d-%m-%Y")
        extra = (
            (Button(turn.label("hr.register.skip"), FlowAnswer(FLOW, step, SKIP)),)
            if step in SKIPPABLE
            else ()
        )
        keyboard = (*choices(turn, FLOW, step, step), *self._nav(turn, *extra))
        turn.say(turn.t(f"hr.register.ask.{step}", **params), keyboard)

    async def _review(self, turn: Turn) -> None:
        values = {c: self._value(turn, c) for c in HIRE_COLUMNS}
        text = turn.t("hr.register.review", details=details(turn, values, HIRE_COLUMNS))
        create = Button(turn.label("hr.register.create"), FlowAnswer(FLOW, "review", "yes"))
        turn.say(text, ((create,), *self._nav(turn)))

    async def on_button(self, turn: Turn, step: str, value: str) -> None:
        """A chosen answer, Skip, Back or Create."""
        account = await approved_account(turn)
        if account is None:
            return
        if value == BACK:
            turn.dialog = turn.dialog.back()
            await self.prompt(turn)
        elif step in SKIPPABLE and value == SKIP:
            await self._answer(turn, step, "")
        elif step == "family_members" and value == MORE:
            turn.dialog = turn.dialog.advance(FAMILY_TYPED)
            await self.prompt(turn)
        elif step in BUTTON_COLUMNS:
            await self._answer(turn, step, value)
        elif step == "review" and value == "yes":
            await self._create(turn, account)
        else:
            turn.toast = turn.label("errors.stale_button")
            await self.prompt(turn)

    def wants_buttons(self, turn: Turn) -> bool:
        """Typed text has a meaning at every step here (an answer, a message or a question)."""
        return False

    async def on_text(self, turn: Turn, text: str) -> bool:
        """A typed answer to a typed question; other steps want their buttons."""
        step = turn.dialog.step or ""
        if await approved_account(turn) is None:
            return True
        if step == FAMILY_TYPED:
            await self._answer(turn, "family_members", text)
            return True
        if step == "review":
            return False
        if step in BUTTON_COLUMNS and not _acceptable(turn, step, text):
            return False  # not an answer to this question: perhaps a question for the FAQ
        await self._answer(turn, step, text)
        return True

    async def _answer(self, turn: Turn, column: str, raw: str) -> None:
        value = check(turn, column, raw)
        if value is None:
            await self.prompt(turn)
            return
        if column == "phone" and not value and not self._value(turn, "email"):
            turn.say(turn.t("hire_files.contact_missing"))
            await self.prompt(turn)
            return
        stored = str(value.isoformat() if hasattr(value, "isoformat") else value)
        if column in SEALED:
            stored = turn.uow.hires.seal(stored)
        turn.clear_tapped_keyboard = turn.incoming.kind == "button"
        following = HIRE_COLUMNS.index(column) + 1
        step = HIRE_COLUMNS[following] if following < len(HIRE_COLUMNS) else "review"
        turn.dialog = turn.dialog.advance(step, **{column: stored})
        await self.prompt(turn)

    async def _create(self, turn: Turn, account: HrAccount) -> None:
        values = {c: self._value(turn, c) for c in HIRE_COLUMNS}
        checked = check_hire_row(
            values, row=0, today=turn.today, municipalities=turn.ctx.municipalities
        )
        if not isinstance(checked, HireDraft):
            for problem in checked:
                turn.say(turn.t(problem.key, **problem.params))
            await self._review(turn)
            return
        turn.clear_tapped_keyboard = True
        if repeats(checked, await known_contacts(turn, account)):
            turn.dialog = turn.dialog.end()
            turn.say(turn.t("hire_files.already_registered", name=checked.name))
            turn.say(Markup(turn.t("hr.home.what_next")), home_keyboard(turn, account))
            return
        hire, token = await register_hire(turn, account, checked)
        turn.dialog = turn.dialog.end()
        turn.say(link_text(turn, "hr.register.created", hire.hr_name, token, hire.token_expires_at))
        turn.say(Markup(turn.t("hr.home.what_next")), home_keyboard(turn, account))


def _acceptable(turn: Turn, column: str, text: str) -> bool:
    """Whether typed text is a valid answer to a question that offers buttons."""
    try:
        check_hire_field(column, text, today=turn.today, municipalities=turn.ctx.municipalities)
    except Invalid:
        return False
    return True


REGISTER = HireRegisterFlow()
