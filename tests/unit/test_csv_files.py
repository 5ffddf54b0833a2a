"""Every CSV the bot hands out is safe to open in a spreadsheet and reads back unchanged."""

from __future__ import annotations

import csv
import io

import pytest

from bot.domain.csv_files import csv_file, unguarded

DANGEROUS = ["=1+1", "+31 6 12345678", "-Bob", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_no_cell_starts_a_formula_and_each_reads_back(value: str) -> None:
    content = csv_file([["name"], [value]], delimiter=";")
    assert content.startswith(b"\xef\xbb\xbf")
    [_, [cell]] = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert cell == "'" + value and unguarded(cell) == value


def test_plain_cells_are_left_alone() -> None:
    content = csv_file([["Jan de Vries", 2, "it's"]])
    assert content.decode("utf-8-sig") == "Jan de Vries,2,it's\r\n"
    assert unguarded("'plain") == "'plain"
