"""UI texts per language from content/<lang>/messages.toml, formatted with babel."""

from __future__ import annotations

import html
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency

from bot.content.promise import text_values
from bot.domain.language import LANGUAGES, Language

LOCALES: dict[Language, str] = {"nl": "nl_NL", "en": "en_GB"}
DATE_PATTERN = "EEEE d MMMM y"
SHORT_DATE_PATTERN = "EEE d MMM"


class Markup(str):
    """Text that is already safe HTML and must not be escaped again."""

    __slots__ = ()


def escape(value: object) -> str:
    """Makes anything a user typed inert in Telegram's HTML mode."""
    if isinstance(value, Markup):
        return value
    return html.escape(str(value), quote=False)


def shown(text: Markup) -> str:
    """What Telegram shows of an HTML text: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    """Turns nested TOML tables into dotted keys."""
    flat: dict[str, str] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, dotted + "."))
        elif isinstance(value, str):
            flat[dotted] = value
        else:
            raise ValueError(f"{dotted}: texts must be strings")
    return flat


def placeholders(template: str) -> frozenset[str]:
    """The {names} a template expects; the parity test compares these across languages."""
    return frozenset(
        field for _, field, _, _ in string.Formatter().parse(template) if field is not None
    )


@dataclass(frozen=True)
class Catalog:
    """All texts of both languages; the one place that turns keys into words."""

    texts: Mapping[Language, Mapping[str, str]]
    # Content values such as {bsn_days} that texts name without their caller passing them.
    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def load(cls, content_dir: Path) -> Catalog:
        """Reads every content/<lang>/*.toml; file stems other than messages prefix the keys."""
        texts: dict[Language, dict[str, str]] = {}
        for lang in LANGUAGES:
            texts[lang] = {}
            for path in sorted((content_dir / lang).glob("*.toml")):
                prefix = "" if path.stem == "messages" else path.stem + "."
                with path.open("rb") as fh:
                    texts[lang].update(_flatten(tomllib.load(fh), prefix))
        return cls(texts, MappingProxyType(text_values(content_dir)))

    def text(self, lang: Language, key: str, **params: object) -> Markup:
        """The text for key in lang, with every parameter HTML-escaped."""
        template = self.texts[lang][key]
        safe = {name: escape(value) for name, value in {**self.values, **params}.items()}
        return Markup(template.format_map(safe))

    def plain(self, lang: Language, key: str, **params: object) -> str:
        """The text for key without escaping (button labels, command descriptions)."""
        return self.texts[lang][key].format_map({**self.values, **params})

    def keys(self, lang: Language) -> frozenset[str]:
        """Every key of a language, for the parity test."""
        return frozenset(self.texts[lang])


def format_day(value: date, lang: Language) -> str:
    """A full date: 'donderdag 3 december 2026' / 'Thursday 3 December 2026'."""
    return format_date(value, DATE_PATTERN, locale=LOCALES[lang])


def format_clock(value: time | datetime, lang: Language) -> str:
    """A 24-hour time of day: '09:30'."""
    return format_time(value, "HH:mm", locale=LOCALES[lang])


def format_moment(value: datetime, lang: Language) -> str:
    """A date with time in the user's language."""
    return format_datetime(value, f"{DATE_PATTERN} HH:mm", locale=LOCALES[lang])


def format_euros(amount: Decimal | int, lang: Language) -> str:
    """An amount in euros: '€ 5.942' / '€5,942'."""
    return format_currency(
        amount, "EUR", locale=LOCALES[lang], format="¤#,##0", currency_digits=False
    )
