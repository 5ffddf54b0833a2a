"""Dutch and English texts stay in step: same files, same keys, same placeholders."""

from __future__ import annotations

from datetime import date

from bot.content.catalog import Catalog, format_day, placeholders
from tests.conftest import CONTENT


def test_both_languages_have_the_same_text_files() -> None:
    nl = sorted(p.name for p in (CONTENT / "nl").glob("*.toml"))
    en = sorted(p.name for p in (CONTENT / "en").glob("*.toml"))
    assert nl == en and nl


def test_both_languages_have_the_same_keys() -> None:
    catalog = Catalog.load(CONTENT)
    only_nl = catalog.keys("nl") - catalog.keys("en")
    only_en = catalog.keys("en") - catalog.keys("nl")
    assert not only_nl, f"missing in English: {sorted(only_nl)}"
    assert not only_en, f"missing in Dutch: {sorted(only_en)}"


def test_both_languages_use_the_same_placeholders() -> None:
    catalog = Catalog.load(CONTENT)
    different = [
        key
        for key in catalog.keys("en")
        if placeholders(catalog.texts["en"][key]) != placeholders(catalog.texts["nl"][key])
    ]
    assert not different, f"placeholders differ for {different}"


def test_no_text_is_empty_or_identical_by_accident() -> None:
    catalog = Catalog.load(CONTENT)
    assert all(
        catalog.texts[lang][key].strip() for lang in ("nl", "en") for key in catalog.keys(lang)
    )
    # Proper names and symbols may be identical; whole sentences should not be.
    same = [
        key
        for key in catalog.keys("en")
        if catalog.texts["en"][key] == catalog.texts["nl"][key]
        and len(catalog.texts["en"][key]) > 40
    ]
    assert not same, f"untranslated texts: {same}"


def test_parameters_are_escaped() -> None:
    catalog = Catalog.load(CONTENT)
    text = catalog.text("en", "start.welcome_back", name="<b>Mallory</b> & co")
    assert "&lt;b&gt;Mallory&lt;/b&gt; &amp; co" in text


def test_dates_are_written_in_each_language() -> None:
    assert format_day(date(2026, 12, 3), "nl") == "donderdag 3 december 2026"
    assert format_day(date(2026, 12, 3), "en") == "Thursday 3 December 2026"
