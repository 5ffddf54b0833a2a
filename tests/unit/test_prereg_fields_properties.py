"""Property tests: any input to any field gives a re-checkable value or an explained Invalid."""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.catalog import Catalog, placeholders
from bot.domain.countries import country_codes, search_countries
from bot.domain.prereg_fields import FIELDS, PERSON_FIELDS, Field, FieldRules, parse_answer
from bot.domain.validators import Invalid, check_name, parse_loose_date
from tests.conftest import CONTENT

CATALOG = Catalog.load(CONTENT)
RULES = FieldRules(
    today=date(2026, 3, 10),
    appointment_day=date(2026, 3, 24),
    municipality_ids=("maastricht", "vaals", "echt_susteren"),
)
NAMES = ["Zoë", "Ødegaard", "李小龙", "O'Brien", "O’Brien", "Saint-Exupéry", "van der Berg"]
VALID: dict[str, list[str]] = {
    "surname": NAMES,
    "given_names": [*NAMES, "Anna Maria", "Jean-Luc"],
    "sex": ["male", "female", "unknown"],
    "birth_date": ["03-12-1990", "3 dec 1990", "1990-12-03", "3 maart 1990", "3 March 1990"],
    "birth_place": ["São Paulo", "Porto Alegre", "'s-Hertogenbosch", "Mumbai 400001"],
    "birth_country": ["BR", "Brazilië", "germany", "curacao", "DE"],
    "nationalities": ["IN", "India", "duitsland", "NL"],
    "civil_status": ["unmarried", "married", "registered_partnership", "divorced", "widowed"],
    "document_type": ["passport", "id_card"],
    "document_number": ["NX4F8K2P1", "nx4f 8k2p1", "123456"],
    "document_expiry": ["14-08-2031", "24 mrt 2026", "2035-01-01"],
    "postcode": ["6211 DW", "6211dw", "1234 AB"],
    "house_number": ["12", "12a", "12 A-1", "12-3", "12 bis"],
    "municipality": ["maastricht", "vaals", "echt_susteren"],
    "housing": ["rental", "owner", "main_occupant"],
    "arrival_date": ["01-03-2026", "24 March 2026", "2025-06-01"],
    "previous_country": ["US", "Verenigde Staten", "Aruba"],
    "email": ["anna@example.com", "Zoë.Ø@Bücher.DE", "a+b@sub.example.nl"],
    "phone": ["06 12345678", "+49 151 23456789", "0031 43 350 4040"],
    "v_number": ["1234567890", "12345 67890", "1234.567.890"],
}
HOSTILE = [
    "<b>",
    "</i>",
    "<script>alert(1)</script>",
    "&amp;",
    "&",
    "'; DROP TABLE preregistrations; --",
    '" OR 1=1 --',
    "\x00",
    "\x1b[31m",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",
    "\u0301",
    "😀",
    "👨\u200d👩\u200d👧",
    "🇳🇱",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    "{name}",
    "%s",
    "*bold*",
    "_under_",
    "[link](https://example.com)",
    "\\",
    "\ud800",  # a lone surrogate, as json.loads gives for "\ud800"
    " ",
    "\u00a0",
    "٣",
    "１２",
]
BATCHES, BATCH_SIZE = 130, 20
ANY_CHAR = st.characters(exclude_categories=())  # every category, surrogates included


@st.composite
def mutated(draw: st.DrawFn, key: str) -> str:
    """A valid answer with something hostile or random put somewhere in it."""
    base = draw(st.sampled_from(VALID[key]))
    where = draw(st.integers(0, len(base)))
    extra = draw(st.one_of(st.sampled_from(HOSTILE), st.text(ANY_CHAR, min_size=1, max_size=3)))
    return base[:where] + extra + base[where:]


def huge() -> st.SearchStrategy[str]:
    """Long input built by repetition, so it is cheap to generate."""
    piece = st.one_of(st.sampled_from(HOSTILE), st.text(ANY_CHAR, min_size=1, max_size=4))
    return st.builds(lambda p, n: p * n, piece, st.integers(100, 20_000))


def answers(key: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(ANY_CHAR, max_size=60),
        st.text(max_size=200),
        st.sampled_from(HOSTILE + VALID[key]),
        mutated(key),
        st.lists(st.sampled_from(HOSTILE + VALID[key]), max_size=6).map("".join),
        huge(),
    )


def assert_valid(field: Field, value: str | list[str]) -> None:
    """What parse_answer stores is well-formed for the field and survives being parsed again."""
    if field.kind == "countries":
        assert isinstance(value, list) and len(value) == 1
        assert value[0] in country_codes()
        assert parse_answer(field, value[0], RULES) == value
        return
    assert isinstance(value, str) and value
    assert len(value) <= field.max_length
    assert value == value.strip()
    assert "\x00" not in value and "\n" not in value and "\u202e" not in value
    if field.kind == "date":
        assert date.fromisoformat(value).isoformat() == value
    if field.kind == "country":
        assert value in country_codes()
    if field.kind == "choice":
        assert value in (RULES.municipality_ids if field.key == "municipality" else field.choices)
    assert parse_answer(field, value, RULES) == value


def assert_explained(problem: Invalid) -> None:
    """The rejection has a message in both languages, with every placeholder filled."""
    for lang in ("nl", "en"):
        key = f"validation.{problem.key}"
        assert key in CATALOG.keys(lang), key
        assert placeholders(CATALOG.texts[lang][key]) <= problem.params.keys()
        assert CATALOG.text(lang, key, **problem.params)


def check_answer(field: Field, text: str) -> None:
    try:
        value = parse_answer(field, text, RULES)
    except Invalid as problem:
        assert_explained(problem)
    else:
        assert_valid(field, value)


@pytest.mark.parametrize("key", [field.key for field in PERSON_FIELDS])
@settings(max_examples=BATCHES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_input_gives_a_valid_value_or_an_explained_rejection(
    key: str, data: st.DataObject
) -> None:
    """BATCHES x up to BATCH_SIZE random and hostile strings per field."""
    field = FIELDS[key]
    for text in data.draw(st.lists(answers(key), min_size=1, max_size=BATCH_SIZE)):
        check_answer(field, text)


@pytest.mark.parametrize("key", [field.key for field in PERSON_FIELDS])
def test_every_hostile_piece_anywhere_in_every_valid_answer(key: str) -> None:
    """Exhaustively: each hostile string (and pair) at the start, middle and end of answers."""
    field = FIELDS[key]
    for base in VALID[key]:
        for extra in HOSTILE:
            for where in (0, len(base) // 2, len(base)):
                check_answer(field, base[:where] + extra + base[where:])
            check_answer(field, extra * 5000)
    base = VALID[key][0]
    for first in HOSTILE:
        for second in HOSTILE:
            check_answer(field, first + base + second)


@pytest.mark.parametrize("key", [field.key for field in PERSON_FIELDS])
def test_the_valid_examples_are_accepted(key: str) -> None:
    for text in VALID[key]:
        assert_valid(FIELDS[key], parse_answer(FIELDS[key], text, RULES))


@pytest.mark.parametrize("name", NAMES)
def test_names_are_accepted_unchanged(name: str) -> None:
    assert parse_answer(FIELDS["surname"], name, RULES) == name
    assert parse_answer(FIELDS["given_names"], f"  {name} ", RULES) == name


@settings(max_examples=500, deadline=None)
@given(
    name=st.text(
        st.characters(categories=("Lu", "Ll", "Lt", "Lo")),
        min_size=1,
        max_size=30,
    ).filter(lambda s: s == s.strip())
)
def test_names_of_letters_in_any_script_are_kept_exactly(name: str) -> None:
    assert check_name(name) == name


@settings(max_examples=500, deadline=None)
@given(
    day=st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)),
    pattern=st.sampled_from(
        ["dd-MM-y", "d-M-y", "dd/MM/y", "d.M.y", "y-MM-dd", "d MMM y", "d MMMM y"]
    ),
    locale=st.sampled_from(["nl", "en", "en_GB"]),
)
def test_dates_written_in_any_supported_form_are_read_back(
    day: date, pattern: str, locale: str
) -> None:
    assert parse_loose_date(format_date(day, pattern, locale=locale)) == day


@settings(max_examples=300, deadline=None)
@given(query=st.one_of(st.text(ANY_CHAR, max_size=40), st.sampled_from(HOSTILE)))
def test_country_search_never_fails(query: str) -> None:
    for lang in ("nl", "en"):
        found = search_countries(query, lang)
        assert len(found) <= 6 and set(found) <= set(country_codes())
