"""The public register of recognised sponsors, looked up by KvK number."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


def normalise_kvk(text: str) -> str | None:
    """An 8-digit KvK number from what was typed ('1234 5678' too), else None."""
    digits = "".join(c for c in text if not c.isspace())
    if len(digits) == 8 and digits.isascii() and digits.isdigit():
        return digits
    return None


@dataclass(frozen=True)
class SponsorRegister:
    """A dated copy of the register: KvK number -> organisation name."""

    taken_on: date
    source: str
    sample: bool
    organisations: Mapping[str, str]

    def lookup(self, kvk: str) -> str | None:
        """The organisation recognised under this KvK number, if any."""
        return self.organisations.get(kvk)
