"""Reads and replaces the bundled copy of the recognised-sponsor register."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import tomllib
from datetime import date
from pathlib import Path

from bot.content.register_page import (
    MIN_PAGE_ROWS,
    RegisterError,
    is_html,
    read_register_page,
)
from bot.domain.sponsors import RegisterList, SponsorRegister, normalise_kvk

__all__ = ["RegisterError", "import_register", "load_register", "read_register_csv"]


CATEGORIES = ("work", "research")  # the IND lists the bot checks: Arbeid and Onderzoek


def load_register(content_dir: Path) -> SponsorRegister:
    """The register in content/sponsors/, each category with the date it was taken."""
    folder = content_dir / "sponsors"
    with (folder / "register.toml").open("rb") as fh:
        meta = tomllib.load(fh)
    dates: dict[str, tuple[date, str, bool]] = {
        category: (raw["taken_on"], str(raw["source"]), bool(raw.get("sample")))
        for category, raw in meta.get("categories", {}).items()
    }
    if not dates and "taken_on" in meta:  # a copy from before the categories: the work list
        dates["work"] = (
            meta["taken_on"],
            str(meta.get("source") or DEFAULT_SOURCE),
            bool(meta.get("sample")),
        )
    organisations: dict[str, dict[str, str]] = {category: {} for category in dates}
    with (folder / "register.csv").open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            kvk = normalise_kvk(row.get("kvk") or "")
            name = (row.get("organisation") or "").strip()
            category = (row.get("category") or "work").strip()
            if kvk is None or not name or category not in organisations:
                raise ValueError(
                    f"{folder / 'register.csv'} line {line}: need organisation, 8-digit kvk"
                    f" and a category of register.toml ({', '.join(sorted(organisations))})"
                )
            organisations[category].setdefault(kvk, name)
    lists = {
        category: RegisterList(category, taken, source, organisations[category], sample)
        for category, (taken, source, sample) in dates.items()
    }
    return SponsorRegister(lists)


# Headers the import recognises (compared lower-case, letters and digits only): the IND's own
# table headers in English and Dutch, and the plain names of the bundled copy.
ORGANISATION_HEADERS = frozenset(
    {
        "organisation",
        "organization",
        "organisatie",
        "name",
        "naam",
        "organisationname",
        "organisatienaam",
        "bedrijfsnaam",
        "companyname",
    }
)
KVK_HEADERS = frozenset(
    {
        "kvk",
        "kvknumber",
        "kvknummer",
        "kvknr",
        "kvkno",
        "chamberofcommercenumber",
        "chamberofcommerce",
    }
)
DEFAULT_SOURCE = (
    "https://ind.nl/en/public-register-recognised-sponsors/"
    "public-register-regular-labour-and-highly-skilled-migrants"
)
DEFAULT_SOURCES = {
    "work": DEFAULT_SOURCE,
    "research": "https://ind.nl/en/public-register-recognised-sponsors",
}
REGISTER_HEADER = """\
# Metadata of the bundled copy of the IND public register of recognised sponsors, one table per
# category (register.csv beside this file: organisation,kvk,category). Replace a category with
# `onestop sponsors import FILE --category work|research` (the saved ind.nl page or a CSV);
# docs/operations.md describes the monthly refresh.
"""


def _header_key(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _decode_register(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def read_register_csv(source: Path) -> dict[str, str]:
    """KvK number -> organisation from a CSV; raises RegisterError naming the first bad row."""
    try:
        text = _decode_register(source.read_bytes())
    except (OSError, UnicodeDecodeError) as exc:
        raise RegisterError(f"{source}: cannot read the file ({type(exc).__name__})") from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(rows, None)
        if header is None:
            raise RegisterError(f"{source}: the file is empty")
        keys = [_header_key(title) for title in header]
        name_at = next((i for i, k in enumerate(keys) if k in ORGANISATION_HEADERS), None)
        kvk_at = next((i for i, k in enumerate(keys) if k in KVK_HEADERS), None)
        if name_at is None or kvk_at is None:
            raise RegisterError(
                f"{source} row 1: need an organisation column (Organisation, Organisatie, name)"
                " and a KvK column (KvK number, KvK-nummer, kvk)"
            )
        organisations: dict[str, str] = {}
        for number, cells in enumerate(rows, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            name = cells[name_at].strip() if name_at < len(cells) else ""
            raw = cells[kvk_at].strip() if kvk_at < len(cells) else ""
            kvk = normalise_kvk(raw)
            if not name:
                raise RegisterError(f"{source} row {number}: the organisation name is empty")
            if kvk is None:
                hint = " (a spreadsheet may have dropped a leading 0)" if raw.isdigit() else ""
                raise RegisterError(
                    f"{source} row {number}: {raw[:20]!r} is not an 8-digit KvK number{hint}"
                )
            organisations.setdefault(kvk, " ".join(name.split()))
    except csv.Error as exc:
        raise RegisterError(f"{source}: not a readable CSV file ({exc})") from None
    if not organisations:
        raise RegisterError(f"{source}: no organisations found")
    return organisations


def _write_atomically(path: Path, text: str) -> None:
    """Writes beside the target, then renames over it: readers see the old or the new file."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def import_register(
    source: Path,
    content_dir: Path,
    *,
    taken_on: date | None,
    source_url: str | None,
    category: str = "work",
    min_rows: int | None = None,
) -> int:
    """Replaces one category of the bundled register with a checked file; returns its size.

    An HTML file is read as the IND's saved register page (its own "last updated" date wins);
    anything else as CSV, dated `taken_on`. Nothing changes when any check fails.
    """
    if category not in CATEGORIES:
        raise RegisterError(f"--category: {category[:20]!r} is not one of {', '.join(CATEGORIES)}")
    if source_url is not None and (
        not source_url.startswith(("https://", "http://"))
        or any(c.isspace() or not c.isprintable() for c in source_url)
    ):
        raise RegisterError(f"--source: {source_url[:80]!r} is not an http(s) address")
    if is_html(source):
        page = read_register_page(source)
        organisations, day = page.organisations, page.updated_on
        least = MIN_PAGE_ROWS if min_rows is None else min_rows
    else:
        organisations = read_register_csv(source)
        day = taken_on or date.today()
        least = 1 if min_rows is None else min_rows
    folder = content_dir / "sponsors"
    if not folder.is_dir():
        raise RegisterError(f"{folder}: no such folder")
    try:
        current = load_register(content_dir)
    except (OSError, ValueError, KeyError, tomllib.TOMLDecodeError):
        current = None
    previous = current.list_of(category) if current is not None else None
    if len(organisations) < least:
        raise RegisterError(
            f"{source}: only {len(organisations)} organisations, fewer than {least}:"
            " not a whole register page (use --min-rows to accept it)"
        )
    if (
        min_rows is None
        and previous is not None
        and current is not None
        and not previous.sample
        and len(organisations) < len(previous.organisations) // 2
    ):
        raise RegisterError(
            f"{source}: {len(organisations)} organisations, less than half of the"
            f" {len(previous.organisations)} in the current {category} list"
            " (use --min-rows to accept it)"
        )
    if source_url is None:
        source_url = previous.source if previous is not None else DEFAULT_SOURCES[category]
    lists: dict[str, RegisterList] = dict(current.lists) if current is not None else {}
    lists[category] = RegisterList(category, day, source_url, organisations, sample=False)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["organisation", "kvk", "category"])
    for found in lists.values():
        writer.writerows((name, kvk, found.category) for kvk, name in found.organisations.items())
    tables = "".join(
        f"\n[categories.{found.category}]\n"
        f"taken_on = {found.taken_on.isoformat()}\n"
        f"source = {json.dumps(found.source, ensure_ascii=False)}\n"
        f"sample = {'true' if found.sample else 'false'}\n"
        for found in lists.values()
    )
    meta = f"{REGISTER_HEADER}{tables}"
    _write_atomically(folder / "register.csv", out.getvalue())
    _write_atomically(folder / "register.toml", meta)
    return len(organisations)
