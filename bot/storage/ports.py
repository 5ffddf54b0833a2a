"""What each repository offers, as Protocols: the SQL classes and the tests' in-memory fakes fit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from bot.domain.booking import BookedVisit, Booking, PartyMember, Status
from bot.domain.dialog import Dialog
from bot.domain.handoff import Ticket
from bot.domain.hr import AccountStatus, Hire, HireOverview, HrAccount
from bot.domain.language import Language
from bot.domain.outbox import OutboxKind, OutboxMessage
from bot.domain.prereg import Person, Preregistration
from bot.domain.users import UserProfile
from bot.storage.report_queries import AskedGap, BookingFact, OutboxCount, TicketTimes

if TYPE_CHECKING:  # the storage layer needs only the draft's shape
    from bot.domain.hires import HireDraft

Cell = tuple[str, datetime]


class UserStore(Protocol):
    """Users' language preferences."""

    async def get(self, user_id: int) -> UserProfile | None: ...

    async def save(self, profile: UserProfile, now: datetime) -> None: ...


class DialogStore(Protocol):
    """The conversation state per chat."""

    async def get(self, chat_id: int) -> Dialog: ...

    async def save(self, chat_id: int, user_id: int, dialog: Dialog, now: datetime) -> None: ...


class UpdateStore(Protocol):
    """Applied update ids."""

    async def prune(self, before: datetime) -> int: ...

    async def highest(self) -> int: ...


class FaqGapStore(Protocol):
    """Unanswered questions."""

    async def record(self, text_: str, language: Language, now: datetime) -> None: ...

    async def purge(self, before: datetime) -> int: ...

    async def most_frequent(self, limit: int = 20) -> list[tuple[str, str, int]]: ...


class ChatStateStore(Protocol):
    """A chat's user and dialog, read and written on every update."""

    async def load(
        self, chat_id: int, user_id: int
    ) -> tuple[UserProfile | None, Dialog | None]: ...

    async def save_user(self, profile: UserProfile, now: datetime, *, exists: bool) -> None: ...

    async def save_dialog(
        self, chat_id: int, user_id: int, dialog: Dialog, now: datetime, *, exists: bool
    ) -> None: ...

    async def record_update(self, update_id: int, now: datetime) -> bool: ...


class OutboxStore(Protocol):
    """Scheduled messages and their delivery state."""

    async def add(
        self,
        *,
        chat_id: int,
        kind: OutboxKind,
        due: datetime,
        language: str,
        now: datetime,
        user_id: int | None = None,
        booking_id: int | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> None: ...

    async def drop(self, booking_id: int, kinds: Iterable[str] | None = None) -> int: ...

    async def has_open_kind(self, kind: str) -> bool: ...

    async def pending_payloads(self, kind: str) -> list[dict[str, Any]]: ...

    async def pending_due_times(self) -> list[datetime]: ...

    async def claim_due(
        self, now: datetime, limit: int, token: str, lease: timedelta, *, max_attempts: int = 6
    ) -> list[OutboxMessage]: ...

    async def finish(
        self,
        message_id: int,
        status: str,
        now: datetime,
        error: str = "",
        *,
        claim: str | None = None,
    ) -> bool: ...

    async def retry(
        self, message_id: int, due: datetime, error: str, *, claim: str | None = None
    ) -> bool: ...

    async def postpone(
        self, message_id: int, due: datetime, *, claim: str | None = None
    ) -> bool: ...

    async def counts(self) -> dict[str, int]: ...

    async def for_booking(self, booking_id: int) -> list[tuple[str, datetime, str]]: ...


class StaffStore(Protocol):
    """Who counts as staff besides the admins."""

    async def contains(self, user_id: int) -> bool: ...

    async def add(self, user_id: int, by: int, now: datetime) -> bool: ...

    async def remove(self, user_id: int) -> bool: ...

    async def all(self) -> list[int]: ...


class TicketStore(Protocol):
    """Tickets and the staff-chat messages that belong to them."""

    async def create(
        self, user_id: int, chat_id: int, language: str, topic: str, name: str, now: datetime
    ) -> Ticket: ...

    async def get(self, ticket_id: int) -> Ticket | None: ...

    async def active_for_user(self, user_id: int) -> Ticket | None: ...

    async def by_staff_message(self, message_id: int) -> Ticket | None: ...

    async def remember_message(
        self, ticket_id: int, message_id: int, *, alert: bool, thread_id: int | None = None
    ) -> None: ...

    async def by_thread(self, thread_id: int) -> Ticket | None: ...

    async def claim(self, ticket_id: int, staff_id: int, name: str, now: datetime) -> bool: ...

    async def close(self, ticket_id: int, now: datetime) -> bool: ...

    async def rate(self, ticket_id: int, user_id: int, rating: int) -> bool: ...

    async def position(self, ticket: Ticket) -> int: ...

    async def open_count(self) -> int: ...


class RecentStore(Protocol):
    """The user's last few texts, for the hand-off alert."""

    async def add(self, chat_id: int, text: str, now: datetime, keep: int) -> None: ...

    async def last(self, chat_id: int, count: int) -> list[str]: ...


class AuditStore(Protocol):
    """Every staff action, without content."""

    async def record(self, actor_id: int, action: str, subject: str, now: datetime) -> None: ...


class BookingStore(Protocol):
    """Bookings and the capacity they hold."""

    async def add(
        self,
        *,
        reference: str,
        user_id: int,
        chat_id: int,
        location_id: str,
        visits: tuple[BookedVisit, ...],
        party: tuple[PartyMember, ...],
        language: str,
        now: datetime,
    ) -> Booking: ...

    async def reference_taken(self, reference: str) -> bool: ...

    async def active_for_user(self, user_id: int) -> Booking | None: ...

    async def get(self, booking_id: int) -> Booking | None: ...

    async def by_reference(self, reference: str) -> Booking | None: ...

    async def active_on(self, location_id: str, day: date) -> list[Booking]: ...

    async def bsn_pending(self, due_before: date) -> list[Booking]: ...

    async def active_between(self, location_id: str, first: date, last: date) -> list[Booking]: ...

    async def change(
        self,
        booking_id: int,
        now: datetime,
        *,
        visits: tuple[BookedVisit, ...] | None = None,
        party: tuple[PartyMember, ...] | None = None,
        status: Status | None = None,
        attendance: str | None = None,
        bsn_issued: bool = False,
    ) -> Booking: ...

    async def hold(
        self, booking_id: int, location_id: str, cells: Iterable[Cell], capacity: Mapping[str, int]
    ) -> None: ...

    async def release(self, booking_id: int, location_id: str) -> list[Cell]: ...

    async def usage(
        self,
        location_id: str,
        start: datetime,
        end: datetime,
        full_at: Mapping[str, int] | None = None,
    ) -> dict[Cell, int]: ...


class EligibilityStore(Protocol):
    """The latest outcome of each user's eligibility check."""

    async def save(
        self,
        user_id: int,
        outcome: str,
        category: str,
        answers: Mapping[str, Any],
        now: datetime,
        *,
        visit: str | None = None,
    ) -> None: ...

    async def get(self, user_id: int) -> tuple[str, str, dict[str, Any]] | None: ...

    async def visit_of(self, user_id: int) -> str | None: ...


class ClosureStore(Protocol):
    """Days or desks staff closed."""

    async def add(
        self,
        location_id: str,
        desk: str | None,
        first: date,
        last: date,
        reason: str,
        by: int,
        now: datetime,
    ) -> None: ...

    async def between(
        self, location_id: str, first: date, last: date
    ) -> list[tuple[date, date, str | None, str]]: ...


class WaitlistStore(Protocol):
    """Who wants an earlier day."""

    async def join(self, booking_id: int, now: datetime) -> None: ...

    async def leave(self, booking_id: int) -> None: ...

    async def is_waiting(self, booking_id: int) -> bool: ...

    async def waiting_later_than(
        self, location_id: str, day: date, limit: int
    ) -> list[Booking]: ...

    async def mark_notified(self, booking_id: int, now: datetime) -> None: ...


class HrAccountStore(Protocol):
    """Who may act as HR of which sponsor."""

    async def get(self, user_id: int) -> HrAccount | None: ...

    async def request(
        self, user_id: int, chat_id: int, kvk: str, email: str, language: str, now: datetime
    ) -> HrAccount: ...

    async def decide(
        self,
        user_id: int,
        status: AccountStatus,
        by: int,
        now: datetime,
        *,
        only_from: Sequence[AccountStatus],
    ) -> HrAccount | None: ...

    async def set_notify(self, user_id: int, notify: bool) -> None: ...

    async def listing(self, limit: int = 50) -> list[HrAccount]: ...

    async def notify_targets(self, kvk: str) -> list[HrAccount]: ...


class HireStore(Protocol):
    """Hires of sponsors, scoped by the sponsor's KvK number."""

    def seal(self, text: str) -> str: ...

    def unseal(self, token: str) -> str: ...

    async def registered(self, kvk: str) -> list[Hire]: ...

    async def create(
        self,
        draft: HireDraft,
        *,
        kvk: str,
        created_by: int,
        token_hash: str,
        expires_at: datetime,
        now: datetime,
    ) -> Hire: ...

    async def by_token_hash(self, token_hash: str) -> Hire | None: ...

    async def of_sponsor(self, hire_id: int, kvk: str) -> Hire | None: ...

    async def of_user(self, hire_id: int, user_id: int) -> Hire | None: ...

    async def count_for_sponsor(self, kvk: str) -> int: ...

    async def page_for_sponsor(self, kvk: str, offset: int, limit: int) -> list[HireOverview]: ...

    async def renew_token(
        self, hire_id: int, kvk: str, token_hash: str, expires_at: datetime
    ) -> bool: ...

    async def bind(self, hire_id: int, user_id: int, now: datetime) -> bool: ...

    async def correct(
        self, hire_id: int, user_id: int, column: str, value: object
    ) -> Hire | None: ...

    async def confirm(self, hire_id: int, user_id: int, now: datetime) -> None: ...

    async def bound_to(self, user_id: int) -> list[Hire]: ...

    async def for_user(self, user_id: int) -> Hire | None: ...

    async def forget_user(self, user_id: int) -> int: ...

    async def purge_personal_data(self, older_than: datetime) -> int: ...


class PreregStore(Protocol):
    """Pre-registration forms, one per booking."""

    async def get(self, booking_id: int) -> Preregistration | None: ...

    async def create(
        self, booking_id: int, user_id: int, persons: Sequence[Person], now: datetime
    ) -> Preregistration: ...

    async def save(self, form: Preregistration, now: datetime) -> None: ...

    async def completeness(self, booking_ids: Iterable[int]) -> dict[int, bool]: ...

    async def for_user(self, user_id: int) -> list[Preregistration]: ...

    async def delete(self, booking_id: int) -> None: ...

    async def delete_for_user(self, user_id: int) -> int: ...

    async def purge_visited_before(self, day: date) -> int: ...


class PersonalStore(Protocol):
    """Everything stored about one person, to show it and to erase it."""

    async def export(self, user_id: int, chat_id: int) -> dict[str, Any]: ...

    async def erase(self, user_id: int, chat_id: int, now: datetime) -> dict[str, int]: ...

    async def purge(self, visited_before: date, older_than: datetime) -> dict[str, int]: ...


class ReportStore(Protocol):
    """The report's reads: plain rows for the figures."""

    async def bookings(
        self, first: date, last: date, location_id: str | None
    ) -> tuple[BookingFact, ...]: ...

    async def invited_users(self) -> frozenset[int]: ...

    async def outbox_counts(
        self, start: datetime, end: datetime, location_id: str | None
    ) -> tuple[OutboxCount, ...]: ...

    async def tickets_opened(self, start: datetime, end: datetime) -> tuple[TicketTimes, ...]: ...

    async def gaps_asked(self, start: datetime, end: datetime) -> tuple[AskedGap, ...]: ...

    async def new_users(self, start: datetime, end: datetime) -> dict[str, int]: ...
