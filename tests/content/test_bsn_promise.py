"""The BSN fast-track promise is one value: the reminders count it and every text shows it."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from bot.content.catalog import Catalog
from bot.content.eligibility import load_municipalities
from bot.content.faq import load_faq
from bot.content.locations import load_locations
from bot.content.promise import PLACEHOLDER, load_bsn_promise, text_values
from bot.content.reminders import load_reminder_settings
from bot.domain.reminders import bsn_due_date
from bot.domain.working_days import WorkingDays
from tests.conftest import CONTENT

PROMISE = load_bsn_promise(CONTENT)
CATALOG = Catalog.load(CONTENT)
# A sentence that speaks about the BSN or the fast track and counts days.
ABOUT_BSN = re.compile(r"bsn|burgerservicenummer|citizen service number|fast track", re.IGNORECASE)
DAYS = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|een|twee|drie|vier|vijf|zes|zeven)\s+"
    r"(working\s+days?|days?|werkdagen|dagen)\b",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"[^.!?;\n]+")


def raw_faq_texts() -> list[tuple[str, str]]:
    """Titles and bodies as written in the files, before {bsn_days} is filled in."""
    texts = []
    for path in sorted(CONTENT.glob("*/faq/*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("+++", 2)
        title = re.search(r"^title = (.*)$", front, re.MULTILINE)
        assert title is not None, path
        texts += [(f"{path}:title", title.group(1)), (f"{path}:body", body)]
    return texts


def catalog_texts() -> list[tuple[str, str]]:
    return [
        (f"{lang}:{key}", template)
        for lang, texts in CATALOG.texts.items()
        for key, template in texts.items()
    ]


def hard_coded(text: str) -> list[str]:
    """Day counts written as a number in a sentence about the BSN or the fast track."""
    return [
        sentence.strip()
        for sentence in SENTENCE.findall(text)
        if ABOUT_BSN.search(sentence) and DAYS.search(sentence)
    ]


@pytest.mark.parametrize(("where", "text"), catalog_texts() + raw_faq_texts())
def test_no_text_hard_codes_the_promised_days(where: str, text: str) -> None:
    assert hard_coded(text) == [], f"{where}: write {{{PLACEHOLDER}}} instead of the number"


def test_the_check_catches_a_written_number() -> None:
    assert hard_coded("With the fast track your BSN follows within 3 days.")
    assert hard_coded("je BSN volgt binnen drie werkdagen")
    assert not hard_coded("Your BSN follows within {bsn_days} working days.")
    assert not hard_coded("Register within 5 days of arrival.")


def test_the_promise_has_a_source_and_a_date() -> None:
    assert PROMISE.working_days == load_reminder_settings(CONTENT).bsn_working_days
    assert PROMISE.source.startswith("https://expatcentremaastrichtregion.nl/")
    assert PROMISE.checked == datetime.date(2026, 12, 6)
    assert text_values(CONTENT) == {PLACEHOLDER: str(PROMISE.working_days)}


def test_every_place_that_shows_the_promise_shows_the_scheduled_value() -> None:
    days = str(PROMISE.working_days)
    assert f"within {days} working days" in CATALOG.text("en", "start.welcome", name="A")
    assert f"binnen {days} werkdagen" in CATALOG.text("nl", "start.welcome", name="A")
    for lang, words in (("en", f"{days} working days"), ("nl", f"{days} werkdagen")):
        assert words in CATALOG.text(lang, "eligibility.outcomes.one_stop.body")
        assert words in CATALOG.text(lang, "reminders.bsn_expected", day="D", reference="R")
    answers = {(e.lang, e.id): e.answer for e in load_faq(CONTENT)}
    for entry_id in ("fast-track", "bsn-how-long", "onestop-what"):
        assert f"{days} working days" in answers[("en", entry_id)], entry_id
        assert f"{days} werkdagen" in answers[("nl", entry_id)], entry_id


def test_the_reminders_count_the_same_promise() -> None:
    location = load_locations(CONTENT, tuple(m.id for m in load_municipalities(CONTENT)))
    working_days = WorkingDays(location["maastricht"])
    visit = datetime.date(2026, 6, 2)  # an ordinary Tuesday
    settings = load_reminder_settings(CONTENT)
    assert bsn_due_date(visit, working_days, settings) == working_days.add(
        visit, PROMISE.working_days
    )


def test_a_promise_without_source_or_date_is_refused(tmp_path: Path) -> None:
    text = (CONTENT / "reminders.toml").read_text(encoding="utf-8")
    (tmp_path / "reminders.toml").write_text(
        re.sub(r"^promise_source = .*$", 'promise_source = "ecmr"', text, flags=re.MULTILINE),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="promise_source"):
        load_bsn_promise(tmp_path)
    (tmp_path / "reminders.toml").write_text(
        re.sub(r"^promise_checked = .*$\n", "", text, flags=re.MULTILINE), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="promise_checked"):
        load_bsn_promise(tmp_path)


def test_an_faq_answer_naming_an_unknown_value_is_refused(tmp_path: Path) -> None:
    for lang in ("nl", "en"):
        folder = tmp_path / lang / "faq"
        folder.mkdir(parents=True)
        (folder / "x.md").write_text(
            '+++\nid = "x"\ntopic = "bsn"\ntitle = "X?"\nquestions = ["x"]\n'
            'sources = ["https://ind.nl/x"]\nchecked = 2026-12-06\n+++\n'
            "Within {bsn_days} working days.\n",
            encoding="utf-8",
        )
    with pytest.raises(ValueError, match="no value for"):
        load_faq(tmp_path)
