"""Reads content/smalltalk.toml: greetings, thanks and navigation words of both languages."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.domain.smalltalk import Intent, SmallTalk

SMALLTALK_LANGUAGES = ("nl", "en")


def load_smalltalk_phrases(path: Path) -> dict[Intent, dict[str, tuple[str, ...]]]:
    """Phrases per intent and language; every intent must list both languages."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    names = {intent.value: intent for intent in Intent}
    unknown = set(data) - set(names)
    if unknown:
        raise ValueError(f"{path}: unknown intent(s) {', '.join(sorted(unknown))}")
    result: dict[Intent, dict[str, tuple[str, ...]]] = {}
    for name, intent in names.items():
        table = data.get(name)
        if not isinstance(table, dict) or set(table) != set(SMALLTALK_LANGUAGES):
            raise ValueError(f"{path}: [{name}] must have exactly the keys nl and en")
        result[intent] = {}
        for lang in SMALLTALK_LANGUAGES:
            value = table[lang]
            if not isinstance(value, list) or not value:
                raise ValueError(f"{path}: [{name}] {lang} must be a non-empty list")
            if not all(isinstance(item, str) and item.strip() for item in value):
                raise ValueError(f"{path}: [{name}] {lang} holds an empty or non-text phrase")
            result[intent][lang] = tuple(item.strip() for item in value)
    return result


def load_smalltalk(content_dir: Path) -> SmallTalk:
    """The phrases of both languages together: a Dutch user may well type 'thanks'."""
    path = content_dir / "smalltalk.toml"
    phrases = load_smalltalk_phrases(path)
    try:
        return SmallTalk({intent: sum(by_lang.values(), ()) for intent, by_lang in phrases.items()})
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error
