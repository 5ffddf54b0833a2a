"""Reads content/synonyms.toml: the matcher's groups of same-meaning words in both languages."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.content.bilingual import words_per_language
from bot.domain.synonyms import Synonyms


def load_synonym_groups(path: Path) -> list[tuple[str, ...]]:
    """Each group's terms, Dutch first; a group missing a language or holding a non-string fails."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    groups = data.get("group")
    if not isinstance(groups, list) or not groups:
        raise ValueError(f"{path}: needs at least one [[group]]")
    result: list[tuple[str, ...]] = []
    for number, group in enumerate(groups, start=1):
        by_lang = words_per_language(group, f"{path}: group {number}")
        result.append(sum(by_lang.values(), ()))  # Dutch first, as LANGUAGES lists them
    return result


def load_synonyms(content_dir: Path) -> Synonyms:
    """The synonym groups, checked: a term in two groups stops the start with its name."""
    path = content_dir / "synonyms.toml"
    groups = load_synonym_groups(path)
    try:
        return Synonyms(groups)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error
