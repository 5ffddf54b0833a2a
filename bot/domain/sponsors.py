"""The public register of recognised sponsors, one list per category, by KvK number or name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process, utils

SEARCH_MIN = 2  # characters of a name search, fewer match everything
SEARCH_MAX = 100  # characters of a name search, more is not a name
SEARCH_LIMIT = 5  # choices offered
SEARCH_CUTOFF = 60  # rapidfuzz WRatio score below which a name is not offered


def normalise_kvk(text: str) -> str | None:
    """An 8-digit KvK number from what was typed ('1234 5678' too), else None."""
    digits = "".join(c for c in text if not c.isspace())
    if len(digits) == 8 and digits.isascii() and digits.isdigit():
        return digits
    return None


@dataclass(frozen=True)
class RegisterList:
    """One category's list (work, research …): KvK number -> organisation, with its date."""

    category: str
    taken_on: date
    source: str
    organisations: Mapping[str, str]
    sample: bool = False  # invented demonstration data, not the IND's list


@dataclass(frozen=True)
class SponsorRegister:
    """A dated copy of the register, by category."""

    lists: Mapping[str, RegisterList]
    _names: dict[str, tuple[list[str], list[str]]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    @property
    def sample(self) -> bool:
        """Whether any list is demonstration data (the bot then says so)."""
        return any(found.sample for found in self.lists.values())

    @property
    def taken_on(self) -> date:
        """The date of the work list (the one most checks use), else the oldest list."""
        work = self.lists.get("work")
        if work is not None:
            return work.taken_on
        return min((r.taken_on for r in self.lists.values()), default=date.min)

    def list_of(self, category: str) -> RegisterList | None:
        """The list of one category, if the register has it."""
        return self.lists.get(category)

    def lookup(self, kvk: str, category: str | None = None) -> str | None:
        """The organisation recognised under this KvK number (in one category, or in any)."""
        chosen = self.lists.values() if category is None else [self.lists.get(category)]
        for found in chosen:
            if found is not None and kvk in found.organisations:
                return found.organisations[kvk]
        return None

    def search(self, category: str, text: str) -> list[tuple[str, str]]:
        """Up to five (KvK number, organisation) whose names match part of a name."""
        found = self.lists.get(category)
        if found is None:
            return []
        if category not in self._names:
            self._names[category] = (list(found.organisations), list(found.organisations.values()))
        numbers, names = self._names[category]
        matches = process.extract(
            text,
            names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=SEARCH_LIMIT,
            score_cutoff=SEARCH_CUTOFF,
        )
        return [(numbers[index], name) for name, _score, index in matches]
