"""The checks on one hire, the same for a typed answer and an uploaded row."""

from __future__ import annotations

from datetime import date

import pytest

from bot.content.catalog import Catalog
from bot.content.eligibility import Municipality, load_municipalities
from bot.domain.hires import (
    EXAMPLE_EMAIL,
    HIRE_COLUMNS,
    HIRE_ROUTES,
    HireDraft,
    HireFieldInvalid,
    RowProblem,
    arrival_window,
    check_hire_field,
    check_hire_row,
    message_key,
)
from bot.domain.validators import Invalid
from bot.uploads.hire_files import invalid_text, row_problem_text
from tests.conftest import CONTENT

TODAY = date(2026, 12, 1)
MUNICIPALITIES = load_municipalities(CONTENT)
CATALOG = Catalog.load(CONTENT)


def field(column: str, raw: str, today: date = TODAY) -> object:
    return check_hire_field(column, raw, today=today, municipalities=MUNICIPALITIES)


def refused(column: str, raw: str) -> Invalid:
    with pytest.raises(Invalid) as caught:
        field(column, raw)
    return caught.value


GOOD_ROW = {
    "name": "Zoë Ødegaard",
    "email": "zoe@Example.ORG",
    "phone": "06 12345678",
    "arrival_date": "15-01-2027",
    "route": "hsm",
    "municipality": "Maastricht",
    "family_members": "2",
    "language": "nl",
}


def test_a_good_row_becomes_a_draft_with_normalised_values() -> None:
    draft = check_hire_row(GOOD_ROW, row=2, today=TODAY, municipalities=MUNICIPALITIES)
    assert draft == HireDraft(
        name="Zoë Ødegaard",
        email="zoe@example.org",
        phone="+31612345678",
        arrival_date=date(2027, 1, 15),
        route="hsm",
        municipality="maastricht",
        family_members=2,
        language="nl",
    )


@pytest.mark.parametrize("raw", ["Zoë", "O'Brien", "李小龙", "van der Berg", "  Saint-Exupéry "])
def test_names_are_kept_as_written(raw: str) -> None:
    assert field("name", raw) == raw.strip()


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("", "hire_files.required"),
        ("   ", "hire_files.required"),
        ("R2-D2", "validation.name_chars"),
    ],
)
def test_bad_names_are_refused(raw: str, key: str) -> None:
    assert message_key(refused("name", raw)) == key


def test_a_name_longer_than_100_characters_is_refused() -> None:
    error = refused("name", "a" * 101)
    assert (message_key(error), error.params) == ("validation.too_long", {"max": "100"})


def test_email_is_optional_but_checked_when_given() -> None:
    assert field("email", "") == ""
    assert field("email", " HR@Firma.NL ") == "HR@firma.nl"
    assert message_key(refused("email", "not an address")) == "validation.email_format"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("06 12345678", "+31612345678"),
        ("+49 151 23456789", "+4915123456789"),
        ("612345678", "+31612345678"),  # Excel dropped the leading 0 of a number cell
        ("31612345678", "+31612345678"),  # Excel dropped the + of a number cell
    ],
)
def test_phone_numbers_are_stored_as_e164(raw: str, stored: str) -> None:
    assert field("phone", raw) == stored


def test_bad_phone_numbers_are_refused() -> None:
    assert field("phone", "") == ""
    assert message_key(refused("phone", "call me")) == "validation.phone_format"
    assert message_key(refused("phone", "12")) == "validation.phone_format"
    assert message_key(refused("phone", "99999999999")) == "validation.phone_invalid"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-01", date(2026, 11, 1)),  # 30 days ago: the earliest accepted
        ("01-12-2027", date(2027, 12, 1)),
        ("1 december 2027", date(2027, 12, 1)),  # today + 1 year: the latest accepted
        ("3 januari 2027", date(2027, 1, 3)),
        ("3 Jan 2027", date(2027, 1, 3)),
    ],
)
def test_arrival_dates_in_the_window_are_accepted(raw: str, expected: date) -> None:
    assert field("arrival_date", raw) == expected


def test_arrival_dates_outside_the_window_name_the_window() -> None:
    early = refused("arrival_date", "2026-10-31")
    late = refused("arrival_date", "2027-12-02")
    window = {"earliest": "2026-11-01", "latest": "2027-12-01"}
    assert (message_key(early), early.params) == ("hire_files.arrival_too_early", window)
    assert (message_key(late), late.params) == ("hire_files.arrival_too_late", window)
    assert message_key(refused("arrival_date", "soon")) == "validation.date_format"
    assert message_key(refused("arrival_date", "")) == "hire_files.required"
    assert message_key(refused("arrival_date", "31-02-2027")) == "validation.date_format"


def test_routes_by_id_or_by_their_label_in_either_language() -> None:
    assert HIRE_ROUTES == ("hsm", "researcher")
    for route in HIRE_ROUTES:
        assert field("route", route.upper()) == route
        for lang in ("nl", "en"):
            label = CATALOG.plain(lang, f"eligibility.options.route.{route}")
            assert field("route", label) == route
    assert field("route", "Kennismigrant") == "hsm"
    assert field("route", "onderzoeker") == "researcher"


@pytest.mark.parametrize("raw", ["blue_card", "ict", "student", "EU Blue Card", "x"])
def test_routes_without_a_recognised_sponsor_are_refused(raw: str) -> None:
    error = refused("route", raw)
    assert isinstance(error, HireFieldInvalid)
    assert (message_key(error), error.params) == (
        "hire_files.route_unknown",
        {"routes": "hsm, researcher"},
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("maastricht", "maastricht"),
        ("SITTARD-GELEEN", "sittard_geleen"),
        ("sittard geleen", "sittard_geleen"),
        ("sittard_geleen", "sittard_geleen"),
        ("Valkenburg aan de Geul", "valkenburg"),
        ("Valkenburg", "valkenburg"),  # unique start of the name
        ("Eijsden", "eijsden_margraten"),
        ("Écht-Süsteren", "echt_susteren"),  # accents ignored
    ],
)
def test_municipalities_by_id_or_name(raw: str, expected: str) -> None:
    assert field("municipality", raw) == expected


def test_unknown_municipalities_and_ambiguous_starts_are_refused() -> None:
    for raw in ("Venlo", "Amsterdam", "Be", ""):
        error = refused("municipality", raw)
        assert message_key(error) in ("hire_files.municipality_unknown", "hire_files.required")
    assert refused("municipality", "Venlo").params == {"value": "Venlo"}


def test_the_arrival_window_on_29_february() -> None:
    assert arrival_window(date(2028, 2, 29)) == (date(2028, 1, 30), date(2029, 2, 28))


def test_a_municipality_is_accepted_only_while_it_exists() -> None:
    merged = (
        Municipality("old_town", "Old Town", valid_to=date(2026, 12, 31)),
        Municipality("new_town", "New Town", valid_from=date(2027, 1, 1)),
    )
    assert check_hire_field("municipality", "Old Town", today=TODAY, municipalities=merged) == (
        "old_town"
    )
    with pytest.raises(Invalid):
        check_hire_field("municipality", "New Town", today=TODAY, municipalities=merged)
    later = date(2027, 1, 1)
    assert check_hire_field("municipality", "new town", today=later, municipalities=merged) == (
        "new_town"
    )


@pytest.mark.parametrize(("raw", "count"), [("", 0), ("0", 0), ("3", 3), ("9", 9), ("2.0", 2)])
def test_family_members_from_0_to_9(raw: str, count: int) -> None:
    assert field("family_members", raw) == count


@pytest.mark.parametrize("raw", ["10", "-1", "two", "1.5", "٣"])
def test_other_family_counts_are_refused(raw: str) -> None:
    error = refused("family_members", raw)
    assert (message_key(error), error.params) == ("hire_files.family_members", {"max": "9"})


@pytest.mark.parametrize(
    ("raw", "language"),
    [
        ("", "en"),
        ("en", "en"),
        ("NL", "nl"),
        ("Nederlands", "nl"),
        ("English", "en"),
        ("Dutch", "nl"),
    ],
)
def test_language(raw: str, language: str) -> None:
    assert field("language", raw) == language


def test_other_languages_are_refused() -> None:
    assert message_key(refused("language", "de")) == "hire_files.language_unknown"


def test_an_unknown_column_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown hire column"):
        field("salary", "1")


def test_a_row_reports_every_problem_with_row_and_column() -> None:
    bad = {
        "name": "",
        "email": "x",
        "arrival_date": "2020-01-01",
        "route": "blue_card",
        "municipality": "Venlo",
        "family_members": "10",
        "language": "de",
    }
    problems = check_hire_row(bad, row=7, today=TODAY, municipalities=MUNICIPALITIES)
    assert isinstance(problems, list)
    assert [(p.row, p.column) for p in problems] == [(7, c) for c in HIRE_COLUMNS if c != "phone"]
    assert {p.key.split(".")[0] for p in problems} == {"hire_files", "validation"}


def test_e_mail_or_phone_is_needed() -> None:
    row = {**GOOD_ROW, "email": "", "phone": ""}
    problems = check_hire_row(row, row=3, today=TODAY, municipalities=MUNICIPALITIES)
    assert problems == [RowProblem(3, "email", "hire_files.contact_missing", {})]
    for kept in ("email", "phone"):
        only = {**row, kept: GOOD_ROW[kept]}
        draft = check_hire_row(only, row=3, today=TODAY, municipalities=MUNICIPALITIES)
        assert isinstance(draft, HireDraft)


def test_missing_optional_columns_take_their_defaults() -> None:
    row = {"name": "Ann Lee", "phone": "0612345678", "arrival_date": "2027-01-01"}
    row |= {"route": "researcher", "municipality": "Heerlen"}
    draft = check_hire_row(row, row=2, today=TODAY, municipalities=MUNICIPALITIES)
    assert isinstance(draft, HireDraft)
    assert (draft.email, draft.family_members, draft.language) == ("", 0, "en")


def test_the_template_example_row_is_never_a_hire() -> None:
    row = {**GOOD_ROW, "email": EXAMPLE_EMAIL.upper()}
    problems = check_hire_row(row, row=2, today=TODAY, municipalities=MUNICIPALITIES)
    assert problems == [RowProblem(2, "", "hire_files.example_row", {})]


def test_every_problem_has_a_message_in_both_languages() -> None:
    bad = {"name": "", "email": "x", "arrival_date": "2020-01-01", "route": "ict"}
    bad |= {"municipality": "Venlo", "family_members": "10", "language": "de"}
    problems = check_hire_row(bad, row=4, today=TODAY, municipalities=MUNICIPALITIES)
    assert isinstance(problems, list)
    problems += [RowProblem(5, "email", "hire_files.contact_missing", {})]
    problems += [RowProblem(6, "", "hire_files.example_row", {})]
    for lang in ("nl", "en"):
        lines = [row_problem_text(CATALOG, lang, p) for p in problems]
        prefix = "Rij" if lang == "nl" else "Row"
        assert all(line.startswith(f"{prefix} ") for line in lines)
        header = CATALOG.plain(lang, "hire_files.headers.route")
        assert any(line.startswith(f"{prefix} 4, {header}: ") for line in lines)
    dutch = [row_problem_text(CATALOG, "nl", p) for p in problems]
    assert any("1 november 2026" in line and "1 december 2027" in line for line in dutch)
    assert any("hsm (Kennismigrant)" in line for line in dutch)


def test_typed_answers_get_the_message_without_a_row() -> None:
    error = refused("route", "ict")
    text = invalid_text(CATALOG, "en", error)
    assert text.startswith("Not a residence route I know.")
    assert "hsm (Highly skilled migrant)" in text
    assert invalid_text(CATALOG, "nl", refused("email", "x")).startswith("Dat lijkt geen")


def test_user_text_in_problems_is_escaped() -> None:
    error = refused("municipality", "<b>Venlo</b>")
    assert "&lt;b&gt;Venlo&lt;/b&gt;" in invalid_text(CATALOG, "en", error)


def test_a_second_registration_is_the_same_name_with_the_same_e_mail_or_phone() -> None:
    from bot.domain.hires import repeats

    draft = HireDraft(
        "Zoë Ødegaard", "zoe@example.org", "", date(2027, 1, 4), "hsm", "maastricht", 0, "en"
    )
    assert repeats(draft, [("ZOE ØDEGAARD", "zoe@example.org", "")])  # case and accents aside
    assert not repeats(draft, [("Zoë Ødegaard", "other@example.org", "")])  # another person
    assert not repeats(draft, [("Zoë Berg", "zoe@example.org", "")])  # a shared mailbox
    phone = HireDraft("Li Wei", "", "+31612345678", date(2027, 1, 4), "hsm", "heerlen", 0, "nl")
    assert repeats(phone, [("Li Wei", "", "+31612345678")])
    assert not repeats(phone, [("Li Wei", "", "")])  # no contact in common
