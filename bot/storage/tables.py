"""The database schema; alembic migrations are written against it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware UTC times and gives them back aware, also on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Shared metadata with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)


class UserRow(Base):
    """A Telegram user's preferences; no personal data."""

    __tablename__ = "users"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(2))
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    misses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DialogRow(Base):
    """The conversation state of one chat."""

    __tablename__ = "dialogs"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    flow: Mapped[str | None] = mapped_column(String(40), nullable=True)
    step: Mapped[str | None] = mapped_column(String(60), nullable=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    history: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProcessedUpdateRow(Base):
    """Update ids already applied, so a redelivered update changes nothing twice."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class FaqGapRow(Base):
    """A question no FAQ entry answered well, kept without who asked it."""

    __tablename__ = "faq_gaps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2))
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class EligibilityRow(Base):
    """A user's latest eligibility outcome; booking requires a positive one."""

    __tablename__ = "eligibility_results"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    outcome: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    visit: Mapped[str | None] = mapped_column(String(40), nullable=True)  # content/visits.toml


class BookingRow(Base):
    """One visit to a location for a party; its times are in booking_cells and visits."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index(
            "uq_bookings_one_active_per_user",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    location_id: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date, index=True)
    start_at: Mapped[datetime] = mapped_column(UtcDateTime)
    end_at: Mapped[datetime] = mapped_column(UtcDateTime)
    visits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    party: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(12), default="active")
    attendance: Mapped[str | None] = mapped_column(String(12), nullable=True)
    attendance_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    bsn_issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BookingCellRow(Base):
    """A unit of desk capacity a booking holds, so it can be released exactly."""

    __tablename__ = "booking_cells"

    booking_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True
    )
    desk: Mapped[str] = mapped_column(String(40), primary_key=True)
    slot_start: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)


class SlotUsageRow(Base):
    """How many counters of a desk are taken in a slot; the CHECK is what prevents overbooking."""

    __tablename__ = "slot_usage"
    __table_args__ = (CheckConstraint("used >= 0 AND used <= capacity", name="within_capacity"),)

    location_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    desk: Mapped[str] = mapped_column(String(40), primary_key=True)
    slot_start: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)
    capacity: Mapped[int] = mapped_column(Integer)


class ClosureRow(Base):
    """A day range staff closed, for a whole location or one desk."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    location_id: Mapped[str] = mapped_column(String(40), index=True)
    desk: Mapped[str | None] = mapped_column(String(40), nullable=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WaitlistRow(Base):
    """A booked user who wants to hear about an earlier day."""

    __tablename__ = "waitlist"

    booking_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


DIGEST_OPEN = "kind = 'staff_digest' AND status IN ('pending', 'sending')"


class OutboxRow(Base):
    """A scheduled message: the database, not the scheduler, is the source of truth."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_due_at", "status", "due_at"),
        # One staff digest waiting or being sent at a time, whatever how many processes plan it.
        Index(
            "uq_outbox_one_open_digest",
            "kind",
            unique=True,
            sqlite_where=text(DIGEST_OPEN),
            postgresql_where=text(DIGEST_OPEN),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    booking_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    language: Mapped[str] = mapped_column(String(2))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    claim: Mapped[str | None] = mapped_column(String(40), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class StaffRow(Base):
    """People who may act in the staff chat (admins always may)."""

    __tablename__ = "staff"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    added_by: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TicketRow(Base):
    """A conversation handed to staff."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(2))
    topic: Mapped[str] = mapped_column(String(30))
    user_name: Mapped[str] = mapped_column(String(400))  # encrypted first name
    status: Mapped[str] = mapped_column(String(12), index=True)
    alert_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    thread_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    claimed_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    claimed_by_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class RelayRow(Base):
    """Which staff-chat message belongs to which ticket, so replies find their way back."""

    __tablename__ = "ticket_relays"

    staff_message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ticket_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )


class RecentMessageRow(Base):
    """The last few things a user wrote, encrypted, so a hand-off has context."""

    __tablename__ = "recent_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    body: Mapped[str] = mapped_column(String(8000))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """Who did what to which ticket or booking; never the content."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(40))


class PreregistrationRow(Base):
    """A booking's pre-registration form; every personal field sits in the encrypted body."""

    __tablename__ = "preregistrations"

    booking_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    body: Mapped[str] = mapped_column(String(60000))  # encrypted JSON of every person's answers
    consent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class HrAccountRow(Base):
    """Someone in HR of a recognised sponsor, bound to that one sponsor once approved."""

    __tablename__ = "hr_accounts"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kvk: Mapped[str] = mapped_column(String(8), index=True)
    email: Mapped[str] = mapped_column(String(1000))  # encrypted work e-mail
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(12))  # pending, approved, rejected, revoked
    notify: Mapped[bool] = mapped_column(Boolean, default=True)
    alert_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class HireRow(Base):
    """A new hire registered by HR; personal fields encrypted, the invite token only hashed."""

    __tablename__ = "hires"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kvk: Mapped[str] = mapped_column(String(8), index=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(String(4000))  # encrypted JSON: name, e-mail, phone
    arrival_date: Mapped[date] = mapped_column(Date)
    route: Mapped[str] = mapped_column(String(30))
    municipality: Mapped[str] = mapped_column(String(60))
    family_count: Mapped[int] = mapped_column(Integer, default=0)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
