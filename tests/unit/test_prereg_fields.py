"""Pre-registration fields: order per role, answers parsed to stored values, plausibility rules."""

from __future__ import annotations

from datetime import date

import pytest

from bot.content.catalog import Catalog
from bot.domain.prereg_fields import (
    FIELDS,
    PERSON_FIELDS,
    Field,
    FieldRules,
    fields_for,
    is_complete,
    missing_fields,
    parse_answer,
)
from bot.domain.validators import Invalid
from tests.conftest import CONTENT

TODAY = date(2026, 3, 10)
APPOINTMENT = date(2026, 3, 24)
RULES = FieldRules(
    today=TODAY, appointment_day=APPOINTMENT, municipality_ids=("maastricht", "vaals")
)
ORDER = [
    "surname",
    "given_names",
    "sex",
    "birth_date",
    "birth_place",
    "birth_country",
    "nationalities",
    "civil_status",
    "document_type",
    "document_number",
    "document_expiry",
    "postcode",
    "house_number",
    "municipality",
    "housing",
    "arrival_date",
    "previous_country",
    "email",
    "phone",
    "v_number",
]
ADULT_ONLY = {"civil_status", "email", "phone"}
HOUSEHOLD = {
    "postcode",
    "house_number",
    "municipality",
    "housing",
    "arrival_date",
    "previous_country",
}
COMPLETE_ADULT: dict[str, object] = {
    "surname": "Ødegaard",
    "given_names": "Zoë",
    "sex": "female",
    "birth_date": "1990-12-03",
    "birth_place": "Bergen",
    "birth_country": "NO",
    "nationalities": ["NO"],
    "civil_status": "married",
    "document_type": "passport",
    "document_number": "NX4F8K2P1",
    "document_expiry": "2031-08-14",
    "postcode": "6211 DW",
    "house_number": "10",
    "municipality": "maastricht",
    "housing": "rental",
    "arrival_date": "2026-03-01",
    "previous_country": "NO",
    "email": "zoe@example.com",
    "phone": "+31612345678",
}


def parse(key: str, text: str, rules: FieldRules = RULES) -> str | list[str]:
    return parse_answer(FIELDS[key], text, rules)


def rejection(key: str, text: str, rules: FieldRules = RULES) -> Invalid:
    with pytest.raises(Invalid) as caught:
        parse_answer(FIELDS[key], text, rules)
    return caught.value


def test_fields_are_asked_in_the_documented_order() -> None:
    assert [f.key for f in PERSON_FIELDS] == ORDER
    assert list(FIELDS) == ORDER
    assert [f.key for f in fields_for("main")] == ORDER
    assert [f.key for f in fields_for("partner")] == ORDER
    assert [f.key for f in fields_for("child")] == [k for k in ORDER if k not in ADULT_ONLY]
    with pytest.raises(ValueError):
        fields_for("grandmother")


def test_field_flags() -> None:
    assert {f.key for f in PERSON_FIELDS if f.household} == HOUSEHOLD
    assert {f.key for f in PERSON_FIELDS if f.adults_only} == ADULT_ONLY
    assert {f.key for f in PERSON_FIELDS if f.optional} == {"given_names", "v_number"}
    assert FIELDS["sex"].choices == ("male", "female", "unknown")
    assert FIELDS["document_type"].choices == ("passport", "id_card")
    assert FIELDS["housing"].choices == ("rental", "owner", "main_occupant")
    assert FIELDS["civil_status"].choices == (
        "unmarried",
        "married",
        "registered_partnership",
        "divorced",
        "widowed",
    )
    assert FIELDS["municipality"].kind == "choice" and FIELDS["municipality"].choices == ()


def test_every_field_has_texts_in_both_languages() -> None:
    catalog = Catalog.load(CONTENT)
    for lang in ("nl", "en"):
        keys = catalog.keys(lang)
        for field in PERSON_FIELDS:
            assert f"prereg_fields.{field.key}.question" in keys
            assert f"prereg_fields.{field.key}.label" in keys
            for choice in field.choices:
                assert f"prereg_fields.{field.key}.choices.{choice}" in keys
        assert not any(k.startswith("prereg_fields.municipality.choices") for k in keys)


def test_answers_become_stored_values() -> None:
    assert parse("surname", "  van  der Berg ") == "van der Berg"
    assert parse("given_names", "李小龙") == "李小龙"
    assert parse("sex", "female") == "female"
    assert parse("sex", " Male ") == "male"
    assert parse("birth_date", "3 december 1990") == "1990-12-03"
    assert parse("birth_place", "São Paulo") == "São Paulo"
    assert parse("birth_country", "BR") == "BR"
    assert parse("birth_country", "Brazilië") == "BR"
    assert parse("nationalities", "in") == ["IN"]
    assert parse("civil_status", "registered_partnership") == "registered_partnership"
    assert parse("document_type", "id_card") == "id_card"
    assert parse("document_number", "nx4f 8k2p1") == "NX4F8K2P1"
    assert parse("document_expiry", "14 aug 2031") == "2031-08-14"
    assert parse("postcode", "6211dw") == "6211 DW"
    assert parse("house_number", "10a") == "10 A"
    assert parse("municipality", "vaals") == "vaals"
    assert parse("housing", "main_occupant") == "main_occupant"
    assert parse("arrival_date", "01-03-2026") == "2026-03-01"
    assert parse("previous_country", "Verenigde Staten") == "US"
    assert parse("email", "Zoe@Example.com") == "Zoe@example.com"
    assert parse("phone", "06 12345678") == "+31612345678"
    assert parse("v_number", "12345 67890") == "1234567890"


def test_birth_date_is_between_1900_and_today() -> None:
    assert parse("birth_date", "10-03-2026") == "2026-03-10"
    assert parse("birth_date", "01-01-1900") == "1900-01-01"
    assert rejection("birth_date", "11-03-2026").key == "birth_date_future"
    problem = rejection("birth_date", "31-12-1899")
    assert (problem.key, problem.params) == ("birth_date_too_early", {"date": "1900-01-01"})
    assert rejection("birth_date", "next week").key == "date_format"
    assert rejection("birth_date", "03-12-90").key == "date_two_digit_year"


def test_document_must_be_valid_on_the_appointment_day() -> None:
    assert parse("document_expiry", "24-03-2026") == "2026-03-24"
    problem = rejection("document_expiry", "23-03-2026")
    assert (problem.key, problem.params) == ("document_expired", {"date": "2026-03-24"})
    no_appointment = FieldRules(TODAY, None, ("maastricht",))
    assert parse("document_expiry", "10-03-2026", no_appointment) == "2026-03-10"
    assert rejection("document_expiry", "09-03-2026", no_appointment).key == "document_expired"


def test_arrival_is_at_most_a_year_ago_and_not_after_the_appointment() -> None:
    assert parse("arrival_date", "24-03-2026") == "2026-03-24"
    assert parse("arrival_date", "10-03-2025") == "2025-03-10"
    problem = rejection("arrival_date", "25-03-2026")
    assert (problem.key, problem.params) == ("arrival_after_appointment", {"date": "2026-03-24"})
    problem = rejection("arrival_date", "09-03-2025")
    assert (problem.key, problem.params) == ("arrival_too_early", {"date": "2025-03-10"})
    leap = FieldRules(date(2028, 2, 29), None, ())
    assert parse("arrival_date", "28-02-2027", leap) == "2027-02-28"
    assert rejection("arrival_date", "27-02-2027", leap).key == "arrival_too_early"


def test_choices_must_be_one_of_the_buttons() -> None:
    assert rejection("sex", "yes").key == "choice_unknown"
    assert rejection("housing", "Rental contract").key == "choice_unknown"
    assert rejection("civil_status", "").key == "choice_unknown"
    assert rejection("municipality", "amsterdam").key == "municipality_not_served"
    assert rejection("municipality", "Maastricht").key == "municipality_not_served"
    assert rejection("municipality", "maastricht", FieldRules(TODAY, None, ())).key == (
        "municipality_not_served"
    )


def test_countries_must_be_known() -> None:
    assert rejection("birth_country", "Atlantis").key == "country_unknown"
    assert rejection("nationalities", "EU").key == "country_unknown"
    assert rejection("previous_country", "germ").key == "country_unknown"


def test_length_limits() -> None:
    assert rejection("surname", "A" * 101).params == {"max": "100"}
    assert rejection("birth_place", "A" * 101).key == "too_long"
    assert rejection("document_number", "A" * 21).key == "document_number_format"
    assert rejection("email", "a" * 300 + "@example.com").key == "too_long"
    for field in PERSON_FIELDS:
        assert rejection(field.key, "x" * 100_000).key == "too_long"


def test_custom_length_limit_of_a_field() -> None:
    short = Field("nickname", "name", max_length=5)
    assert parse_answer(short, "Annie", RULES) == "Annie"
    with pytest.raises(Invalid) as caught:
        parse_answer(short, "Annika", RULES)
    assert caught.value.params == {"max": "5"}


def test_missing_fields_in_asking_order() -> None:
    optional = {"given_names", "v_number"}
    assert missing_fields({}, "main") == [k for k in ORDER if k not in optional]
    assert missing_fields({}, "child") == [k for k in ORDER if k not in ADULT_ONLY | optional]
    assert missing_fields(COMPLETE_ADULT, "main") == []
    assert is_complete(COMPLETE_ADULT, "partner")
    child = {k: v for k, v in COMPLETE_ADULT.items() if k not in ADULT_ONLY}
    assert is_complete(child, "child")
    assert not is_complete(child, "main")
    assert missing_fields(child, "main") == ["civil_status", "email", "phone"]
    blanks = {**COMPLETE_ADULT, "surname": "", "nationalities": [], "phone": None}
    assert missing_fields(blanks, "main") == ["surname", "nationalities", "phone"]
