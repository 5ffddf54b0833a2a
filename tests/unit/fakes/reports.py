"""The report's reads over the in-memory tables."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from bot.storage.report_queries import AskedGap, BookingFact, OutboxCount, TicketTimes
from tests.unit.fakes.tables import Tables


class MemoryReports:
    """ReportQueries: every booking status, times as half-open ranges."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def bookings(
        self, first: date, last: date, location_id: str | None
    ) -> tuple[BookingFact, ...]:
        return tuple(
            BookingFact(
                b.user_id,
                b.location_id,
                b.day,
                len(b.party),
                b.language,
                b.status,
                b.attendance,
                b.bsn_issued_at,
            )
            for b in self._t.bookings.values()
            if first <= b.day <= last and location_id in (None, b.location_id)
        )

    async def invited_users(self) -> frozenset[int]:
        return frozenset(h.user_id for h in self._t.hires.values() if h.user_id is not None)

    async def outbox_counts(
        self, start: datetime, end: datetime, location_id: str | None
    ) -> tuple[OutboxCount, ...]:
        def at_location(booking_id: int | None) -> bool:
            if location_id is None:
                return True
            booking = None if booking_id is None else self._t.bookings.get(booking_id)
            return booking is not None and booking.location_id == location_id

        counts = Counter(
            (r.kind, r.status)
            for r in self._t.outbox.values()
            if start <= r.due_at < end and at_location(r.booking_id)
        )
        return tuple(OutboxCount(kind, status, n) for (kind, status), n in counts.items())

    async def tickets_opened(self, start: datetime, end: datetime) -> tuple[TicketTimes, ...]:
        return tuple(
            TicketTimes(r.created_at, r.claimed_at, r.closed_at, r.rating, r.status)
            for r in self._t.tickets.values()
            if start <= r.created_at < end
        )

    async def gaps_asked(self, start: datetime, end: datetime) -> tuple[AskedGap, ...]:
        return tuple(
            AskedGap(r.text, r.language, r.asked_at)
            for r in self._t.faq_gaps.values()
            if start <= r.asked_at < end
        )

    async def new_users(self, start: datetime, end: datetime) -> dict[str, int]:
        counts = Counter(r.language for r in self._t.users.values() if start <= r.created_at < end)
        return dict(counts)
