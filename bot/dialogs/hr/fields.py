"""A hire's fields on screen: labels, values in the reader's language, and answer buttons."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.content.catalog import Markup, escape, format_day
from bot.dialogs.callbacks import FlowAnswer
from bot.dialogs.keyboards import grid
from bot.dialogs.turn import Button, Keyboard, Turn
from bot.domain.hires import HIRE_ROUTES, check_hire_field, message_key
from bot.domain.language import LANGUAGES
from bot.domain.validators import Invalid, localised_params

BUTTON_COLUMNS = ("route", "municipality", "family_members", "language")
FAMILY_BUTTONS = 5  # 0..5 as buttons, more typed
MORE = "more"


def column_label(turn: Turn, column: str) -> str:
    """'Arrival date' / 'Aankomstdatum': the template's header for the column."""
    return turn.label(f"hire_files.headers.{column}")


def value_label(turn: Turn, column: str, value: object) -> str:
    """A stored value as the reader understands it."""
    if value in ("", None):
        return turn.label("hr.fields.empty")
    if column == "arrival_date" and isinstance(value, date):
        return format_day(value, turn.lang)
    if column == "arrival_date":
        return format_day(date.fromisoformat(str(value)), turn.lang)
    if column == "route":
        return turn.label(f"eligibility.options.route.{value}")
    if column == "municipality":
        return turn.ctx.municipality_name(str(value)) or str(value)
    if column == "language":
        return turn.label(f"hr.fields.languages.{value}")
    return str(value)


def details(turn: Turn, values: Mapping[str, object], columns: tuple[str, ...]) -> Markup:
    """'Name: …' lines, every value escaped."""
    return Markup(
        "\n".join(
            f"<b>{escape(column_label(turn, c))}</b>: {escape(value_label(turn, c, values.get(c)))}"
            for c in columns
        )
    )


def choices(turn: Turn, flow: str, step: str, column: str) -> Keyboard:
    """The answer buttons of a column that is chosen rather than typed."""
    if column == "route":
        buttons = [
            Button(turn.label(f"eligibility.options.route.{r}"), FlowAnswer(flow, step, r))
            for r in HIRE_ROUTES
        ]
        return grid(buttons, 1)
    if column == "municipality":
        buttons = [
            Button(m.name, FlowAnswer(flow, step, m.id))
            for m in turn.ctx.municipalities
            if m.valid_on(turn.today)
        ]
        return grid(buttons, 3)
    if column == "family_members":
        buttons = [
            Button(str(n), FlowAnswer(flow, step, str(n))) for n in range(FAMILY_BUTTONS + 1)
        ]
        buttons.append(Button(turn.label("hr.fields.family_more"), FlowAnswer(flow, step, MORE)))
        return grid(buttons, 4)
    if column == "language":
        return (
            tuple(
                Button(turn.label(f"hr.fields.languages.{lang}"), FlowAnswer(flow, step, lang))
                for lang in LANGUAGES
            ),
        )
    return ()


def check(turn: Turn, column: str, raw: str) -> object:
    """One answer checked like an uploaded cell; on a problem, says why and returns None."""
    try:
        return check_hire_field(
            column, raw, today=turn.today, municipalities=turn.ctx.municipalities
        )
    except Invalid as error:
        turn.say(turn.t(message_key(error), **localised_params(error, turn.lang)))
        return None
