"""Typed numbers: only plain ASCII digits within bounds ever reach int()."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.dates import parse_staff_date
from bot.domain.numbers import TELEGRAM_ID_MAX, plain_int


@pytest.mark.parametrize("text", ["²", "١", "１", "-1", "1.5", "", " ", "9" * 40, "0x10", "1e3"])
def test_odd_digits_signs_and_huge_numbers_are_refused(text: str) -> None:
    assert plain_int(text, maximum=TELEGRAM_ID_MAX) is None


def test_plain_numbers_within_bounds_are_read() -> None:
    assert plain_int(" 7101 ", maximum=TELEGRAM_ID_MAX) == 7101
    assert plain_int("10", maximum=9) is None
    assert plain_int(str(TELEGRAM_ID_MAX), maximum=TELEGRAM_ID_MAX) == TELEGRAM_ID_MAX


@given(st.text(max_size=30))
def test_any_text_gives_a_bounded_number_or_none(text: str) -> None:
    value = plain_int(text, maximum=1000)
    assert value is None or 0 <= value <= 1000


@pytest.mark.parametrize("text", ["²-12-2026", "3-١٢-2026", "3-12-99999999999", "99999-1-1"])
def test_staff_dates_with_odd_digits_or_huge_years_are_refused(text: str) -> None:
    assert parse_staff_date(text, date(2026, 12, 6)) is None
