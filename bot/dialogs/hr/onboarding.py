"""HR of a recognised sponsor asks for access: KvK number, work e-mail, then staff decide."""

from __future__ import annotations

from bot.content.catalog import format_day
from bot.dialogs.callbacks import FlowAnswer, HrButton, HrDecide
from bot.dialogs.hr.access import organisation, show_home
from bot.dialogs.keyboards import BACK
from bot.dialogs.menu import menu_button
from bot.dialogs.turn import Button, Keyboard, Turn
from bot.domain.sponsors import normalise_kvk
from bot.domain.validators import Invalid, check_email, localised_params

FLOW = "hro"


async def hr_entry(turn: Turn) -> None:
    """/hr and the menu entry: HR's home once approved, else where the request stands."""
    account = await turn.uow.hr_accounts.get(turn.incoming.user_id)
    if account is None:
        await ONBOARDING.start(turn)
    elif account.status == "approved":
        show_home(turn, account)
    elif account.status == "pending":
        turn.say(
            turn.t("hr.onboarding.pending", organisation=organisation(turn, account.kvk)),
            ((menu_button(turn),),),
        )
    elif account.status == "rejected":
        turn.say(
            turn.t("hr.onboarding.rejected"),
            (
                (Button(turn.label("hr.onboarding.apply_again"), HrButton("apply")),),
                (menu_button(turn),),
            ),
        )
    else:
        turn.say(
            turn.t("hr.onboarding.revoked", organisation=organisation(turn, account.kvk)),
            ((menu_button(turn),),),
        )


class HrOnboardingFlow:
    """KvK number (recognised sponsors only) -> work e-mail -> confirm -> pending request."""

    name = FLOW

    async def start(self, turn: Turn) -> None:
        """Begins a request, unless one is pending, approved or revoked."""
        if turn.ctx.staff_chat_id is None:
            turn.say(turn.t("hr.onboarding.no_staff"), ((menu_button(turn),),))
            return
        account = await turn.uow.hr_accounts.get(turn.incoming.user_id)
        if account is not None and account.status != "rejected":
            await hr_entry(turn)
            return
        turn.dialog = turn.dialog.start(FLOW, "kvk")
        turn.say(turn.t("hr.onboarding.intro"))
        await self.prompt(turn)

    async def prompt(self, turn: Turn) -> None:
        """Asks for the current step."""
        step = turn.dialog.step
        kvk = str(turn.dialog.answers.get("kvk", ""))
        if step == "kvk":
            turn.say(turn.t("hr.onboarding.kvk_question"), ((menu_button(turn),),))
        elif step == "email":
            turn.say(
                turn.t("hr.onboarding.email_question", organisation=organisation(turn, kvk)),
                self._back_row(turn),
            )
        elif step == "confirm":
            email = turn.uow.hires.unseal(str(turn.dialog.answers.get("email", "")))
            turn.say(
                turn.t(
                    "hr.onboarding.confirm",
                    organisation=organisation(turn, kvk),
                    kvk=kvk,
                    email=email,
                ),
                (
                    (Button(turn.label("hr.onboarding.send"), FlowAnswer(FLOW, "confirm", "yes")),),
                    *self._back_row(turn),
                ),
            )

    def _back_row(self, turn: Turn) -> Keyboard:
        step = turn.dialog.step or "kvk"
        back = Button(turn.label("common.back"), FlowAnswer(FLOW, step, BACK))
        return ((back, menu_button(turn)),)

    async def on_button(self, turn: Turn, step: str, value: str) -> None:
        """Back, or sending the request."""
        if value == BACK:
            turn.dialog = turn.dialog.back()
            await self.prompt(turn)
        elif step == "confirm" and value == "yes":
            turn.clear_tapped_keyboard = True
            await self._submit(turn)
        else:
            turn.toast = turn.label("errors.stale_button")
            await self.prompt(turn)

    def wants_buttons(self, turn: Turn) -> bool:
        """Typed text has a meaning at every step here (an answer, a message or a question)."""
        return False

    async def on_text(self, turn: Turn, text: str) -> bool:
        """Takes the KvK number and the e-mail address as typed."""
        step = turn.dialog.step
        if step == "kvk":
            return await self._kvk(turn, text)
        if step == "email":
            try:
                email = check_email(text)
            except Invalid as error:
                turn.say(
                    turn.t(f"validation.{error.key}", **localised_params(error, turn.lang)),
                    self._back_row(turn),
                )
                return True
            turn.dialog = turn.dialog.advance("confirm", email=turn.uow.hires.seal(email))
            await self.prompt(turn)
            return True
        return False

    async def _kvk(self, turn: Turn, text: str) -> bool:
        kvk = normalise_kvk(text)
        register = turn.ctx.sponsors
        if kvk is None:
            if not any(c.isdigit() for c in text) and len(text.strip()) > 12:
                return False  # a question rather than a number: the FAQ answers it
            turn.say(turn.t("hr.onboarding.kvk_invalid"), ((menu_button(turn),),))
            return True
        taken_on = format_day(register.taken_on, turn.lang)
        name = register.lookup(kvk)
        if register.sample:
            turn.say(turn.t("hr.onboarding.sample_note"))
        if name is None:
            turn.say(
                turn.t("hr.onboarding.kvk_unknown", kvk=kvk, date=taken_on),
                ((menu_button(turn),),),
            )
            return True
        turn.say(turn.t("hr.onboarding.kvk_found", organisation=name, kvk=kvk, date=taken_on))
        turn.dialog = turn.dialog.advance("email", kvk=kvk)
        await self.prompt(turn)
        return True

    async def _submit(self, turn: Turn) -> None:
        answers = turn.dialog.answers
        kvk = str(answers.get("kvk", ""))
        email = turn.uow.hires.unseal(str(answers.get("email", "")))
        staff_chat = turn.ctx.staff_chat_id
        existing = await turn.uow.hr_accounts.get(turn.incoming.user_id)
        turn.dialog = turn.dialog.end()
        if existing is not None and existing.status != "rejected":
            await hr_entry(turn)
            return
        if staff_chat is None or turn.ctx.sponsors.lookup(kvk) is None or not email:
            turn.say(turn.t("hr.onboarding.no_staff"), ((menu_button(turn),),))
            return
        user_id = turn.incoming.user_id
        await turn.uow.hr_accounts.request(
            user_id, turn.incoming.chat_id, kvk, email, turn.lang, turn.now
        )
        lang = turn.ctx.default_language
        catalog = turn.ctx.catalog
        turn.tell(
            staff_chat,
            catalog.text(
                lang,
                "hr.staff.request",
                organisation=organisation(turn, kvk),
                kvk=kvk,
                name=turn.incoming.first_name or "?",
                user=user_id,
                email=email,
            ),
            (
                (
                    Button(catalog.plain(lang, "hr.staff.approve"), HrDecide("ok", user_id)),
                    Button(catalog.plain(lang, "hr.staff.reject"), HrDecide("no", user_id)),
                ),
            ),
        )
        turn.say(turn.t("hr.onboarding.sent"), ((menu_button(turn),),))


ONBOARDING = HrOnboardingFlow()
