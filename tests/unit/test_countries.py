"""Countries: CLDR codes and names in both languages, searched by name, prefix, code or typo."""

from __future__ import annotations

import pytest

from bot.domain.countries import country_codes, country_name, lookup_country, search_countries


def test_codes_are_countries_not_regions_or_groupings() -> None:
    codes = country_codes()
    assert len(codes) == len(set(codes)) > 240
    assert all(len(code) == 2 and code.isascii() and code.isupper() for code in codes)
    for country in ("NL", "DE", "BE", "IN", "CW", "AW", "SX", "BQ", "US", "CN", "XK"):
        assert country in codes
    for region in ("EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "001", "150", "419", "IC", "EA"):
        assert region not in codes


def test_names_come_from_cldr_in_the_users_language() -> None:
    assert country_name("DE", "nl") == "Duitsland"
    assert country_name("DE", "en") == "Germany"
    assert country_name("CW", "nl") == "Curaçao"
    assert country_name("NL", "en") == "Netherlands"
    with pytest.raises(ValueError):
        country_name("EU", "en")
    with pytest.raises(ValueError):
        country_name("xx", "en")


def test_every_code_has_a_name_in_both_languages() -> None:
    for code in country_codes():
        assert country_name(code, "nl").strip()
        assert country_name(code, "en").strip()


@pytest.mark.parametrize(
    ("query", "lang", "first"),
    [
        ("ned", "en", "NL"),
        ("ned", "nl", "NL"),
        ("germ", "nl", "DE"),
        ("duits", "en", "DE"),
        ("Duitsland", "nl", "DE"),
        ("DE", "en", "DE"),
        ("de", "nl", "DE"),
        ("curacao", "nl", "CW"),
        ("CURAÇAO", "en", "CW"),
        ("Marocco", "en", "MA"),
        ("marokko", "nl", "MA"),
        ("Untied States", "en", "US"),
        ("verenigde staten", "en", "US"),
        ("ivoorkust", "en", "CI"),
        ("cote d'ivoire", "nl", "CI"),
        ("Deutschland", "en", "DE"),  # the country's own name (CLDR, official language)
        ("España", "nl", "ES"),
        ("中国", "en", "CN"),
        ("Россия", "nl", "RU"),
        ("Swizerland", "en", "CH"),
        ("Philipines", "en", "PH"),
        ("bonaire", "nl", "BQ"),  # ISO 3166-1 name of BQ
        ("sint maarten", "en", "SX"),
        ("aruba", "nl", "AW"),
        ("turkey", "en", "TR"),
    ],
)
def test_search_finds_the_country_first(query: str, lang: str, first: str) -> None:
    assert lang in ("nl", "en")
    found = search_countries(query, lang)
    assert found and found[0] == first, found


def test_search_lists_every_country_a_prefix_matches() -> None:
    assert search_countries("korea", "nl") == ["KP", "KR"]  # Noord-Korea, Zuid-Korea
    assert set(search_countries("congo", "en")) == {"CG", "CD"}
    assert search_countries("a", "en", limit=3) == ["AX", "AL", "DZ"]  # Åland, Albania, Algeria


def test_typos_only_fill_in_when_nothing_matches_directly() -> None:
    assert search_countries("germ", "en") == ["DE"]
    assert search_countries("holland", "en") == []  # no such name in CLDR, and not Poland


@pytest.mark.parametrize(
    "query", ["", "   ", "?", "<script>alert(1)</script>", "'; DROP TABLE x; --", "\x00", "😀"]
)
def test_search_copes_with_anything(query: str) -> None:
    assert search_countries(query, "en") == []


def test_search_respects_the_limit_and_huge_input() -> None:
    assert len(search_countries("s", "en")) == 6
    assert len(search_countries("s", "en", limit=2)) == 2
    assert search_countries("s", "en", limit=0) == []
    assert isinstance(search_countries("a" * 1_000_000, "en"), list)


def test_lookup_takes_a_code_or_a_full_name_only() -> None:
    assert lookup_country("de") == "DE"
    assert lookup_country(" NL ") == "NL"
    assert lookup_country("Duitsland") == "DE"
    assert lookup_country("germany") == "DE"
    assert lookup_country("Curacao") == "CW"
    assert lookup_country("germ") is None
    assert lookup_country("EU") is None
    assert lookup_country("ZZ") is None
    assert lookup_country("") is None
