"""Bookings, the capacity they hold, closures and the waitlist."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.booking import BookedVisit, Booking, PartyMember, Status
from bot.storage.tables import (
    BookingCellRow,
    BookingRow,
    ClosureRow,
    EligibilityRow,
    SlotUsageRow,
    WaitlistRow,
)

Cell = tuple[str, datetime]


def _visits_json(visits: Iterable[BookedVisit]) -> list[dict[str, Any]]:
    return [
        {"step": v.step, "desk": v.desk, "start": v.start.isoformat(), "end": v.end.isoformat()}
        for v in visits
    ]


def _booking(row: BookingRow) -> Booking:
    visits = tuple(
        BookedVisit(
            v["step"],
            v["desk"],
            datetime.fromisoformat(v["start"]),
            datetime.fromisoformat(v["end"]),
        )
        for v in row.visits
    )
    party = tuple(PartyMember(m["role"]) for m in row.party)
    return Booking(
        id=row.id,
        reference=row.reference,
        user_id=row.user_id,
        chat_id=row.chat_id,
        location_id=row.location_id,
        day=row.day,
        start=row.start_at,
        end=row.end_at,
        visits=visits,
        party=party,
        language=row.language,
        status=cast(Status, row.status),
        attendance=row.attendance,
        bsn_issued_at=row.bsn_issued_at,
        revision=max(0, int((row.updated_at - row.created_at).total_seconds())),
    )


class BookingRepository:
    """Bookings and the slots they occupy."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
    ) -> Booking:
        """Stores a new active booking (its capacity is taken separately)."""
        row = BookingRow(
            reference=reference,
            user_id=user_id,
            chat_id=chat_id,
            location_id=location_id,
            language=language,
            status="active",
            created_at=now,
        )
        _set_times(row, visits, now)
        row.party = [{"role": m.role} for m in party]
        self._session.add(row)
        await self._session.flush()
        return _booking(row)

    async def reference_taken(self, reference: str) -> bool:
        """Whether a reference is already in use (references are never reused)."""
        found = await self._session.scalar(
            select(BookingRow.id).where(BookingRow.reference == reference)
        )
        return found is not None

    async def active_for_user(self, user_id: int) -> Booking | None:
        """The user's one active booking."""
        row = await self._session.scalar(
            select(BookingRow).where(BookingRow.user_id == user_id, BookingRow.status == "active")
        )
        return None if row is None else _booking(row)

    async def get(self, booking_id: int) -> Booking | None:
        """A booking by id."""
        row = await self._session.get(BookingRow, booking_id)
        return None if row is None else _booking(row)

    async def by_reference(self, reference: str) -> Booking | None:
        """A booking by its reference."""
        row = await self._session.scalar(
            select(BookingRow).where(BookingRow.reference == reference)
        )
        return None if row is None else _booking(row)

    async def active_on(self, location_id: str, day: date) -> list[Booking]:
        """A day's active bookings in time order."""
        rows = await self._session.scalars(
            select(BookingRow)
            .where(
                BookingRow.location_id == location_id,
                BookingRow.day == day,
                BookingRow.status == "active",
            )
            .order_by(BookingRow.start_at, BookingRow.id)
        )
        return [_booking(r) for r in rows]

    async def bsn_pending(self, due_before: date) -> list[Booking]:
        """Attended visits without an issued BSN, on or before a day (for staff)."""
        rows = await self._session.scalars(
            select(BookingRow)
            .where(
                BookingRow.status == "active",
                BookingRow.attendance == "attended",
                BookingRow.bsn_issued_at.is_(None),
                BookingRow.day <= due_before,
            )
            .order_by(BookingRow.day)
        )
        return [_booking(r) for r in rows]

    async def active_between(self, location_id: str, first: date, last: date) -> list[Booking]:
        """Active bookings in a range of days."""
        rows = await self._session.scalars(
            select(BookingRow)
            .where(
                BookingRow.location_id == location_id,
                BookingRow.day >= first,
                BookingRow.day <= last,
                BookingRow.status == "active",
            )
            .order_by(BookingRow.start_at)
        )
        return [_booking(r) for r in rows]

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
    ) -> Booking:
        """Updates times, party, status, attendance or the BSN's issue."""
        row = await self._session.get(BookingRow, booking_id)
        assert row is not None
        if visits is not None:
            _set_times(row, visits, now)
        if party is not None:
            row.party = [{"role": m.role} for m in party]
        if status is not None:
            row.status = status
        if attendance is not None:
            row.attendance, row.attendance_at = attendance, now
        if bsn_issued:
            row.bsn_issued_at = now
        row.updated_at = now
        await self._session.flush()
        return _booking(row)

    async def hold(
        self, booking_id: int, location_id: str, cells: Iterable[Cell], capacity: Mapping[str, int]
    ) -> None:
        """Takes one unit of each cell; the CHECK constraint raises IntegrityError when full."""
        ordered = sorted(set(cells))  # one order for everyone: no deadlocks between bookers
        if not ordered:
            return
        dialect = self._session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        await self._session.execute(
            insert(SlotUsageRow)
            .values(
                [
                    {
                        "location_id": location_id,
                        "desk": desk,
                        "slot_start": slot,
                        "used": 0,
                        "capacity": capacity[desk],
                    }
                    for desk, slot in ordered
                ]
            )
            .on_conflict_do_nothing()
        )
        for desk, slot in ordered:
            await self._session.execute(
                update(SlotUsageRow)
                .where(
                    SlotUsageRow.location_id == location_id,
                    SlotUsageRow.desk == desk,
                    SlotUsageRow.slot_start == slot,
                )
                .values(used=SlotUsageRow.used + 1)
            )
        self._session.add_all(
            BookingCellRow(booking_id=booking_id, desk=desk, slot_start=slot)
            for desk, slot in ordered
        )
        await self._session.flush()

    async def release(self, booking_id: int, location_id: str) -> list[Cell]:
        """Gives back every cell the booking holds, returning them."""
        rows = (
            await self._session.scalars(
                select(BookingCellRow)
                .where(BookingCellRow.booking_id == booking_id)
                .order_by(BookingCellRow.desk, BookingCellRow.slot_start)
            )
        ).all()
        cells = [(r.desk, r.slot_start) for r in rows]
        for desk, slot in cells:
            await self._session.execute(
                update(SlotUsageRow)
                .where(
                    SlotUsageRow.location_id == location_id,
                    SlotUsageRow.desk == desk,
                    SlotUsageRow.slot_start == slot,
                )
                .values(used=SlotUsageRow.used - 1)
            )
        await self._session.execute(
            delete(BookingCellRow).where(BookingCellRow.booking_id == booking_id)
        )
        return cells

    async def usage(
        self,
        location_id: str,
        start: datetime,
        end: datetime,
        full_at: Mapping[str, int] | None = None,
    ) -> dict[Cell, int]:
        """Taken units per cell in a period; with `full_at` (desk -> capacity) only full cells.

        Availability only asks whether a cell has room for one more, so reading just the full
        cells gives the same answer from far fewer rows.
        """
        busy = (
            or_(
                *(
                    and_(SlotUsageRow.desk == desk, SlotUsageRow.used >= capacity)
                    for desk, capacity in full_at.items()
                )
            )
            if full_at
            else SlotUsageRow.used > 0
        )
        rows = await self._session.execute(
            select(SlotUsageRow.desk, SlotUsageRow.slot_start, SlotUsageRow.used).where(
                SlotUsageRow.location_id == location_id,
                SlotUsageRow.slot_start >= start,
                SlotUsageRow.slot_start < end,
                busy,
            )
        )
        return {(desk, slot): used for desk, slot, used in rows.all()}


def _set_times(row: BookingRow, visits: tuple[BookedVisit, ...], now: datetime) -> None:
    row.visits = _visits_json(visits)
    row.start_at = visits[0].start
    row.end_at = visits[-1].end
    row.day = visits[0].start.date()
    row.updated_at = now


class EligibilityRepository:
    """The latest outcome of each user's eligibility check."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(
        self,
        user_id: int,
        outcome: str,
        category: str,
        answers: Mapping[str, Any],
        now: datetime,
        *,
        visit: str | None = None,
    ) -> None:
        """Replaces the user's previous outcome, with the visit it books (None: none)."""
        row = await self._session.get(EligibilityRow, user_id)
        if row is None:
            row = EligibilityRow(user_id=user_id)
            self._session.add(row)
        row.outcome, row.category, row.answers, row.decided_at, row.visit = (
            outcome,
            category,
            dict(answers),
            now,
            visit,
        )

    async def visit_of(self, user_id: int) -> str | None:
        """The visit (content/visits.toml) the latest outcome books, if any."""
        row = await self._session.get(EligibilityRow, user_id)
        return None if row is None else row.visit

    async def get(self, user_id: int) -> tuple[str, str, dict[str, Any]] | None:
        """(outcome, category, answers) of the latest check."""
        row = await self._session.get(EligibilityRow, user_id)
        return None if row is None else (row.outcome, row.category, dict(row.answers))


class ClosureRepository:
    """Days or desks staff closed."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        location_id: str,
        desk: str | None,
        first: date,
        last: date,
        reason: str,
        by: int,
        now: datetime,
    ) -> None:
        """Records a closure."""
        self._session.add(
            ClosureRow(
                location_id=location_id,
                desk=desk,
                first_day=first,
                last_day=last,
                reason=reason[:200],
                created_by=by,
                created_at=now,
            )
        )
        await self._session.flush()

    async def between(
        self, location_id: str, first: date, last: date
    ) -> list[tuple[date, date, str | None, str]]:
        """Closures overlapping a range: (first, last, desk, reason)."""
        rows = await self._session.scalars(
            select(ClosureRow).where(
                ClosureRow.location_id == location_id,
                ClosureRow.first_day <= last,
                ClosureRow.last_day >= first,
            )
        )
        return [(r.first_day, r.last_day, r.desk, r.reason) for r in rows]


class WaitlistRepository:
    """Who wants an earlier day."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def join(self, booking_id: int, now: datetime) -> None:
        """Puts a booking on the list (again)."""
        row = await self._session.get(WaitlistRow, booking_id)
        if row is None:
            self._session.add(WaitlistRow(booking_id=booking_id, created_at=now))
        else:
            row.notified_at = None

    async def leave(self, booking_id: int) -> None:
        """Takes a booking off the list."""
        await self._session.execute(delete(WaitlistRow).where(WaitlistRow.booking_id == booking_id))

    async def is_waiting(self, booking_id: int) -> bool:
        """Whether the booking is on the list."""
        row = await self._session.get(WaitlistRow, booking_id)
        return row is not None and row.notified_at is None

    async def waiting_later_than(self, location_id: str, day: date, limit: int) -> list[Booking]:
        """The earliest-joined waiting bookings whose day is after `day`."""
        rows = await self._session.scalars(
            select(BookingRow)
            .join(WaitlistRow, WaitlistRow.booking_id == BookingRow.id)
            .where(
                and_(
                    BookingRow.location_id == location_id,
                    BookingRow.status == "active",
                    BookingRow.day > day,
                    WaitlistRow.notified_at.is_(None),
                )
            )
            .order_by(WaitlistRow.created_at, BookingRow.id)
            .limit(limit)
        )
        return [_booking(r) for r in rows]

    async def mark_notified(self, booking_id: int, now: datetime) -> None:
        """Remembers that this booking was told about a free earlier day."""
        await self._session.execute(
            update(WaitlistRow).where(WaitlistRow.booking_id == booking_id).values(notified_at=now)
        )
