"""Which municipality a Dutch postcode lies in, as the dialogs ask it: behind a Protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

AddressCheck = Literal["ok", "unchecked", "confirmed"]
CHECK_KEY = "address_check"  # stored beside the answers: how the postcode was checked


@dataclass(frozen=True)
class PostcodeArea:
    """The municipality a postcode lies in, by its CBS code ('GM0935') and name."""

    code: str
    name: str


class PostcodeLookup(Protocol):
    """The national address register; None when it cannot say (down, slow, unknown postcode)."""

    async def area(self, postcode: str) -> PostcodeArea | None: ...


class NoLookup:
    """Used when no register is configured: every postcode stays unchecked."""

    async def area(self, postcode: str) -> PostcodeArea | None:
        """Never knows."""
        return None


def cbs_code(value: object) -> str | None:
    """'0935', '935' or 'GM0935' -> 'GM0935'; None when it is not a municipality code."""
    text = str(value).strip().upper().removeprefix("GM")
    if not text.isascii() or not text.isdigit() or not 1 <= len(text) <= 4:
        return None
    return f"GM{text.zfill(4)}"
