"""Reads content/smalltalk.toml: greetings, thanks and navigation words of both languages."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.content.bilingual import words_per_language
from bot.domain.language import Language
from bot.domain.smalltalk import Intent, SmallTalk


def load_smalltalk_phrases(path: Path) -> dict[Intent, dict[Language, tuple[str, ...]]]:
    """Phrases per intent and language; every intent must list both languages."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    names = {intent.value: intent for intent in Intent}
    unknown = set(data) - set(names)
    if unknown:
        raise ValueError(f"{path}: unknown intent(s) {', '.join(sorted(unknown))}")
    return {
        intent: words_per_language(data.get(name), f"{path}: [{name}]")
        for name, intent in names.items()
    }


def load_smalltalk(content_dir: Path) -> SmallTalk:
    """The phrases of both languages together: a Dutch user may well type 'thanks'."""
    path = content_dir / "smalltalk.toml"
    phrases = load_smalltalk_phrases(path)
    try:
        return SmallTalk({intent: sum(by_lang.values(), ()) for intent, by_lang in phrases.items()})
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error
