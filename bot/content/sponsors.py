"""Reads and replaces the bundled copy of the recognised-sponsor register."""

from __future__ import annotations

import csv
import tomllib
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
