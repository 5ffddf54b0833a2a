"""Validation of reply_markup the way Telegram rejects it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import bad_request
from .models import Button

_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "web_app",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_MAX_BUTTONS = 100
_ARRAYS = 'field "{}" of the {} should be an Array of Arrays'


@dataclass(slots=True)
class Markup:
    """A validated reply_markup; echo is what Message.reply_markup shows (inline only)."""

    inline: list[list[Button]] | None = None
    reply: list[list[str]] | None = None
    remove: bool = False
    force_reply: bool = False
    echo: dict[str, Any] | None = None


def _inline_button(raw: Any) -> tuple[Button, dict[str, Any]]:
    if not isinstance(raw, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = raw.get("text")
    if not isinstance(text, str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [key for key in _INLINE_ACTIONS if raw.get(key) is not None]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = raw.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not data or len(data.encode("utf-8")) > 64
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = raw.get("url")
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://"))
    ):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    echo = {"text": text, **{key: raw[key] for key in actions}}
    return Button(text=text, callback_data=data, url=url), echo


def _rows(raw: Any, field_name: str, type_name: str) -> list[list[Any]]:
    if not isinstance(raw, list) or not all(isinstance(row, list) for row in raw):
        raise bad_request(_ARRAYS.format(field_name, type_name))
    if sum(len(row) for row in raw) > _MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return raw


def parse_markup(raw: Any, *, inline_only: bool = False) -> Markup | None:
    """None for no markup; raises ApiError with Telegram's wording otherwise."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        rows = _rows(raw["inline_keyboard"], "inline_keyboard", "InlineKeyboardMarkup")
        buttons: list[list[Button]] = []
        echo_rows: list[list[dict[str, Any]]] = []
        for row in rows:
            parsed = [_inline_button(item) for item in row]
            buttons.append([button for button, _ in parsed])
            echo_rows.append([echo for _, echo in parsed])
        return Markup(inline=buttons, echo={"inline_keyboard": echo_rows})
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in raw:
        labels: list[list[str]] = []
        for row in _rows(raw["keyboard"], "keyboard", "ReplyKeyboardMarkup"):
            line: list[str] = []
            for item in row:
                text = item.get("text") if isinstance(item, dict) else item
                if not isinstance(text, str):
                    raise bad_request(
                        'can\'t parse keyboard button: Field "text" must be of type String'
                    )
                line.append(text)
            labels.append(line)
        return Markup(reply=labels)
    if raw.get("remove_keyboard"):
        return Markup(remove=True)
    if raw.get("force_reply"):
        return Markup(force_reply=True)
    raise bad_request('can\'t find field "inline_keyboard"')
