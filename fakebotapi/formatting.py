"""Turns text + parse_mode into plain text and entities, with Telegram's limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import bad_request
from .html_check import HtmlParseError, parse_html
from .params import Params
from .text import utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024


@dataclass(slots=True)
class Formatted:
    """What a message stores for a text or a caption."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    html: str | None = None
    parse_mode: str | None = None


def format_text(
    raw: str,
    parse_mode: str | None,
    explicit_entities: Any,
    *,
    strict_ampersand: bool,
) -> Formatted:
    """HTML is validated like TDLib; Markdown modes are stored unparsed."""
    mode = (parse_mode or "").strip()
    lowered = mode.lower()
    if lowered == "html":
        try:
            parsed = parse_html(raw, strict_ampersand=strict_ampersand)
        except HtmlParseError as err:
            raise bad_request(f"can't parse entities: {err}") from None
        return Formatted(parsed.text, parsed.entities, raw, "HTML")
    if lowered in ("markdown", "markdownv2"):
        return Formatted(raw, [], None, mode)
    if mode:
        raise bad_request("unsupported parse_mode")
    entities = explicit_entities if isinstance(explicit_entities, list) else []
    return Formatted(raw, entities)


def message_text(p: Params, *, strict_ampersand: bool) -> Formatted:
    """The text of sendMessage/editMessageText, rejected when empty or too long."""
    raw = p.get_str("text")
    if raw is None or not raw.strip():
        raise bad_request("message text is empty")
    formatted = format_text(
        raw,
        p.get_str("parse_mode"),
        p.get_json("entities"),
        strict_ampersand=strict_ampersand,
    )
    if not formatted.text.strip():
        raise bad_request("message text is empty")
    if utf16_len(formatted.text) > MAX_TEXT:
        raise bad_request("message is too long")
    return formatted


def caption_text(p: Params, *, strict_ampersand: bool) -> Formatted | None:
    """Captions share parse_mode handling but have a 1024-unit limit."""
    raw = p.get_str("caption")
    if raw is None or raw == "":
        return None
    formatted = format_text(
        raw,
        p.get_str("parse_mode"),
        p.get_json("caption_entities"),
        strict_ampersand=strict_ampersand,
    )
    if utf16_len(formatted.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return formatted
