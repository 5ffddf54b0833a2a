"""Which of the two languages a user gets."""

from __future__ import annotations

from typing import Literal

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")
FALLBACK: Language = "en"  # when nothing else says which: the one most newcomers read


def language_for(telegram_code: str | None, default: Language = FALLBACK) -> Language:
    """Dutch for nl* Telegram clients, English for every other known code, else the default."""
    if not telegram_code:
        return default
    return "nl" if telegram_code.lower().startswith("nl") else "en"


def parse_language(value: str) -> Language | None:
    """Accepts a stored or typed language code, None when it is not one of ours."""
    value = value.strip().lower()
    for language in LANGUAGES:
        if value == language:
            return language
    return None


def stored_language(value: str | None) -> Language:
    """A language read back from storage or a file; the fallback for anything not ours."""
    return parse_language(value or "") or FALLBACK
