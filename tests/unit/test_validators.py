"""Form checks: dates in Dutch and English, Unicode names kept exact, contact and ID numbers."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.content.catalog import Catalog, placeholders
from bot.domain.validators import (
    Invalid,
    check_date,
    check_document_number,
    check_email,
    check_house_number,
    check_name,
    check_phone,
    check_postcode,
    check_text,
    check_vnumber,
    localised_params,
    parse_loose_date,
)
from tests.conftest import CONTENT, REPO

DEC_3 = date(1990, 12, 3)


def invalid_key(check: object, *args: object, **kwargs: object) -> str:
    """The key of the Invalid a check raises (fails the test when it accepts)."""
    assert callable(check)
    with pytest.raises(Invalid) as caught:
        check(*args, **kwargs)
    return caught.value.key


@pytest.mark.parametrize(
    "text",
    [
        "03-12-1990",
        "3-12-1990",
        "03/12/1990",
        "3.12.1990",
        "1990-12-03",
        "3 dec 1990",
        "3 dec. 1990",
        "3 december 1990",
        "3 December 1990",
        "3 DECEMBER 1990",
        "3e december 1990",
        "3rd December 1990",
        "December 3, 1990",
        "  3   dec   1990  ",
        "03-DEC-1990",
    ],
)
def test_dates_in_common_forms_are_read_day_first(text: str) -> None:
    assert parse_loose_date(text) == DEC_3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 maart 1990", date(1990, 3, 3)),
        ("3 mrt 1990", date(1990, 3, 3)),
        ("3 March 1990", date(1990, 3, 3)),
        ("3 Mar 1990", date(1990, 3, 3)),
        ("1 mei 2001", date(2001, 5, 1)),
        ("1 May 2001", date(2001, 5, 1)),
        ("15 okt 2020", date(2020, 10, 15)),
        ("15 Oct 2020", date(2020, 10, 15)),
        ("2 sept 2020", date(2020, 9, 2)),
        ("05-04-2020", date(2020, 4, 5)),  # 5 April, never 4 May
        ("29-02-2024", date(2024, 2, 29)),
    ],
)
def test_month_names_in_both_languages(text: str, expected: date) -> None:
    assert parse_loose_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "31-02-1990",
        "29-02-2023",
        "03-12-90",
        "12/3/90",
        "3 dec 90",
        "13-13-1990",
        "1990-13-01",
        "0000-01-01",
        "3 decembre 1990",
        "3-12/1990",
        "yesterday",
        "٣-١٢-١٩٩٠",  # Arabic-Indic digits are not read as a date
        "3" * 10_000,
    ],
)
def test_impossible_or_ambiguous_dates_are_refused(text: str) -> None:
    assert parse_loose_date(text) is None


def test_check_date_explains_each_problem() -> None:
    assert check_date("3 dec 1990") == DEC_3
    assert invalid_key(check_date, "soon") == "date_format"
    assert invalid_key(check_date, "03-12-90") == "date_two_digit_year"
    assert invalid_key(check_date, "3 dec 90") == "date_two_digit_year"
    with pytest.raises(Invalid) as caught:
        check_date("01-01-1899", earliest=date(1900, 1, 1), too_early="birth_date_too_early")
    assert caught.value.key == "birth_date_too_early"
    assert caught.value.params == {"date": "1900-01-01"}
    with pytest.raises(Invalid) as caught:
        check_date("03-12-2030", latest=date(2026, 1, 1))
    assert (caught.value.key, caught.value.params) == ("date_too_late", {"date": "2026-01-01"})
    # The bounds themselves are allowed.
    assert check_date("1900-01-01", earliest=date(1900, 1, 1)) == date(1900, 1, 1)
    assert check_date("2026-01-01", latest=date(2026, 1, 1)) == date(2026, 1, 1)


def test_date_parameters_are_written_in_the_users_language() -> None:
    problem = Invalid("document_expired", date="2026-03-05")
    assert localised_params(problem, "nl") == {"date": "5 maart 2026"}
    assert localised_params(problem, "en") == {"date": "5 March 2026"}
    assert localised_params(Invalid("too_long", max="100"), "nl") == {"max": "100"}


@pytest.mark.parametrize(
    "name",
    [
        "Zoë",
        "Ødegaard",
        "李小龙",
        "O'Brien",
        "O’Brien",
        "Saint-Exupéry",
        "van der Berg",
        "J. R. R.",
        "Zoe\u0308",  # e + combining diaeresis stays decomposed, as typed
        "Мария",
        "محمد",
        "Nguyễn Thị Minh",
        "Đặng",
        "ʻOkina",
    ],
)
def test_names_are_kept_exactly(name: str) -> None:
    assert check_name(name) == name


def test_names_only_lose_outer_whitespace_and_repeated_spaces() -> None:
    assert check_name("  van   der\u00a0 Berg \n") == "van der Berg"
    assert check_name("李\u3000小龙") == "李 小龙"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("R2D2", "name_chars"),
        ("<b>Eve</b>", "name_chars"),
        ("Tom & Jerry", "name_chars"),
        ("Ann\u200bie", "name_chars"),  # zero-width space
        ("Ann\u202eie", "name_chars"),  # right-to-left override
        ("Ann\u200die", "name_chars"),  # zero-width joiner
        ("Ann\x00ie", "name_chars"),
        ("Ann\nie", "name_chars"),
        ("Annie 😀", "name_chars"),
        ("Annie\ufe0f", "name_chars"),  # variation selector
        ("\u0308Annie", "name_chars"),  # combining mark without a letter
        ("Robert'); DROP TABLE", "name_chars"),
        ("'-.", "name_letters"),
        ("A" * 101, "too_long"),
        ("A" * 100_000, "too_long"),
    ],
)
def test_bad_names_are_refused_with_a_reason(name: str, key: str) -> None:
    assert invalid_key(check_name, name) == key


def test_name_length_limit_counts_characters() -> None:
    assert check_name("é" * 100) == "é" * 100
    with pytest.raises(Invalid) as caught:
        check_name("Anna", max_length=3)
    assert caught.value.params == {"max": "3"}


def test_free_text_allows_digits_and_punctuation_but_no_control_characters() -> None:
    assert check_text("  São   Paulo ") == "São Paulo"
    assert check_text("Arrondissement 14, Paris") == "Arrondissement 14, Paris"
    assert invalid_key(check_text, "Paris\nLyon") == "text_chars"
    assert invalid_key(check_text, "Paris\u202e") == "text_chars"
    assert invalid_key(check_text, "Par\u200bis") == "text_chars"
    assert invalid_key(check_text, "Par\u2028is") == "text_chars"
    assert invalid_key(check_text, "-- ..") == "text_letters"
    assert invalid_key(check_text, "03.05.1985") == "text_letters"
    assert invalid_key(check_text, "1234") == "text_letters"
    assert invalid_key(check_text, "x" * 101) == "too_long"
    assert invalid_key(check_text, "") == "empty"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anna@example.com", "anna@example.com"),
        ("  Anna.Smith+bot@Example.COM ", "Anna.Smith+bot@example.com"),
        ("zoë@bücher.de", "zoë@bücher.de"),
        ("a@b.co", "a@b.co"),
        ("x@xn--bcher-kva.de", "x@xn--bcher-kva.de"),
    ],
)
def test_email_addresses_are_accepted_with_domain_lower_cased(text: str, expected: str) -> None:
    assert check_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "anna",
        "anna@",
        "@example.com",
        "anna@example",
        "anna@@example.com",
        "an na@example.com",
        "anna@exa mple.com",
        "anna@example..com",
        "anna@-example.com",
        "anna@example.c",
        "anna@1.2.3.4",
        "<script>@example.com",
        ".anna@example.com",
        "an..na@example.com",
        "anna\x00@example.com",
    ],
)
def test_bad_email_addresses_are_refused(text: str) -> None:
    assert invalid_key(check_email, text) == "email_format"


def test_email_length_limit() -> None:
    assert invalid_key(check_email, "a" * 250 + "@example.com") == "too_long"
    assert invalid_key(check_email, "") == "empty"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06 12345678", "+31612345678"),
        ("0612345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("0031 6 12345678", "+31612345678"),
        ("043 350 4040", "+31433504040"),
        ("+49 151 23456789", "+4915123456789"),
        ("+1 (650) 253-0000", "+16502530000"),
        ("+31612345678", "+31612345678"),
    ],
)
def test_phone_numbers_become_e164(text: str, expected: str) -> None:
    assert check_phone(text) == expected


def test_bad_phone_numbers_are_refused() -> None:
    assert invalid_key(check_phone, "call me") == "phone_format"
    assert invalid_key(check_phone, "+31 6 FLOWERS") == "phone_format"
    assert invalid_key(check_phone, "06 1234") == "phone_invalid"
    assert invalid_key(check_phone, "+31 1234") == "phone_invalid"
    assert invalid_key(check_phone, "1" * 5000) == "phone_format"
    assert invalid_key(check_phone, "") == "empty"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6211 DW", "6211 DW"),
        ("6211dw", "6211 DW"),
        ("6211 dw", "6211 DW"),
        (" 6211DW ", "6211 DW"),
    ],
)
def test_postcodes_are_written_the_standard_way(text: str, expected: str) -> None:
    assert check_postcode(text) == expected


@pytest.mark.parametrize("text", ["621 DW", "62111 DW", "6211 D", "6211 ÄB", "6211-DW1", "DW 6211"])
def test_malformed_postcodes_are_refused(text: str) -> None:
    assert invalid_key(check_postcode, text) == "postcode_format"


@pytest.mark.parametrize("text", ["0000 AA", "0211 DW", "6211 SS", "6211 SA", "6211 sd"])
def test_well_formed_but_impossible_postcodes_get_their_own_message(text: str) -> None:
    assert invalid_key(check_postcode, text) == "postcode_impossible"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", "12"),
        ("12a", "12 A"),
        ("12 A", "12 A"),
        ("12-a", "12 A"),
        ("12-3", "12-3"),
        ("12 bis", "12-BIS"),
        ("12bis", "12-BIS"),
        ("12 A-1", "12 A-1"),
        ("12a 1", "12 A-1"),
        ("12 hs", "12-HS"),
        ("99999", "99999"),
        ("007", "7"),
    ],
)
def test_house_numbers_are_normalised(text: str, expected: str) -> None:
    assert check_house_number(text) == expected
    assert check_house_number(expected) == expected


@pytest.mark.parametrize("text", ["", "0", "100000", "123456", "a12", "12 abcde", "12-", "twelve"])
def test_impossible_house_numbers_are_refused(text: str) -> None:
    assert invalid_key(check_house_number, text) == "house_number_format"


def test_v_numbers_have_ten_digits() -> None:
    assert check_vnumber("1234567890") == "1234567890"
    assert check_vnumber("12 3456.7890") == "1234567890"
    for bad in ("123456789", "12345678901", "12345678a0", "１２３４５６７８９０", ""):
        assert invalid_key(check_vnumber, bad) == "vnumber_format"


def test_document_numbers_are_upper_cased_letters_and_digits() -> None:
    assert check_document_number("nx4f 8k2p1") == "NX4F8K2P1"
    for bad in ("12345", "A" * 21, "NX4F-8K2P", "NX4F8K2PÖ", ""):
        assert invalid_key(check_document_number, bad) == "document_number_format"


def test_every_key_used_has_a_message_in_both_languages() -> None:
    catalog = Catalog.load(CONTENT)
    source = "\n".join(
        (REPO / module).read_text(encoding="utf-8")
        for module in ("bot/domain/validators.py", "bot/domain/prereg_fields.py")
        if (REPO / module).exists()
    )
    used = set(re.findall(r'Invalid\(\s*"([a-z_]+)"', source))
    used |= set(re.findall(r'too_(?:early|late)="([a-z_]+)"', source))
    assert used
    for key in used:
        for lang in ("nl", "en"):
            assert f"validation.{key}" in catalog.keys(lang), (lang, key)
    for key in catalog.keys("en"):
        if key.startswith("validation."):
            en, nl = catalog.texts["en"][key], catalog.texts["nl"][key]
            assert placeholders(en) == placeholders(nl), key
