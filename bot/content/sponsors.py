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

from bot.domain.sponsors import SponsorRegister, normalise_kvk


def load_register(content_dir: Path) -> SponsorRegister:
    """The register in content/sponsors/, with the date it was taken."""
    folder = content_dir / "sponsors"
    with (folder / "register.toml").open("rb") as fh:
        meta = tomllib.load(fh)
    organisations: dict[str, str] = {}
    with (folder / "register.csv").open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            kvk = normalise_kvk(row.get("kvk") or "")
            name = (row.get("organisation") or "").strip()
            if kvk is None or not name:
                raise ValueError(
                    f"{folder / 'register.csv'} line {line}: need organisation and 8-digit kvk"
                )
            organisations[kvk] = name
    return SponsorRegister(
        meta["taken_on"], meta["source"], bool(meta.get("sample")), organisations
    )


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
REGISTER_HEADER = """\
# Metadata of the bundled copy of the IND public register of recognised sponsors
# (register.csv beside this file: organisation,kvk). Replace both with
# `onestop sponsors import FILE` after downloading the current register.
"""


class RegisterError(ValueError):
    """A register file that cannot be imported; the message names the row."""


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
    source: Path, content_dir: Path, *, taken_on: date, source_url: str | None
) -> int:
    """Replaces the bundled register with a checked CSV; returns how many organisations it holds."""
    organisations = read_register_csv(source)
    if source_url is not None and (
        not source_url.startswith(("https://", "http://"))
        or any(c.isspace() or not c.isprintable() for c in source_url)
    ):
        raise RegisterError(f"--source: {source_url[:80]!r} is not an http(s) address")
    folder = content_dir / "sponsors"
    if not folder.is_dir():
        raise RegisterError(f"{folder}: no such folder")
    if source_url is None:
        try:
            with (folder / "register.toml").open("rb") as fh:
                source_url = str(tomllib.load(fh).get("source") or DEFAULT_SOURCE)
        except (OSError, tomllib.TOMLDecodeError):
            source_url = DEFAULT_SOURCE
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["organisation", "kvk"])
    writer.writerows((name, kvk) for kvk, name in organisations.items())
    meta = (
        f"{REGISTER_HEADER}taken_on = {taken_on.isoformat()}\n"
        f"source = {json.dumps(source_url, ensure_ascii=False)}\n"
        "sample = false\n"
    )
    _write_atomically(folder / "register.csv", out.getvalue())
    _write_atomically(folder / "register.toml", meta)
    return len(organisations)
