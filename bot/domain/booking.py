"""A booked visit: who comes, when, and the reference people quote."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Role = Literal["main", "partner", "child"]
Status = Literal["active", "cancelled"]
# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a reference read over the phone cannot be misheard.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 4


def new_reference(prefix: str) -> str:
    """A short, unguessable-enough booking reference such as MST-7KQ3."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{prefix}-{code}"


def normalise_reference(text: str) -> str:
    """Accepts 'mst 7kq3', 'MST-7KQ3' or 'mst7kq3' as typed."""
    cleaned = "".join(c for c in text.upper() if c.isalnum())
    return (
        f"{cleaned[:-REFERENCE_LENGTH]}-{cleaned[-REFERENCE_LENGTH:]}"
        if len(cleaned) > 4
        else cleaned
    )


@dataclass(frozen=True)
class PartyMember:
    """One person in the party; names are collected later, in pre-registration."""

    role: Role


def party_of(partner: bool, children: int) -> tuple[PartyMember, ...]:
    """The main applicant, the partner if any, then the children."""
    members = [PartyMember("main")]
    if partner:
        members.append(PartyMember("partner"))
    members.extend(PartyMember("child") for _ in range(children))
    return tuple(members)


@dataclass(frozen=True)
class BookedVisit:
    """One step of a booked itinerary, as stored."""

    step: str
    desk: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Booking:
    """An appointment as the services see it."""

    id: int
    reference: str
    user_id: int
    chat_id: int
    location_id: str
    day: date
    start: datetime
    end: datetime
    visits: tuple[BookedVisit, ...]
    party: tuple[PartyMember, ...]
    language: str
    status: Status
    attendance: str | None = None
    bsn_issued_at: datetime | None = None
    revision: int = 0  # seconds from booking to its last change: the .ics SEQUENCE, grows

    @property
    def party_size(self) -> int:
        """How many people come."""
        return len(self.party)
