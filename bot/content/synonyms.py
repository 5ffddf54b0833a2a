"""Reads content/synonyms.toml: the matcher's groups of same-meaning words in both languages."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.domain.synonyms import Synonyms

SYNONYM_LANGUAGES = ("nl", "en")


def load_synonym_groups(path: Path) -> list[tuple[str, ...]]:
    """Each group's terms, Dutch first; a group missing a language or holding a non-string fails."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    groups = data.get("group")
    if not isinstance(groups, list) or not groups:
        raise ValueError(f"{path}: needs at least one [[group]]")
    result: list[tuple[str, ...]] = []
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, dict) or set(group) != set(SYNONYM_LANGUAGES):
            raise ValueError(f"{path}: group {number} must have exactly the keys nl and en")
        terms: list[str] = []
        for lang in SYNONYM_LANGUAGES:
            value = group[lang]
            if not isinstance(value, list) or not value:
                raise ValueError(f"{path}: group {number}: {lang} must be a non-empty list")
            if not all(isinstance(term, str) and term.strip() for term in value):
                raise ValueError(f"{path}: group {number}: {lang} holds an empty or non-text term")
            terms.extend(term.strip() for term in value)
        result.append(tuple(terms))
    return result


def load_synonyms(content_dir: Path) -> Synonyms:
    """The synonym groups, checked: a term in two groups stops the start with its name."""
    path = content_dir / "synonyms.toml"
    groups = load_synonym_groups(path)
    try:
        return Synonyms(groups)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error
