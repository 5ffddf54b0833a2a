"""Reads the IND's public register page, saved as HTML, into KvK number -> organisation.

The page (one per category) is a table whose rows carry the organisation in the row header and
the KvK number in a cell, and a "Last updated on …" line (facts.md section 2, CODE-REG). The
standard library's html.parser does the reading; script and style contents are never text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from bot.domain.sponsors import normalise_kvk
from bot.domain.validators import parse_loose_date

MAX_PAGE_BYTES = 20 * 1024 * 1024  # the work list (~13,000 rows) is a few MB; more is not it
MIN_PAGE_ROWS = 50  # a page with fewer rows is a broken or partial download
# Applied to the page's text (never to its HTML): "Last updated on 1 December 2026",
# "Laatst bijgewerkt op 1 december 2026", also with a numeric date.
UPDATED = re.compile(
    r"(?:last\s+updated(?:\s+on)?|laatst\s+bijgewerkt(?:\s+op)?|bijgewerkt\s+op)\s*:?\s*"
    r"(\d{1,2}\s+[a-z]+\.?\s+\d{4}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
SKIPPED = frozenset({"script", "style", "template", "noscript"})


class RegisterError(ValueError):
    """A register file that cannot be imported; the message names the row."""


@dataclass(frozen=True)
class RegisterPage:
    """What one saved page holds."""

    organisations: dict[str, str]
    updated_on: date
    rows: int


class _TableReader(HTMLParser):
    """Collects table rows as (header cells, data cells) and the page's visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[list[str], list[str]]] = []
        self.text: list[str] = []
        self._skip = 0
        self._row: tuple[list[str], list[str]] | None = None
        self._cell: list[str] | None = None
        self._cell_kind = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skip += 1
        elif tag == "tr":
            self._close_row()
            self._row = ([], [])
        elif tag in ("th", "td") and self._row is not None:
            self._close_cell()
            self._cell, self._cell_kind = [], tag

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in ("th", "td"):
            self._close_cell()
        elif tag in ("tr", "table", "tbody", "thead"):
            self._close_row()
        elif tag in ("p", "div", "br", "li", "span", "time"):
            self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def _close_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).split())
            (self._row[0] if self._cell_kind == "th" else self._row[1]).append(text)
        self._cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if self._row is not None and (self._row[0] or self._row[1]):
            self.rows.append(self._row)
        self._row = None

    def close(self) -> None:
        super().close()
        self._close_row()


def is_html(path: Path) -> bool:
    """Whether a file is a saved web page rather than a CSV (by name, else by its first bytes)."""
    if path.suffix.lower() in (".html", ".htm"):
        return True
    try:
        with path.open("rb") as fh:
            start = fh.read(512).lstrip().lower()
    except OSError:
        return False
    return start.startswith((b"<!doctype html", b"<html", b"\xef\xbb\xbf<"))


def _updated_on(text: str, source: Path) -> date:
    match = UPDATED.search(" ".join(text.split()))
    if match is None:
        raise RegisterError(f"{source}: no 'Last updated on' date on the page")
    updated = parse_loose_date(match[1])  # the same reading of dates as everywhere else
    if updated is None:
        raise RegisterError(f"{source}: {match.group(0)[:60]!r} is not a date I can read")
    return updated


def read_register_page(source: Path) -> RegisterPage:
    """The page's organisations and date; raises RegisterError naming the first problem."""
    try:
        size = source.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise RegisterError(
                f"{source}: {size // (1024 * 1024)} MB is too large for a register page"
                f" (at most {MAX_PAGE_BYTES // (1024 * 1024)} MB)"
            )
        data = source.read_bytes()
    except OSError as exc:
        raise RegisterError(f"{source}: cannot read the file ({type(exc).__name__})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegisterError(f"{source}: not a UTF-8 web page") from None
    reader = _TableReader()
    reader.feed(text)
    reader.close()
    organisations: dict[str, str] = {}
    rows = 0
    for number, (headers, cells) in enumerate(reader.rows, start=1):
        if not cells:
            continue  # the column header row
        if headers:
            name, raw = headers[0], cells[0]
        elif len(cells) >= 2:
            name, raw = cells[0], cells[1]
        else:
            continue
        rows += 1
        kvk = normalise_kvk(raw)
        if not name:
            raise RegisterError(f"{source} table row {number}: the organisation name is empty")
        if kvk is None:
            raise RegisterError(
                f"{source} table row {number}: {raw[:20]!r} is not an 8-digit KvK number"
            )
        organisations.setdefault(kvk, name)
    updated_on = _updated_on("".join(reader.text), source)
    if updated_on > date.today():
        raise RegisterError(f"{source}: last updated on {updated_on.isoformat()}, in the future")
    return RegisterPage(organisations, updated_on, rows)
