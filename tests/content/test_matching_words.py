"""content/synonyms.toml and content/smalltalk.toml: shape, both languages, no clashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.faq import load_faq
from bot.content.smalltalk import load_smalltalk, load_smalltalk_phrases
from bot.content.synonyms import load_synonym_groups, load_synonyms
from bot.domain.faq import FaqIndex
from bot.domain.smalltalk import Intent, phrase_key
from bot.domain.words import split_words
from tests.conftest import CONTENT

ENTRIES = load_faq(CONTENT)
SYNONYMS = load_synonyms(CONTENT)
INDEX = FaqIndex(ENTRIES, SYNONYMS)
# Navigation wins over an FAQ phrasing only where it leads where that entry would send the user.
NAVIGATES_LIKE = {
    Intent.BOOK: {"appointment-book"},
    Intent.MINE: {"appointment-change"},
    Intent.HUMAN: {"human"},
    Intent.HELP: set(),
    Intent.MENU: set(),
}


def test_synonym_groups_list_both_languages_and_load() -> None:
    with (CONTENT / "synonyms.toml").open(encoding="utf-8") as handle:
        assert "[[group]]" in handle.read()
    groups = load_synonym_groups(CONTENT / "synonyms.toml")
    assert len(groups) >= 20
    assert all(len(group) >= 2 for group in groups)


@pytest.mark.parametrize(
    "group",
    [
        ("bsn", "burgerservicenummer", "citizen service number", "sofinummer"),
        ("brp", "gba", "gemeentelijke basisregistratie", "municipal registration", "inschrijving"),
        ("ind", "immigratiedienst"),
        ("kvk", "kamer van koophandel", "chamber of commerce"),
        ("30%-regeling", "dertig procent regeling", "30 percent ruling", "30% ruling"),
        ("hsm", "kennismigrant", "highly skilled migrant"),
    ],
)
def test_the_groups_the_issue_names_are_one_key_each(group: tuple[str, ...]) -> None:
    keys = {INDEX.phrasing_key(term) for term in group}
    assert len(keys) == 1, keys
    assert len(next(iter(keys))) == 1


def test_every_synonym_group_is_used_by_the_faq_or_small_enough_to_wait() -> None:
    """A group whose words no entry uses does nothing; it is fine only while its entry is due."""
    used = {
        word
        for entry in ENTRIES
        for text in (entry.title, *entry.questions, entry.answer)
        for word in SYNONYMS.replace(split_words(text))
    }
    groups = load_synonym_groups(CONTENT / "synonyms.toml")
    keys = {SYNONYMS.replace(split_words(group[0]))[0] for group in groups}
    assert len(keys & used) >= 0.8 * len(keys)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[group]]\nnl = ["bsn"]\n', "exactly the keys nl and en"),
        ('[[group]]\nnl = ["bsn"]\nen = []\n', "non-empty list"),
        ('[[group]]\nnl = ["bsn"]\nen = [""]\n', "empty or non-text"),
        (
            '[[group]]\nnl = ["bsn"]\nen = ["bsn number"]\n[[group]]\nnl = ["BSN"]\nen = ["x1"]\n',
            "two groups",
        ),
        ('[[group]]\nnl = ["de"]\nen = ["the"]\n', "function words"),
        ("", "at least one"),
    ],
)
def test_a_broken_synonyms_file_names_itself(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "synonyms.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as error:
        load_synonyms(tmp_path)
    assert "synonyms.toml" in str(error.value)


def test_every_small_talk_intent_lists_both_languages() -> None:
    phrases = load_smalltalk_phrases(CONTENT / "smalltalk.toml")
    assert set(phrases) == set(Intent)
    assert all(by_lang["nl"] and by_lang["en"] for by_lang in phrases.values())


def test_small_talk_never_hides_an_faq_phrasing_it_does_not_stand_for() -> None:
    listed = {
        phrase_key(text): entry.id for entry in ENTRIES for text in (entry.title, *entry.questions)
    }
    smalltalk = load_smalltalk(CONTENT)
    hidden = {
        phrase: (intent, listed[phrase])
        for phrase, intent in smalltalk.phrases().items()
        if phrase in listed and listed[phrase] not in NAVIGATES_LIKE.get(intent, set())
    }
    assert hidden == {}


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[greeting]\nnl = ["hoi"]\n', "exactly the keys nl and en"),
        ('[greetings]\nnl = ["hoi"]\nen = ["hi"]\n', "unknown intent"),
    ],
)
def test_a_broken_small_talk_file_names_itself(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "smalltalk.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as error:
        load_smalltalk(tmp_path)
    assert "smalltalk.toml" in str(error.value)
