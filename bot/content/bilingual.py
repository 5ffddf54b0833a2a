"""Content tables that list words per language: one check that both languages are there."""

from __future__ import annotations

from bot.domain.language import LANGUAGES, Language


def words_per_language(table: object, where: str) -> dict[Language, tuple[str, ...]]:
    """{nl = [...], en = [...]}: exactly both languages, each a non-empty list of non-empty text."""
    if not isinstance(table, dict) or set(table) != set(LANGUAGES):
        raise ValueError(f"{where} must have exactly the keys nl and en")
    result: dict[Language, tuple[str, ...]] = {}
    for lang in LANGUAGES:
        value = table[lang]
        if not isinstance(value, list) or not value:
            raise ValueError(f"{where}: {lang} must be a non-empty list")
        if not all(isinstance(item, str) and item.strip() for item in value):
            raise ValueError(f"{where}: {lang} holds an empty or non-text phrase")
        result[lang] = tuple(item.strip() for item in value)
    return result
