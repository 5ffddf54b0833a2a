"""Countries by ISO code, named and searched with CLDR data (babel) in Dutch and English.

Besides the Dutch and English names, a search also matches each country's own name in its
official languages (CLDR: 'Deutschland', 'España', '中国') and the British English variants
('St Lucia'), so people can type the name they know best; rapidfuzz forgives typos.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages
from rapidfuzz import fuzz

from bot.domain.language import Language

LOCALES: dict[Language, str] = {"nl": "nl_NL", "en": "en_GB"}
# CLDR territories that are not countries: groupings, pseudo-locales, "unknown", and the codes
# ISO 3166 only reserves (Ascension, Clipperton, Sark, Diego Garcia, Ceuta and Melilla, Canary
# Islands, Tristan da Cunha), which are parts of countries that have their own code.
NOT_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
)
# CLDR calls BQ only "Caribbean Netherlands"; people from there name their island. The ISO 3166-1
# short name of BQ lists them, in English and as the Dutch government writes it (BES-eilanden).
EXTRA_NAMES = {"BQ": ("Bonaire, Sint Eustatius and Saba", "Bonaire, Sint Eustatius en Saba")}
MAX_QUERY = 100
FUZZY_CUTOFF = 80.0


@cache
def country_codes() -> tuple[str, ...]:
    """Every country code CLDR names, sorted (ISO 3166-1 alpha-2, plus XK for Kosovo)."""
    territories = [str(code) for code in Locale.parse("en").territories]
    return tuple(
        sorted(
            code
            for code in territories
            if len(code) == 2 and code.isascii() and code.isalpha() and code not in NOT_COUNTRIES
        )
    )


def country_name(code: str, lang: Language) -> str:
    """The country's name in the user's language; ValueError for an unknown code."""
    if code not in _known():
        raise ValueError(f"unknown country code {code!r}")
    return str(Locale.parse(LOCALES[lang]).territories[code])


@cache
def _known() -> frozenset[str]:
    return frozenset(country_codes())


def _normalise(text: str) -> str:
    """Lower case, without accents, punctuation as spaces: 'Côte d’Ivoire' -> 'cote d ivoire'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (
        c if unicodedata.category(c)[0] in "LN" else " "
        for c in decomposed
        if unicodedata.category(c)[0] != "M"
    )
    return " ".join("".join(kept).split())


@dataclass(frozen=True)
class _Name:
    """One searchable name of a country; rank orders the user's language before the others."""

    code: str
    text: str
    words: tuple[str, ...]
    lang: str  # "nl", "en" or "own" (an official language of the country itself)


def _locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        return None


@cache
def _names() -> tuple[_Name, ...]:
    """All searchable names: Dutch, English (two variants) and the countries' own names."""
    names: dict[tuple[str, str], str] = {}
    sources: list[tuple[str, str]] = [("nl", "nl"), ("en", "en"), ("en_GB", "en")]
    for tag, lang in sources:
        territories = Locale.parse(tag).territories
        for code in country_codes():
            names.setdefault((code, _normalise(territories[code])), lang)
    for code in country_codes():
        for language in get_official_languages(code, de_facto=True):
            locale = _locale(f"{language}_{code}") or _locale(language)
            own = locale.territories.get(code) if locale is not None else None
            if own:
                names.setdefault((code, _normalise(own)), "own")
    for code, extra in EXTRA_NAMES.items():
        for name in extra:
            names.setdefault((code, _normalise(name)), "own")
    return tuple(
        _Name(code, text, tuple(text.split()), lang) for (code, text), lang in names.items() if text
    )


@dataclass(frozen=True)
class CountryAliases:
    """Names CLDR lacks ('USA', 'Holland', 'Indian'), from content/country_aliases.toml."""

    names: tuple[tuple[str, str, str], ...] = ()  # (normalised name, code, language)

    @classmethod
    def of(cls, by_language: Mapping[str, Mapping[str, str]]) -> CountryAliases:
        """Checked aliases; ValueError for an unknown code or a name CLDR gives another country."""
        cldr = _by_name(CountryAliases())
        found: dict[str, tuple[str, str]] = {}
        for lang, names in by_language.items():
            for name, code in names.items():
                text = _normalise(name)
                if code not in _known() or not text:
                    raise ValueError(f"country alias {name!r}: unknown code {code!r}")
                if cldr.get(text, frozenset({code})) != {code}:
                    raise ValueError(f"country alias {name!r} is another country's name")
                if found.get(text, (code, lang))[0] != code:
                    raise ValueError(f"country alias {name!r} names two countries")
                found[text] = (code, lang)
        return cls(tuple(sorted((text, code, lang) for text, (code, lang) in found.items())))


NO_ALIASES = CountryAliases()


@cache
def _all_names(aliases: CountryAliases) -> tuple[_Name, ...]:
    extra = tuple(
        _Name(code, text, tuple(text.split()), lang) for text, code, lang in aliases.names
    )
    return _names() + extra


@cache
def _by_name(aliases: CountryAliases) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for name in _all_names(aliases):
        found.setdefault(name.text, set()).add(name.code)
    return {text: frozenset(codes) for text, codes in found.items()}


def lookup_country(text: str, aliases: CountryAliases = NO_ALIASES) -> str | None:
    """The code for a typed code ('de'), a full name or an alias ('USA', 'Indian'), else None."""
    value = text.strip()
    if len(value) == 2 and value.upper() in _known():
        return value.upper()
    codes = _by_name(aliases).get(_normalise(value[:MAX_QUERY]), frozenset())
    return next(iter(codes)) if len(codes) == 1 else None


def _direct(name: _Name, query: str) -> float:
    """How well a name contains the query: exact > starts with > a word starts with > contains."""
    if name.text == query:
        return 400.0
    if name.text.startswith(query):
        return 300.0
    if len(query) >= 3 and any(word.startswith(query) for word in name.words):
        return 200.0
    if len(query) >= 3 and query in name.text:
        return 100.0
    return 0.0


def _typo(name: _Name, query: str) -> float:
    """Similarity to the whole name or its beginning, when it is close enough to be a typo."""
    similarity = fuzz.ratio(query, name.text)
    if len(name.text) > len(query):
        similarity = max(similarity, fuzz.ratio(query, name.text[: len(query)]))
    return float(similarity) if similarity >= FUZZY_CUTOFF else 0.0


def search_countries(
    query: str, lang: Language, limit: int = 6, aliases: CountryAliases = NO_ALIASES
) -> list[str]:
    """Country codes matching what the user typed, best first; typo matches only as a fallback."""
    wanted = _normalise(query[:MAX_QUERY])
    if not wanted or limit <= 0:
        return []
    best: dict[str, float] = {}
    code = query.strip().upper()
    if len(code) == 2 and code in _known():
        best[code] = 1000.0
    preference = {lang: 2.0, "own": 0.0}
    scorers = [_direct] if len(wanted) < 3 else [_direct, _typo]
    for scorer in scorers:
        for name in _all_names(aliases):
            score = scorer(name, wanted)
            if score > 0:
                score += preference.get(name.lang, 1.0)
                best[name.code] = max(best.get(name.code, 0.0), score)
        if best:
            break
    ranked = sorted(best, key=lambda c: (-best[c], _normalise(country_name(c, lang))))
    return ranked[:limit]
