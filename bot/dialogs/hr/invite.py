"""A hire opens their personal link: welcome, check HR's details, eligibility, on to booking."""

from __future__ import annotations

from dataclasses import replace

from bot.content.catalog import Markup, format_day
from bot.dialogs.callbacks import FlowAnswer, Menu
from bot.dialogs.hr.access import organisation
from bot.dialogs.hr.fields import BUTTON_COLUMNS, MORE, check, choices, column_label, details
from bot.dialogs.keyboards import BACK, grid
from bot.dialogs.menu import menu_button
from bot.dialogs.turn import Button, Turn
from bot.domain.hires import HIRE_COLUMNS
from bot.domain.hr import Hire
from bot.domain.invites import is_token, token_hash

FLOW = "inv"
REVIEW_COLUMNS = tuple(c for c in HIRE_COLUMNS if c != "language")  # the hire's own choice
FAMILY_OPTIONS = ("partner", "children", "partner_children", "none")
OUTCOME = "one_stop_sponsor"  # eligibility established through the sponsor, not the check


def _values(hire: Hire) -> dict[str, object]:
    return {
        "name": hire.name,
        "email": hire.email,
        "phone": hire.phone,
        "arrival_date": hire.arrival_date,
        "route": hire.route,
        "municipality": hire.municipality,
        "family_members": hire.family_members,
    }


async def open_invite(turn: Turn, token: str) -> None:
    """/start <token>: binds a valid link to its first opener; refuses everything else plainly."""
    turn.handler = "invite:open"
    user_id = turn.incoming.user_id
    hire = await turn.uow.hires.by_token_hash(token_hash(token)) if is_token(token) else None
    if hire is None or hire.erased:
        _refuse(turn, "hr.invite.unknown")
        return
    if hire.user_id is not None and hire.user_id != user_id:
        _refuse(turn, "hr.invite.used")
        return
    if hire.user_id is None:
        account = await turn.uow.hr_accounts.get(user_id)
        if account is not None and account.approved and account.kvk == hire.kvk:
            _refuse(turn, "hr.invite.own_hire")  # HR testing the link would use it up
            return
        if hire.token_expires_at <= turn.now:
            _refuse(turn, "hr.invite.expired")
            return
        if not await turn.uow.hires.bind(hire.id, user_id, turn.now):
            _refuse(turn, "hr.invite.used")
            return
    if not turn.profile.language_chosen:
        turn.profile = replace(turn.profile, language=hire.language)
    turn.say(
        turn.t(
            "hr.invite.welcome",
            name=turn.incoming.first_name or hire.name,
            employer=organisation(turn, hire.kvk),
        )
    )
    turn.dialog = turn.dialog.start(FLOW, "review", {"hire": hire.id})
    if hire.confirmed_at is not None:
        await INVITE.conclude(turn, hire, None)
        return
    await INVITE.prompt(turn)


def _refuse(turn: Turn, key: str) -> None:
    turn.say(turn.t(key), ((menu_button(turn),),))


class InviteFlow:
    """Review HR's details (correct any), who comes along, then the sponsor-based outcome."""

    name = FLOW

    async def _hire(self, turn: Turn) -> Hire | None:
        """The hire of this dialog, only while it is bound to this user and not erased."""
        hire_id = turn.dialog.answers.get("hire")
        hire = (
            await turn.uow.hires.of_user(hire_id, turn.incoming.user_id)
            if isinstance(hire_id, int)
            else None
        )
        if hire is None or hire.erased:
            turn.dialog = turn.dialog.end()
            _refuse(turn, "hr.invite.unknown")
            return None
        return hire

    async def prompt(self, turn: Turn) -> None:
        """Shows the details to check, the field being corrected, or the family question."""
        hire = await self._hire(turn)
        if hire is None:
            return
        step = turn.dialog.step
        if step == "review":
            buttons = [
                Button(
                    turn.label("hr.invite.fix", field=column_label(turn, c)),
                    FlowAnswer(FLOW, "review", c),
                )
                for c in REVIEW_COLUMNS
            ]
            ok = Button(turn.label("hr.invite.all_correct"), FlowAnswer(FLOW, "review", "ok"))
            turn.say(
                turn.t("hr.invite.review", details=details(turn, _values(hire), REVIEW_COLUMNS)),
                ((ok,), *grid(buttons, 2)),
            )
        elif step == "fix":
            column = str(turn.dialog.answers.get("field", ""))
            back = Button(turn.label("common.back"), FlowAnswer(FLOW, "fix", BACK))
            key = "hr.invite.fix_choose" if column in BUTTON_COLUMNS else "hr.invite.fix_typed"
            if column == "arrival_date":
                key = "hr.invite.fix_date"
            turn.say(
                turn.t(key, field=column_label(turn, column)),
                (*choices(turn, FLOW, "fix", column), (back,)),
            )
        elif step == "family":
            buttons = [
                Button(turn.label(f"eligibility.options.family.{o}"), FlowAnswer(FLOW, "family", o))
                for o in FAMILY_OPTIONS
            ]
            turn.say(turn.t("hr.invite.family_question"), grid(buttons, 1))

    async def on_button(self, turn: Turn, step: str, value: str) -> None:
        """A field to correct, a corrected value, all correct, or who comes along."""
        hire = await self._hire(turn)
        if hire is None:
            return
        if value == BACK:
            turn.dialog = turn.dialog.back()
            await self.prompt(turn)
        elif step == "review" and value in REVIEW_COLUMNS:
            turn.dialog = turn.dialog.advance("fix", field=value)
            await self.prompt(turn)
        elif step == "review" and value == "ok":
            turn.clear_tapped_keyboard = True
            await turn.uow.hires.confirm(hire.id, turn.incoming.user_id, turn.now)
            if hire.family_members == 0:
                await self.conclude(turn, hire, "none")
            else:
                turn.dialog = turn.dialog.advance("family")
                await self.prompt(turn)
        elif step == "fix" and value == MORE:
            turn.say(turn.t("hr.invite.fix_family_more"))
        elif step == "fix":
            await self._correct(turn, hire, value)
        elif step == "family" and value in FAMILY_OPTIONS:
            turn.clear_tapped_keyboard = True
            await self.conclude(turn, hire, value)
        else:
            turn.toast = turn.label("errors.stale_button")
            await self.prompt(turn)

    def wants_buttons(self, turn: Turn) -> bool:
        """Typed text has a meaning at every step here (an answer, a message or a question)."""
        return False

    async def on_text(self, turn: Turn, text: str) -> bool:
        """A typed correction; elsewhere typed text is a question for the FAQ."""
        if turn.dialog.step != "fix":
            return False
        hire = await self._hire(turn)
        if hire is not None:
            await self._correct(turn, hire, text)
        return True

    async def _correct(self, turn: Turn, hire: Hire, raw: str) -> None:
        column = str(turn.dialog.answers.get("field", ""))
        if column not in REVIEW_COLUMNS:
            turn.dialog = turn.dialog.back()
            await self.prompt(turn)
            return
        value = check(turn, column, raw)
        if value is None:
            await self.prompt(turn)
            return
        if column in ("email", "phone") and not value:
            other = hire.phone if column == "email" else hire.email
            if not other:
                turn.say(turn.t("hire_files.contact_missing"))
                await self.prompt(turn)
                return
        await turn.uow.hires.correct(hire.id, turn.incoming.user_id, column, value)
        turn.clear_tapped_keyboard = turn.incoming.kind == "button"
        turn.say(turn.t("hr.invite.corrected", field=column_label(turn, column)))
        turn.dialog = turn.dialog.back()
        await self.prompt(turn)

    async def conclude(self, turn: Turn, hire: Hire, family: str | None) -> None:
        """Eligibility through the sponsor, stored so booking is open, and the way to book."""
        user_id = turn.incoming.user_id
        stored = await turn.uow.eligibility.get(user_id)
        if family is None:  # reopened after confirming: keep what was answered then
            family = str(stored[2].get("family", "none")) if stored else "none"
        answers: dict[str, object] = {
            "nationality": "other",  # HR registers hires on a residence-permit route
            "route": hire.route,
            "stay_long": "yes",
            "municipality": hire.municipality,
            "brp_registered": "no",
            "sponsor": "yes",
            "family": family,
        }
        decision = turn.ctx.rules.decide(answers)
        category = turn.ctx.rules.register_for(answers)
        recognised = turn.ctx.sponsors.lookup(hire.kvk, category) is not None
        visit = turn.ctx.rules.visit_of(decision.outcome.id) if decision is not None else None
        turn.dialog = turn.dialog.end()
        if decision is None or visit is None or not recognised:
            turn.say(
                turn.t("hr.invite.no_fast_track"),
                ((Button(turn.label("booking.start_check"), Menu("elig")),), (menu_button(turn),)),
            )
            return
        saved = {k: str(v) for k, v in answers.items()}
        saved.update(kvk=hire.kvk, via="hr")
        await turn.uow.eligibility.save(
            user_id, OUTCOME, "one_stop", saved, turn.now, visit=visit.id
        )
        parts = [
            turn.t(
                "hr.invite.eligible",
                employer=organisation(turn, hire.kvk),
                date=format_day(turn.ctx.sponsors.taken_on, turn.lang),
                route=turn.label(f"eligibility.options.route.{hire.route}"),
                municipality=turn.ctx.municipality_name(hire.municipality) or hire.municipality,
            )
        ]
        if family != "none":
            parts.append(turn.t("eligibility.outcomes.one_stop.family_note"))
        parts.append(turn.t("hr.invite.assumptions"))
        turn.say(
            Markup("\n\n".join(parts)),
            ((Button(turn.label("eligibility.book"), Menu("book")),), (menu_button(turn),)),
        )


INVITE = InviteFlow()
