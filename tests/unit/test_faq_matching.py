"""FAQ matching: typos, word order, mixed languages, out-of-domain questions and the bands."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from bot.content.faq import load_faq
from bot.content.synonyms import load_synonyms
from bot.domain.faq import Band, FaqEntry, FaqIndex
from bot.domain.synonyms import Synonyms

CONTENT = Path(__file__).parents[2] / "content"
INDEX = FaqIndex(load_faq(CONTENT), load_synonyms(CONTENT))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # typos
        ("wat is een bns nummer", "bsn-what-is"),
        ("zorgverzekring verplicht", "health-insurance"),
        ("appointmnet cancel", "appointment-change"),
        ("verblijfsvergunnig kennismigrant voorwaarden", "permit-hsm"),
        # word order
        ("citizen service number what is", "bsn-what-is"),
        ("permit researcher residence", "permit-researcher"),
        ("adres Mosae Forum", "location"),
        # mixed Dutch and English
        ("moet ik health insurance afsluiten", "health-insurance"),
        ("digid aanvragen how", "digid"),
        ("kvk nummer register erkend referent", "sponsor-register"),
        # accents, punctuation and case do not matter
        ("ik woonde in België, krijg ik de 30%-regeling?", "thirty-percent-150km"),
        ("IK WOONDE IN BELGIE 30 procent regeling", "thirty-percent-150km"),
        # bot commands and one very specific word
        ("i want to talk to a human", "human"),
        ("taal", "language"),
    ],
)
def test_clear_questions_get_their_entry(query: str, expected: str) -> None:
    result = INDEX.match(query)
    assert result.band is Band.CLEAR
    assert result.candidates[0][0] == expected
    assert len(result.candidates) == 1


@pytest.mark.parametrize(
    ("query", "acceptable"),
    [
        ("hoe lang duurt BSN fast track", {"fast-track", "bsn-how-long"}),
        ("how long for the bsn with the fast track", {"fast-track", "bsn-how-long"}),
        ("waar is de ind desk", {"location", "other-expat-centres", "residence-card-collect"}),
    ],
)
def test_questions_between_two_entries_rank_one_of_them_first(
    query: str, acceptable: set[str]
) -> None:
    result = INDEX.match(query)
    assert result.band is not Band.NONE
    assert result.best in acceptable


@pytest.mark.parametrize(
    "query",
    [
        "what's the weather tomorrow",
        "recipe for pancakes",
        "wie wint het WK",
        "best pizza in Maastricht",
        "thanks",
        "how are you",
        "tell me a joke",
        "",
        "???",
    ],
)
def test_out_of_domain_questions_match_nothing(query: str) -> None:
    assert INDEX.match(query).band is Band.NONE
    assert INDEX.match(query).candidates == ()


def test_a_vague_word_asks_back_with_at_most_three_candidates() -> None:
    result = INDEX.match("permit")
    assert result.band is Band.NEAR
    assert 1 <= len(result.candidates) <= 3
    assert (result.best or "").startswith("permit-")


@pytest.mark.parametrize("query", ["permit", "salary", "documents", "waar is de ind desk"])
def test_near_candidates_are_distinct_and_best_first(query: str) -> None:
    result = INDEX.match(query)
    assert result.band is Band.NEAR
    scores = [score for _, score in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert len({entry_id for entry_id, _ in result.candidates}) == len(result.candidates)
    assert all(0 < score <= 100 for score in scores)


def test_the_same_question_in_either_language_finds_the_same_entry() -> None:
    assert INDEX.match("what is the fast track").best == "fast-track"
    assert INDEX.match("wat is de fast track").best == "fast-track"
    assert INDEX.match("how do I open a bank account").best == "bank-account"
    assert INDEX.match("hoe open ik een bankrekening").best == "bank-account"


def test_entry_returns_the_users_language() -> None:
    assert INDEX.entry("bsn-what-is", "nl").lang == "nl"
    assert INDEX.entry("bsn-what-is", "en").lang == "en"
    assert INDEX.entry("bsn-what-is", "nl").answer != INDEX.entry("bsn-what-is", "en").answer
    with pytest.raises(KeyError):
        INDEX.entry("no-such-entry", "en")


def make(entry_id: str, lang: str, title: str, *questions: str) -> FaqEntry:
    """A minimal entry for index-level tests."""
    return FaqEntry(
        id=entry_id,
        lang=lang,
        topic="test",
        title=title,
        questions=questions,
        answer="An answer.",
        sources=("https://example.org",),
        checked=datetime.date(2026, 11, 28),
    )


def test_ids_are_unique_and_in_content_order() -> None:
    index = FaqIndex(
        [
            make("digid", "nl", "Hoe vraag ik DigiD aan?", "digid aanvragen"),
            make("rni", "nl", "Wat is de RNI?", "registratie niet-ingezetenen"),
            make("digid", "en", "How do I get DigiD?", "apply for digid"),
        ]
    )
    assert index.ids() == ["digid", "rni"]
    assert index.match("registratie niet ingezetenen").best == "rni"


def test_a_duplicate_entry_is_rejected() -> None:
    entry = make("digid", "en", "How do I get DigiD?", "apply for digid")
    with pytest.raises(ValueError, match="duplicate"):
        FaqIndex([entry, entry])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # stems: plurals and verb forms of both languages
        ("zorgverzekeringen verplicht", "health-insurance"),
        ("hoeveel kost een verblijfsvergunningen", "ind-fees"),
        # synonyms and abbreviations from content/synonyms.toml
        ("what is dertig procent regeling", "thirty-percent-ruling"),
        ("inschrijven gemeente", "brp-registration"),
        ("kamer van koophandel inschrijving erkend referent", "sponsor-register"),
        ("moet ik een health insurance afsluiten", "health-insurance"),
        # a typo inside a synonym
        ("burgerservicenumer", "bsn-what-is"),
        # very short questions
        ("bsn?", "bsn-what-is"),
        ("BSN", "bsn-what-is"),
    ],
)
def test_stems_synonyms_and_short_questions_find_their_entry(query: str, expected: str) -> None:
    result = INDEX.match(query)
    assert (result.band, result.best) == (Band.CLEAR, expected)


@pytest.mark.parametrize(
    "query",
    ["what is a bsn", "wat is een bsn", "What is a BSN?", "wat is een BSN??", "hi, what is a bsn"],
)
def test_listed_phrasings_from_the_issue_are_answered_directly(query: str) -> None:
    assert INDEX.match(query).candidates == (("bsn-what-is", 100.0),)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "Hi there! So I just moved here from India last month with my wife and two kids, my"
            " employer is a big tech company in Eindhoven and they told me I need to get a citizen"
            " service number as soon as possible, but honestly I have no idea what that even is or"
            " why I need it",
            "bsn-what-is",
        ),
        (
            "Hallo, ik ben vorige week met mijn vriendin vanuit Brazilië naar Maastricht verhuisd"
            " voor mijn nieuwe baan bij de universiteit en nu vraag ik me af hoe ik me moet"
            " inschrijven bij de gemeente en welke papieren ik daarvoor nodig heb",
            "documents-list",
        ),
    ],
)
def test_a_long_rambling_question_offers_its_topic_first(query: str, expected: str) -> None:
    result = INDEX.match(query)
    assert result.band is not Band.NONE
    assert result.best == expected


@pytest.mark.parametrize(
    "query",
    [
        "I was wondering if you could recommend a good restaurant in Maastricht for my wife's"
        " birthday next week, preferably one with vegetarian options and not too expensive",
        "ik wil graag weten of er in het weekend nog ergens een goede pizzeria open is in het"
        " centrum van maastricht want we hebben honger",
    ],
)
def test_a_long_question_about_something_else_is_declined(query: str) -> None:
    assert INDEX.match(query).band is Band.NONE


def test_compounds_split_against_the_vocabulary() -> None:
    index = FaqIndex(
        [
            make(
                "permit", "nl", "Hoe krijg ik een vergunning voor verblijf?", "verblijf vergunning"
            ),
            make("card", "nl", "Waar haal ik mijn pas op?", "pas ophalen"),
        ]
    )
    assert index.match("verblijfsvergunning").best == "permit"
    assert index.match("verblijfsvergunningen aanvragen").best == "permit"


def test_synonyms_join_languages_and_spellings() -> None:
    synonyms = Synonyms([("bsn", "burgerservicenummer", "citizen service number")])
    index = FaqIndex([make("bsn", "nl", "Wat is een BSN?", "bsn uitleg")], synonyms)
    for query in ("what is a citizen service number", "wat is een burgerservicenummer"):
        assert index.match(query).candidates == (("bsn", 100.0),)
