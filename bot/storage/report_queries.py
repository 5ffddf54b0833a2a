"""The report's reads: plain rows for the figures, never a name, a reference or a message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.tables import BookingRow, FaqGapRow, HireRow, OutboxRow, TicketRow, UserRow


@dataclass(frozen=True)
class BookingFact:
    """One booking as the report counts it: its party reduced to a size."""

    user_id: int
    location_id: str
    day: date
    size: int
    language: str
    status: str
    attendance: str | None
    bsn_issued_at: datetime | None


@dataclass(frozen=True)
class OutboxCount:
    """How many outbox rows of one kind are in one status."""

    kind: str
    status: str
    count: int


@dataclass(frozen=True)
class TicketTimes:
    """When a ticket was opened, claimed and closed, and how it was rated."""

    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None
    rating: int | None
    status: str


@dataclass(frozen=True)
class AskedGap:
    """An unanswered question, read only to match it to a topic; the report never quotes it."""

    text: str
    language: str
    asked_at: datetime


class ReportQueries:
    """Reads for one report, in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def bookings(
        self, first: date, last: date, location_id: str | None
    ) -> tuple[BookingFact, ...]:
        """Bookings of every status whose day falls from `first` to `last` (at one location)."""
        query = select(
            BookingRow.user_id,
            BookingRow.location_id,
            BookingRow.day,
            BookingRow.party,
            BookingRow.language,
            BookingRow.status,
            BookingRow.attendance,
            BookingRow.bsn_issued_at,
        ).where(BookingRow.day >= first, BookingRow.day <= last)
        if location_id is not None:
            query = query.where(BookingRow.location_id == location_id)
        rows = await self._session.execute(query)
        return tuple(
            BookingFact(user, location, day, len(party or ()), language, status, attendance, issued)
            for user, location, day, party, language, status, attendance, issued in rows.all()
        )

    async def invited_users(self) -> frozenset[int]:
        """Users who came through an HR invitation."""
        users = await self._session.scalars(
            select(HireRow.user_id).where(HireRow.user_id.is_not(None))
        )
        return frozenset(user for user in users if user is not None)

    async def outbox_counts(
        self, start: datetime, end: datetime, location_id: str | None
    ) -> tuple[OutboxCount, ...]:
        """Outbox rows due from `start` up to `end`, per kind and status (at one location)."""
        query = select(OutboxRow.kind, OutboxRow.status, func.count()).where(
            OutboxRow.due_at >= start, OutboxRow.due_at < end
        )
        if location_id is not None:
            query = query.join(BookingRow, BookingRow.id == OutboxRow.booking_id).where(
                BookingRow.location_id == location_id
            )
        rows = await self._session.execute(query.group_by(OutboxRow.kind, OutboxRow.status))
        return tuple(OutboxCount(kind, status, int(count)) for kind, status, count in rows.all())

    async def tickets_opened(self, start: datetime, end: datetime) -> tuple[TicketTimes, ...]:
        """Tickets opened from `start` up to `end`."""
        rows = await self._session.execute(
            select(
                TicketRow.created_at,
                TicketRow.claimed_at,
                TicketRow.closed_at,
                TicketRow.rating,
                TicketRow.status,
            ).where(TicketRow.created_at >= start, TicketRow.created_at < end)
        )
        return tuple(
            TicketTimes(created, claimed, closed, rating, status)
            for created, claimed, closed, rating, status in rows.all()
        )

    async def gaps_asked(self, start: datetime, end: datetime) -> tuple[AskedGap, ...]:
        """Unanswered questions asked from `start` up to `end`."""
        rows = await self._session.execute(
            select(FaqGapRow.text, FaqGapRow.language, FaqGapRow.asked_at).where(
                FaqGapRow.asked_at >= start, FaqGapRow.asked_at < end
            )
        )
        return tuple(AskedGap(text, language, asked) for text, language, asked in rows.all())

    async def new_users(self, start: datetime, end: datetime) -> dict[str, int]:
        """Users first seen from `start` up to `end`, per language."""
        rows = await self._session.execute(
            select(UserRow.language, func.count())
            .where(UserRow.created_at >= start, UserRow.created_at < end)
            .group_by(UserRow.language)
        )
        return {str(language): int(count) for language, count in rows.all()}
