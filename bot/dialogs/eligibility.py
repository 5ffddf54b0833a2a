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
from bot.domain.sponsors import SEARCH_MAX, SEARCH_MIN, normalise_kvk

FLOW = "elig"
UNKNOWN = "unknown"  # the KvK step's "I don't know"
OPTION_GROUPS = {
    "nationality": "nationality",
    "route": "route",
    "eu_route": "eu_route",
    "dutch_from": "dutch_from",
    "principal_route": "route",
    "investor_existing": "yes_no",
    "stay_long": "yes_no",
    "brp_registered": "yes_no",
    "sponsor": "sponsor",
    "family": "family",
}


def register_category(turn: Turn, answers: dict[str, JsonValue] | None = None) -> str:
    """The register list the employer or host is checked in, for the answers so far."""
    return turn.ctx.rules.register_for(answers if answers is not None else turn.dialog.answers)


def answer_label(turn: Turn, question_id: str, value: str) -> str:
    """The answer as the user saw it on the button, in their current language."""
    if question_id == "municipality":
        name = turn.ctx.municipality_name(value)
        if name is not None:
            return name
        return turn.label(f"eligibility.options.municipality.{value}")
    if question_id == "kvk":
        if value == UNKNOWN:
            return turn.label("eligibility.kvk.dont_know")
        organisation = turn.ctx.sponsors.lookup(value)
        return value if organisation is None else f"{organisation} ({value})"
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

    def _keyboard(
        self, turn: Turn, question: Question, found: list[tuple[str, str]] | None = None
    ) -> Keyboard:
        options = [
            Button(answer_label(turn, question.id, option), FlowAnswer(FLOW, question.id, option))
            for option in question.options
        ]
        if question.input == "kvk":
            options = [
                Button(name, FlowAnswer(FLOW, question.id, kvk)) for kvk, name in found or []
            ]
            options.append(
                Button(
                    turn.label("eligibility.kvk.dont_know"), FlowAnswer(FLOW, question.id, UNKNOWN)
                )
            )
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
        if step != turn.dialog.step:
            turn.toast = turn.label("errors.stale_button")
            await self.prompt(turn)
            return
        if question.input == "kvk":
            await self._kvk_button(turn, question, value)
            return
        if value not in question.options:
            turn.toast = turn.label("errors.stale_button")
            await self.prompt(turn)
            return
        turn.clear_tapped_keyboard = True
        await self._record(turn, question.id, {question.id: value})

    async def _kvk_button(self, turn: Turn, question: Question, value: str) -> None:
        """A register match the search offered, or "I don't know"; anything else is stale."""
        if value == UNKNOWN:
            turn.clear_tapped_keyboard = True
            await self._record(turn, question.id, {question.id: UNKNOWN, "kvk_registered": UNKNOWN})
            return
        kvk = normalise_kvk(value)
        category = register_category(turn)
        if kvk is None or turn.ctx.sponsors.lookup(kvk, category) is None:
            turn.toast = turn.label("errors.stale_button")
            await self.prompt(turn)
            return
        turn.clear_tapped_keyboard = True
        await self._found(turn, question.id, kvk, category)

    def wants_buttons(self, turn: Turn) -> bool:
        """Every step but the KvK step is answered with its buttons."""
        step = turn.dialog.step
        return step is not None and turn.ctx.rules.question(step).input != "kvk"

    async def on_text(self, turn: Turn, text: str) -> bool:
        """A KvK number or part of a name at the KvK step; other steps want buttons."""
        step = turn.dialog.step
        if step is None:
            return False
        question = turn.ctx.rules.question(step)
        stripped = " ".join(text.split())
        if question.input != "kvk":
            return False  # small talk ("yes": tap a button) or a question for the FAQ, then resume
        kvk = normalise_kvk(text)
        category = register_category(turn)
        if kvk is not None:
            if turn.ctx.sponsors.lookup(kvk, category) is not None:
                await self._found(turn, step, kvk, category)
                return True
            found = turn.ctx.sponsors.list_of(category)
            day = format_day(found.taken_on, turn.lang) if found is not None else "?"
            label = turn.label(f"eligibility.kvk.categories.{category}")
            turn.say(
                turn.t("eligibility.kvk.not_found", kvk=kvk, date=day, register=label),
                self._keyboard(turn, question),
            )
            return True
        if stripped.isdigit() or (any(c.isdigit() for c in stripped) and len(stripped) <= 12):
            turn.say(turn.t("eligibility.kvk.invalid"), self._keyboard(turn, question))
            return True
        if len(stripped) < SEARCH_MIN:
            turn.say(turn.t("eligibility.kvk.too_short"), self._keyboard(turn, question))
            return True
        if len(stripped) > SEARCH_MAX:
            if "?" in stripped:
                return False
            turn.say(
                turn.t("eligibility.kvk.too_long", limit=SEARCH_MAX), self._keyboard(turn, question)
            )
            return True
        matches = turn.ctx.sponsors.search(category, stripped)
        key = "eligibility.kvk.choose" if matches else "eligibility.kvk.no_match"
        turn.say(turn.t(key), self._keyboard(turn, question, matches))
        return True

    async def _found(self, turn: Turn, step: str, kvk: str, category: str) -> None:
        """Says which organisation the register holds, then records the answer."""
        register = turn.ctx.sponsors
        found = register.list_of(category)
        assert found is not None
        turn.say(
            turn.t(
                "eligibility.kvk.found",
                organisation=found.organisations[kvk],
                date=format_day(found.taken_on, turn.lang),
                register=turn.label(f"eligibility.kvk.categories.{category}"),
            )
        )
        if found.sample:
            turn.say(turn.t("eligibility.kvk.sample_note"))
        await self._record(turn, step, {step: kvk, "kvk_registered": "yes"})

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
        visit = turn.ctx.rules.visit_of(outcome.id)
        if visit is not None and answers.get("family", "none") != "none":
            parts.append(turn.t("eligibility.outcomes.one_stop.family_note"))
        if visit is not None:
            steps = ", ".join(turn.label(f"booking.steps.{step}") for step in visit.steps)
            parts.append(turn.t("eligibility.visit_steps", steps=steps))
        because = [
            key
            for key in decision.because
            if not (key == "sponsor" and answers.get("kvk_registered") == "yes")
        ]
        reasons = [
            f"• {turn.t(f'eligibility.answer_labels.{key}')}: "
            f"{escape(answer_label(turn, key, answers[key]))}"
            for key in because
        ]
        parts.append(Markup("\n".join([turn.t("eligibility.because"), *reasons])))
        for note in decision.rule.notes:
            parts.append(turn.t(f"eligibility.notes.{note}"))
        parts.append(sources_block(turn, outcome.sources, turn.ctx.rules.checked))
        buttons: list[tuple[Button, ...]] = []
        if visit is not None:
            buttons.append((Button(turn.label("eligibility.book"), Menu("book")),))
        route = str(turn.ctx.rules.complete(answers).get("principal", ""))
        if route in turn.ctx.salary_routes:
            buttons.append((Button(turn.label("eligibility.salary_offer"), SalaryStart(route)),))
        buttons.append((Button(turn.label("eligibility.restart"), Menu("elig")), menu_button(turn)))
        await turn.uow.eligibility.save(
            turn.incoming.user_id,
            outcome.id,
            outcome.category,
            answers,
            turn.now,
            visit=visit.id if visit is not None else None,
        )
        turn.dialog = turn.dialog.end()
        turn.say(Markup("\n\n".join(parts)), tuple(buttons))
