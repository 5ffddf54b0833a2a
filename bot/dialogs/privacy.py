"""/mydata shows a user everything stored about them; /delete erases it after confirmation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.content.catalog import Markup, escape, format_day, format_moment
from bot.dialogs.booking import notify_waitlist
from bot.dialogs.callbacks import DeleteData
from bot.dialogs.menu import menu_button
from bot.dialogs.turn import Button, Document, Turn
from bot.services.privacy import erase_user

MAX_MESSAGE = 3500  # below Telegram's 4096, leaving room for the heading


def _label(turn: Turn, key: str) -> str:
    """A part of the export named in the user's language (a form field by its own label)."""
    keys = turn.ctx.catalog.keys(turn.lang)
    for candidate in (f"privacy.labels.{key}", f"prereg_fields.{key}.label"):
        if candidate in keys:
            return turn.label(candidate)
    return key


def _value(turn: Turn, value: object) -> str:
    """A stored value as the user reads it: dates and times local and in their language."""
    if value is None or value in ("", [], {}):
        return turn.label("privacy.none")
    if isinstance(value, bool):
        return turn.label("privacy.yes" if value else "privacy.no")
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return format_day(moment.date(), turn.lang)
        if moment.tzinfo is not None:
            moment = moment.astimezone(turn.ctx.zone)
        return format_moment(moment, turn.lang)
    return str(value)


def _lines(turn: Turn, value: Any, indent: str = "") -> list[str]:
    """A readable outline of the export, in the user's language and local time."""
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{indent}{_label(turn, key)}:")
                lines += _lines(turn, item, indent + "  ")
            else:
                lines.append(f"{indent}{_label(turn, key)}: {_value(turn, item)}")
        return lines
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return [f"{indent}{', '.join(_value(turn, item) for item in value)}"]
        lines = []
        for number, item in enumerate(value, start=1):
            lines.append(f"{indent}#{number}")
            lines += _lines(turn, item, indent + "  ")
        return lines
    return [f"{indent}{_value(turn, value)}"]


async def show_my_data(turn: Turn) -> None:
    """The export as a message (shortened if long) and in full as a JSON file."""
    turn.handler = "privacy:mydata"
    data = await turn.uow.personal.export(turn.incoming.user_id, turn.incoming.chat_id)
    outline = "\n".join(_lines(turn, data))
    shortened = len(outline) > MAX_MESSAGE
    body = escape(outline[:MAX_MESSAGE] + ("\n…" if shortened else ""))
    parts = [turn.t("privacy.mydata_title"), f"<pre>{body}</pre>"]
    if shortened:
        parts.append(turn.t("privacy.mydata_shortened"))
    turn.say(Markup("\n\n".join(parts)))
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    turn.send_document(Document("onestop-mydata.json", content, turn.label("privacy.mydata_file")))
    turn.say(
        turn.t("privacy.mydata_footer"),
        ((Button(turn.label("privacy.delete_button"), DeleteData("ask")),), (menu_button(turn),)),
    )


def ask_delete(turn: Turn) -> None:
    """Explains what goes, then asks for a clear yes."""
    turn.handler = "privacy:delete"
    turn.say(
        turn.t("privacy.delete_question"),
        (
            (Button(turn.label("privacy.delete_yes"), DeleteData("yes")),),
            (Button(turn.label("privacy.delete_no"), DeleteData("no")),),
        ),
    )


async def on_delete_button(turn: Turn, tapped: DeleteData) -> None:
    """Yes erases, no keeps everything."""
    turn.handler = f"privacy:{tapped.step}"
    turn.clear_tapped_keyboard = True
    if tapped.step == "ask":
        ask_delete(turn)
    elif tapped.step == "no":
        turn.say(turn.t("privacy.delete_kept"), ((menu_button(turn),),))
    elif tapped.step == "yes":
        counts, cancelled = await erase_user(
            turn.uow, turn.ctx, turn.incoming.user_id, turn.incoming.chat_id, turn.now
        )
        turn.dialog = turn.dialog.end()
        turn.say(turn.t("privacy.deleted", bookings=counts.get("bookings", 0)))
        if cancelled is not None:
            await notify_waitlist(turn, cancelled)
