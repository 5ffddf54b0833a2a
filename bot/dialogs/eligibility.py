"""The guided eligibility check: one question at a time, rules from content/eligibility.toml."""

from __future__ import annotations

from dataclasses import replace

from bot.content.catalog import Markup, escape, format_day
from bot.dialogs.callbacks import FlowAnswer, Menu, SalaryStart
from bot.dialogs.keyboards import BACK, grid
from bot.dialogs.menu import menu_button
from bot.dialogs.turn import Button, Keyboard, Turn
from bot.domain.dialog import JsonValue
from bot.domain.eligibility import Decision, Question
from bot.domain.sponsors import normalise_kvk

FLOW = "elig"
OPTION_GROUPS = {
    "route": "route",
    "investor_existing": "yes_no",
    "stay_long": "yes_no",
    "brp_registered": "yes_no",
    "sponsor": "sponsor",
    "family": "family",
}


def answer_label(turn: Turn, question_id: str, value: str) -> str:
    """The answer as the user saw it on the button, in their current language."""
    if question_id == "municipality":
        name = turn.ctx.municipality_name(value)
        return (
            name if name is not None else turn.label("eligibility.options.municipality.elsewhere")
        )
    if question_id == "kvk":
        return value
    group = OPTION_GROUPS.get(question_id, question_id)
    return turn.label(f"eligibility.options.{group}.{value}")


def sources_block(turn: Turn, urls: tuple[str, ...], checked: object) -> Markup:
    """'Sources (checked …):' and the links, as every answer shows them."""
    key = "common.source" if len(urls) == 1 else "common.sources"
    when = turn.t("common.checked", date=format_day(checked, turn.lang))  # type: ignore[arg-type]
    lines = [f"<i>{turn.t(key)} ({when}):</i>", *(escape(url) for url in urls)]
    return Markup("\n".join(lines))


class EligibilityFlow:
    """Asks the questions the rules need and explains the outcome."""

    name = FLOW

    async def start(self, turn: Turn) -> None:
        """Begins the check from the first question."""
        first = turn.ctx.rules.next_question({})
        assert first is not None
        turn.dialog = turn.dialog.start(FLOW, first.id)
        turn.say(turn.t("eligibility.intro"))
        await self.prompt(turn)

    async def prompt(self, turn: Turn) -> None:
        """Asks the current question with its buttons and Back."""
        assert turn.dialog.step is not None
        question = turn.ctx.rules.question(turn.dialog.step)
        number = len(turn.dialog.history) + 1
        progress = turn.t("eligibility.progress", number=number)
        text = Markup(f"{progress}\n{turn.t(f'eligibility.questions.{question.id}')}")
        turn.say(text, self._keyboard(turn, question))

    def _keyboard(self, turn: Turn, question: Question) -> Keyboard:
        options = [
            Button(answer_label(turn, question.id, option), FlowAnswer(FLOW, question.id, option))
            for option in question.options
        ]
        rows = list(grid(options, question.columns))
        if turn.dialog.history:
            rows.append((Button(turn.label("common.back"), FlowAnswer(FLOW, question.id, BACK)),))
        return tuple(rows)

    async def on_button(self, turn: Turn, step: str, value: str) -> None:
        """Records a tapped answer, or goes back."""
        if value == BACK:
            await self._back(turn)
            return
        question = turn.ctx.rules.question(step)
        if value not in question.options:
            turn.toast = turn.label("errors.stale_button")
            await self.prompt(turn)
            return
        turn.clear_tapped_keyboard = True
        await self._record(turn, question.id, {question.id: value})

    async def on_text(self, turn: Turn, text: str) -> bool:
        """Takes a typed KvK number at the KvK step; other steps want buttons."""
        step = turn.dialog.step
        if step is None or turn.ctx.rules.question(step).input != "kvk":
            return False
        kvk = normalise_kvk(text)
        if kvk is None:
            if any(c.isdigit() for c in text) or len(text.strip()) <= 10:
                turn.say(
                    turn.t("eligibility.kvk.invalid"),
                    self._keyboard(turn, turn.ctx.rules.question(step)),
                )
                return True
            return False  # a question, not a number: let the FAQ answer it
        register = turn.ctx.sponsors
        organisation = register.lookup(kvk)
        taken_on = format_day(register.taken_on, turn.lang)
        if organisation is None:
            turn.say(turn.t("eligibility.kvk.not_found", kvk=kvk, date=taken_on))
        else:
            turn.say(turn.t("eligibility.kvk.found", organisation=organisation, date=taken_on))
        if register.sample:
            turn.say(turn.t("eligibility.kvk.sample_note"))
        registered = "yes" if organisation is not None else "no"
        await self._record(turn, step, {step: kvk, "kvk_registered": registered})
        return True

    async def _record(self, turn: Turn, step: str, answers: dict[str, JsonValue]) -> None:
        merged = {**turn.dialog.answers, **answers}
        decision = turn.ctx.rules.decide(merged)
        if decision is not None:
            turn.dialog = turn.dialog.answer(**answers)
            await self._conclude(turn, decision)
            return
        following = turn.ctx.rules.next_question(merged)
        assert following is not None, "rules end without an outcome"
        turn.dialog = turn.dialog.advance(following.id, **answers)
        await self.prompt(turn)

    async def _back(self, turn: Turn) -> None:
        if not turn.dialog.history:
            await self.prompt(turn)
            return
        previous = turn.dialog.back()
        dropped = {previous.step, "kvk_registered" if previous.step == "kvk" else ""}
        answers = {k: v for k, v in previous.answers.items() if k not in dropped}
        turn.dialog = replace(previous, answers=answers)
        turn.clear_tapped_keyboard = True
        await self.prompt(turn)

    async def _conclude(self, turn: Turn, decision: Decision) -> None:
        answers = {k: str(v) for k, v in turn.dialog.answers.items()}
        outcome = decision.outcome
        parts = [
            turn.t("eligibility.result_title"),
            turn.t(f"eligibility.outcomes.{outcome.id}.title"),
            turn.t(f"eligibility.outcomes.{outcome.id}.body"),
        ]
        if outcome.category == "one_stop" and answers.get("family", "none") != "none":
            parts.append(turn.t("eligibility.outcomes.one_stop.family_note"))
        reasons = [
            f"• {turn.t(f'eligibility.answer_labels.{key}')}: "
            f"{escape(answer_label(turn, key, answers[key]))}"
            for key in decision.because
        ]
        parts.append(Markup("\n".join([turn.t("eligibility.because"), *reasons])))
        parts.append(sources_block(turn, outcome.sources, turn.ctx.rules.checked))
        buttons: list[tuple[Button, ...]] = []
        if outcome.category == "one_stop":
            buttons.append((Button(turn.label("eligibility.book"), Menu("book")),))
        route = answers.get("route", "")
        if route in turn.ctx.salary_routes:
            buttons.append((Button(turn.label("eligibility.salary_offer"), SalaryStart(route)),))
        buttons.append((Button(turn.label("eligibility.restart"), Menu("elig")), menu_button(turn)))
        await turn.uow.eligibility.save(
            turn.incoming.user_id, outcome.id, outcome.category, answers, turn.now
        )
        turn.dialog = turn.dialog.end()
        turn.say(Markup("\n\n".join(parts)), tuple(buttons))
