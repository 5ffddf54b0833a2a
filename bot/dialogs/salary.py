"""The optional salary check against the threshold of the filing year."""

from __future__ import annotations

from bot.content.catalog import Markup, format_euros
from bot.dialogs.callbacks import FlowAnswer
from bot.dialogs.eligibility import sources_block
from bot.dialogs.keyboards import BACK
from bot.dialogs.menu import menu_button
from bot.dialogs.turn import Button, Turn
from bot.domain.eligibility import SALARY_BANDS, parse_salary

FLOW = "salary"


class SalaryFlow:
    """Asks which criterion applies and the gross monthly salary, then compares."""

    name = FLOW

    async def start(self, turn: Turn, route: str) -> None:
        """Begins for the HSM or Blue Card route."""
        if route not in turn.ctx.salary_routes or route not in SALARY_BANDS:
            turn.toast = turn.label("errors.stale_button")
            return
        year = turn.ctx.salary.for_day(turn.today)
        if year is None:
            turn.say(turn.t("eligibility.salary.no_year"), ((menu_button(turn),),))
            return
        turn.dialog = turn.dialog.start(FLOW, "band", {"route": route})
        turn.say(turn.t("eligibility.salary.intro", year=year.year))
        await self.prompt(turn)

    async def prompt(self, turn: Turn) -> None:
        """Asks for the criterion or the amount."""
        route = str(turn.dialog.answers.get("route", ""))
        if turn.dialog.step == "band":
            buttons = tuple(
                (
                    Button(
                        turn.label(f"eligibility.salary.bands.{band}"),
                        FlowAnswer(FLOW, "band", band),
                    ),
                )
                for band in SALARY_BANDS.get(route, ())
            )
            turn.say(turn.t("eligibility.salary.band_question"), (*buttons, (menu_button(turn),)))
        else:
            back = Button(turn.label("common.back"), FlowAnswer(FLOW, "amount", BACK))
            turn.say(turn.t("eligibility.salary.amount_question"), ((back,),))

    async def on_button(self, turn: Turn, step: str, value: str) -> None:
        """Takes the criterion, or goes back to it."""
        route = str(turn.dialog.answers.get("route", ""))
        if step == "amount" and value == BACK:
            turn.dialog = turn.dialog.back()
        elif step == "band" and value in SALARY_BANDS.get(route, ()):
            turn.clear_tapped_keyboard = True
            turn.dialog = turn.dialog.advance("amount", band=value)
        else:
            turn.toast = turn.label("errors.stale_button")
        await self.prompt(turn)

    def wants_buttons(self, turn: Turn) -> bool:
        """The criterion is a button; the amount is typed."""
        return turn.dialog.step != "amount"

    async def on_text(self, turn: Turn, text: str) -> bool:
        """Takes the amount and gives the verdict."""
        if turn.dialog.step != "amount":
            return False
        amount = parse_salary(text)
        if amount is None:
            if any(c.isdigit() for c in text):
                turn.say(turn.t("eligibility.salary.invalid"))
                return True
            return False
        band = str(turn.dialog.answers.get("band", ""))
        verdict = turn.ctx.salary.check(band, amount, turn.today)
        turn.dialog = turn.dialog.end()
        if verdict is None:
            turn.say(turn.t("eligibility.salary.no_year"), ((menu_button(turn),),))
            return True
        key = "eligibility.salary.meets" if verdict.meets else "eligibility.salary.below"
        text_ = turn.t(
            key,
            salary=format_euros(verdict.salary, turn.lang),
            threshold=format_euros(verdict.threshold, turn.lang),
            year=verdict.year,
            band=turn.label(f"eligibility.salary.bands.{band}"),
        )
        body = Markup(
            "\n\n".join(
                [
                    text_,
                    turn.t("eligibility.salary.note"),
                    sources_block(turn, verdict.sources, turn.ctx.rules.checked),
                ]
            )
        )
        turn.say(body, ((menu_button(turn),),))
        return True
