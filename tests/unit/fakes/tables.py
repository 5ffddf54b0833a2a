"""The rows the in-memory repositories share, with the constraints the real schema enforces."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any


class ConstraintBroken(Exception):
    """What the database answers with an IntegrityError: a unique, CHECK or foreign key rule."""


def utc(moment: datetime) -> datetime:
    """Stored times are aware UTC, as UtcDateTime makes them; a naive one is refused."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the database")
    return moment.astimezone(UTC)


def maybe_utc(moment: datetime | None) -> datetime | None:
    """utc() for a nullable column."""
    return None if moment is None else utc(moment)


def json_copy(value: Any) -> Any:
    """What a JSON column gives back: tuples become lists, keys strings, and a date is refused."""
    return json.loads(json.dumps(value))


@dataclass
class UserRecord:
    """users."""

    language: str
    language_chosen: bool
    misses: int
    created_at: datetime
    updated_at: datetime


@dataclass
class DialogRecord:
    """dialogs."""

    user_id: int
    flow: str | None
    step: str | None
    answers: dict[str, Any]
    history: list[str]
    version: int
    updated_at: datetime


@dataclass
class FaqGapRecord:
    """faq_gaps."""

    text: str
    language: str
    asked_at: datetime


@dataclass
class EligibilityRecord:
    """eligibility_results."""

    outcome: str
    category: str
    answers: dict[str, Any]
    decided_at: datetime
    visit: str | None = None


@dataclass
class BookingRecord:
    """bookings."""

    id: int
    reference: str
    user_id: int
    chat_id: int
    location_id: str
    day: date
    start_at: datetime
    end_at: datetime
    visits: list[dict[str, Any]]
    party: list[dict[str, Any]]
    language: str
    status: str
    created_at: datetime
    updated_at: datetime
    attendance: str | None = None
    attendance_at: datetime | None = None
    bsn_issued_at: datetime | None = None


@dataclass
class UsageRecord:
    """slot_usage, keyed by (location, desk, slot)."""

    used: int
    capacity: int


@dataclass
class ClosureRecord:
    """closures."""

    location_id: str
    desk: str | None
    first_day: date
    last_day: date
    reason: str
    created_by: int
    created_at: datetime


@dataclass
class WaitRecord:
    """waitlist, keyed by booking id."""

    created_at: datetime
    notified_at: datetime | None = None


@dataclass
class OutboxRecord:
    """outbox."""

    id: int
    chat_id: int
    user_id: int | None
    booking_id: int | None
    kind: str
    due_at: datetime
    language: str
    payload: dict[str, Any]
    created_at: datetime
    status: str = "pending"
    attempts: int = 0
    last_error: str | None = None
    claim: str | None = None
    claimed_until: datetime | None = None
    sent_at: datetime | None = None


@dataclass
class StaffRecord:
    """staff, keyed by user id."""

    added_by: int
    added_at: datetime


@dataclass
class TicketRecord:
    """tickets (the name kept in clear: nothing here is at rest)."""

    id: int
    user_id: int
    chat_id: int
    language: str
    topic: str
    user_name: str
    status: str
    created_at: datetime
    alert_message_id: int | None = None
    thread_id: int | None = None
    claimed_by: int | None = None
    claimed_by_name: str | None = None
    rating: int | None = None
    claimed_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass
class RecentRecord:
    """recent_messages."""

    chat_id: int
    body: str
    at: datetime


@dataclass
class AuditRecord:
    """audit_log."""

    at: datetime
    actor_id: int
    action: str
    subject: str


@dataclass
class FormRecord:
    """preregistrations, keyed by booking id; the body is the form's JSON."""

    user_id: int
    body: str
    consent_at: datetime
    complete: bool
    updated_at: datetime
    submitted_at: datetime | None = None


@dataclass
class HrAccountRecord:
    """hr_accounts, keyed by user id."""

    chat_id: int
    kvk: str
    email: str
    language: str
    status: str
    notify: bool
    requested_at: datetime
    alert_message_id: int | None = None
    decided_by: int | None = None
    decided_at: datetime | None = None


@dataclass
class HireRecord:
    """hires; the body is the decrypted document."""

    id: int
    kvk: str
    created_by: int
    body: dict[str, Any]
    arrival_date: date
    route: str
    municipality: str
    family_count: int
    token_hash: str
    token_expires_at: datetime
    created_at: datetime
    opened_at: datetime | None = None
    user_id: int | None = None
    confirmed_at: datetime | None = None


@dataclass
class Tables:
    """Every table; a transaction works on a copy, so leaving it without commit forgets it."""

    users: dict[int, UserRecord] = field(default_factory=dict)
    dialogs: dict[int, DialogRecord] = field(default_factory=dict)
    processed_updates: dict[int, datetime] = field(default_factory=dict)
    faq_gaps: dict[int, FaqGapRecord] = field(default_factory=dict)
    eligibility: dict[int, EligibilityRecord] = field(default_factory=dict)
    bookings: dict[int, BookingRecord] = field(default_factory=dict)
    booking_cells: set[tuple[int, str, datetime]] = field(default_factory=set)
    slot_usage: dict[tuple[str, str, datetime], UsageRecord] = field(default_factory=dict)
    closures: dict[int, ClosureRecord] = field(default_factory=dict)
    waitlist: dict[int, WaitRecord] = field(default_factory=dict)
    outbox: dict[int, OutboxRecord] = field(default_factory=dict)
    staff: dict[int, StaffRecord] = field(default_factory=dict)
    tickets: dict[int, TicketRecord] = field(default_factory=dict)
    ticket_relays: dict[int, int] = field(default_factory=dict)
    recent_messages: dict[int, RecentRecord] = field(default_factory=dict)
    audit_log: dict[int, AuditRecord] = field(default_factory=dict)
    preregistrations: dict[int, FormRecord] = field(default_factory=dict)
    hr_accounts: dict[int, HrAccountRecord] = field(default_factory=dict)
    hires: dict[int, HireRecord] = field(default_factory=dict)
    last_ids: dict[str, int] = field(default_factory=dict)

    def new_id(self, table: str) -> int:
        """The next autoincrement id of a table."""
        self.last_ids[table] = self.last_ids.get(table, 0) + 1
        return self.last_ids[table]

    def copy(self) -> Tables:
        """An independent copy, for a transaction or a savepoint."""
        return copy.deepcopy(self)

    def restore(self, snapshot: Tables) -> None:
        """Puts a copy's contents back in place (repositories keep referring to this object)."""
        for column in fields(self):
            setattr(self, column.name, getattr(snapshot, column.name))

    def require_booking(self, booking_id: int | None) -> None:
        """The foreign key to bookings.id."""
        if booking_id is not None and booking_id not in self.bookings:
            raise ConstraintBroken(f"no booking {booking_id}")

    def delete_bookings(self, booking_ids: Iterable[int]) -> int:
        """Deletes bookings with what cascades (cells, waitlist, outbox, forms); usage stays."""
        gone = {i for i in booking_ids if i in self.bookings}
        for booking_id in gone:
            del self.bookings[booking_id]
            self.waitlist.pop(booking_id, None)
            self.preregistrations.pop(booking_id, None)
        self.booking_cells = {c for c in self.booking_cells if c[0] not in gone}
        self.outbox = {k: r for k, r in self.outbox.items() if r.booking_id not in gone}
        return len(gone)
