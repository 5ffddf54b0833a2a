"""The CSV files the bot hands out: one writer, so no cell ever runs as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def formula_safe(value: object) -> str:
    """The cell as text, with a leading apostrophe when a spreadsheet would run it as a formula."""
    text = str(value)
    return GUARD + text if text.startswith(FORMULA_START) else text


def unguarded(cell: str) -> str:
    """A cell read back from one of our files as it was before formula_safe guarded it."""
    return cell[1:] if cell.startswith(GUARD) and cell[1:].startswith(FORMULA_START) else cell


def csv_file(rows: Iterable[Sequence[object]], *, delimiter: str = ",") -> bytes:
    """UTF-8 with a BOM (so Excel reads the accents), CRLF lines, every cell formula-safe."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([formula_safe(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")
