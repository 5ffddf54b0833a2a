"""Loads the other names people type for countries (content/country_aliases.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.domain.countries import CountryAliases


def load_country_aliases(content_dir: Path) -> CountryAliases:
    """Aliases and nationality adjectives in every language, checked against CLDR."""
    with (content_dir / "country_aliases.toml").open("rb") as fh:
        data = tomllib.load(fh)
    by_language: dict[str, dict[str, str]] = {}
    for section in ("names", "nationalities"):
        for lang, names in data.get(section, {}).items():
            by_language.setdefault(str(lang), {}).update({str(k): str(v) for k, v in names.items()})
    return CountryAliases.of(by_language)
