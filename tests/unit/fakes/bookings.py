"""Bookings with the capacity they hold, eligibility outcomes, closures and the waitlist."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, cast

from bot.domain.booking import BookedVisit, Booking, PartyMember, Status
from tests.unit.fakes.tables import (
    BookingRecord,
    ClosureRecord,
    ConstraintBroken,
    EligibilityRecord,
    Tables,
    UsageRecord,
    WaitRecord,
    json_copy,
    utc,
)

Cell = tuple[str, datetime]


def booking_of(record: BookingRecord) -> Booking:
    """The domain object, as bot.storage.bookings builds it from a row."""
    visits = tuple(
        BookedVisit(
            v["step"],
            v["desk"],
            datetime.fromisoformat(v["start"]),
            datetime.fromisoformat(v["end"]),
        )
        for v in record.visits
    )
    return Booking(
        id=record.id,
        reference=record.reference,
        user_id=record.user_id,
        chat_id=record.chat_id,
        location_id=record.location_id,
        day=record.day,
        start=record.start_at,
        end=record.end_at,
        visits=visits,
        party=tuple(PartyMember(m["role"]) for m in record.party),
        language=record.language,
        status=cast(Status, record.status),
        attendance=record.attendance,
        bsn_issued_at=record.bsn_issued_at,
        revision=max(0, int((record.updated_at - record.created_at).total_seconds())),
    )


def _set_times(record: BookingRecord, visits: tuple[BookedVisit, ...], now: datetime) -> None:
    record.visits = json_copy(
        [
            {"step": v.step, "desk": v.desk, "start": v.start.isoformat(), "end": v.end.isoformat()}
            for v in visits
        ]
    )
    record.start_at = utc(visits[0].start)
    record.end_at = utc(visits[-1].end)
    record.day = visits[0].start.date()
    record.updated_at = utc(now)


class MemoryBookings:
    """BookingRepository: unique references, one active booking per user, and the capacity CHECK."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def _check_unique(self, record: BookingRecord) -> None:
        for other in self._t.bookings.values():
            if other.id == record.id:
                continue
            if other.reference == record.reference:
                raise ConstraintBroken(f"reference {record.reference} taken")
            active = record.status == "active" and other.status == "active"
            if active and other.user_id == record.user_id:
                raise ConstraintBroken(f"user {record.user_id} has an active booking")

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
        record = BookingRecord(
            id=self._t.new_id("bookings"),
            reference=reference,
            user_id=user_id,
            chat_id=chat_id,
            location_id=location_id,
            day=date.min,
            start_at=utc(now),
            end_at=utc(now),
            visits=[],
            party=[{"role": m.role} for m in party],
            language=language,
            status="active",
            created_at=utc(now),
            updated_at=utc(now),
        )
        _set_times(record, visits, now)
        self._check_unique(record)
        self._t.bookings[record.id] = record
        return booking_of(record)

    async def reference_taken(self, reference: str) -> bool:
        return any(r.reference == reference for r in self._t.bookings.values())

    async def active_for_user(self, user_id: int) -> Booking | None:
        for record in self._t.bookings.values():
            if record.user_id == user_id and record.status == "active":
                return booking_of(record)
        return None

    async def get(self, booking_id: int) -> Booking | None:
        record = self._t.bookings.get(booking_id)
        return None if record is None else booking_of(record)

    async def by_reference(self, reference: str) -> Booking | None:
        for record in self._t.bookings.values():
            if record.reference == reference:
                return booking_of(record)
        return None

    async def active_on(self, location_id: str, day: date) -> list[Booking]:
        rows = [
            r
            for r in self._t.bookings.values()
            if r.location_id == location_id and r.day == day and r.status == "active"
        ]
        return [booking_of(r) for r in sorted(rows, key=lambda r: (r.start_at, r.id))]

    async def bsn_pending(self, due_before: date) -> list[Booking]:
        rows = [
            r
            for r in self._t.bookings.values()
            if r.status == "active"
            and r.attendance == "attended"
            and r.bsn_issued_at is None
            and r.day <= due_before
        ]
        return [booking_of(r) for r in sorted(rows, key=lambda r: (r.day, r.id))]

    async def active_between(self, location_id: str, first: date, last: date) -> list[Booking]:
        rows = [
            r
            for r in self._t.bookings.values()
            if r.location_id == location_id and first <= r.day <= last and r.status == "active"
        ]
        return [booking_of(r) for r in sorted(rows, key=lambda r: (r.start_at, r.id))]

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
        record = self._t.bookings.get(booking_id)
        assert record is not None
        if visits is not None:
            _set_times(record, visits, now)
        if party is not None:
            record.party = [{"role": m.role} for m in party]
        if status is not None:
            record.status = status
        if attendance is not None:
            record.attendance, record.attendance_at = attendance, utc(now)
        if bsn_issued:
            record.bsn_issued_at = utc(now)
        record.updated_at = utc(now)
        self._check_unique(record)
        return booking_of(record)

    async def hold(
        self, booking_id: int, location_id: str, cells: Iterable[Cell], capacity: Mapping[str, int]
    ) -> None:
        ordered = sorted(set(cells))
        if not ordered:
            return
        for desk, slot in ordered:  # INSERT … ON CONFLICT DO NOTHING keeps a row's capacity
            key = (location_id, desk, utc(slot))
            if key not in self._t.slot_usage:
                self._t.slot_usage[key] = UsageRecord(0, capacity[desk])
        for desk, slot in ordered:
            usage = self._t.slot_usage[(location_id, desk, utc(slot))]
            if usage.used + 1 > usage.capacity:
                raise ConstraintBroken(f"{desk} at {slot} is full")
            usage.used += 1
        self._t.require_booking(booking_id)
        for desk, slot in ordered:
            cell = (booking_id, desk, utc(slot))
            if cell in self._t.booking_cells:
                raise ConstraintBroken(f"booking {booking_id} already holds {desk} at {slot}")
            self._t.booking_cells.add(cell)

    async def release(self, booking_id: int, location_id: str) -> list[Cell]:
        cells = sorted(
            (desk, slot) for held, desk, slot in self._t.booking_cells if held == booking_id
        )
        for desk, slot in cells:
            usage = self._t.slot_usage.get((location_id, desk, slot))
            if usage is not None:
                if usage.used - 1 < 0:
                    raise ConstraintBroken(f"{desk} at {slot} below zero")
                usage.used -= 1
        self._t.booking_cells = {c for c in self._t.booking_cells if c[0] != booking_id}
        return cells

    async def usage(
        self,
        location_id: str,
        start: datetime,
        end: datetime,
        full_at: Mapping[str, int] | None = None,
    ) -> dict[Cell, int]:
        found: dict[Cell, int] = {}
        for (location, desk, slot), usage in self._t.slot_usage.items():
            if location != location_id or not start <= slot < end:
                continue
            busy = desk in full_at and usage.used >= full_at[desk] if full_at else usage.used > 0
            if busy:
                found[(desk, slot)] = usage.used
        return found


class MemoryEligibility:
    """EligibilityRepository."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

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
        self._t.eligibility[user_id] = EligibilityRecord(
            outcome, category, json_copy(dict(answers)), utc(now), visit
        )

    async def visit_of(self, user_id: int) -> str | None:
        record = self._t.eligibility.get(user_id)
        return None if record is None else record.visit

    async def get(self, user_id: int) -> tuple[str, str, dict[str, Any]] | None:
        record = self._t.eligibility.get(user_id)
        if record is None:
            return None
        return record.outcome, record.category, json_copy(record.answers)


class MemoryClosures:
    """ClosureRepository."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

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
        self._t.closures[self._t.new_id("closures")] = ClosureRecord(
            location_id, desk, first, last, reason[:200], by, utc(now)
        )

    async def between(
        self, location_id: str, first: date, last: date
    ) -> list[tuple[date, date, str | None, str]]:
        return [
            (r.first_day, r.last_day, r.desk, r.reason)
            for r in self._t.closures.values()
            if r.location_id == location_id and r.first_day <= last and r.last_day >= first
        ]


class MemoryWaitlist:
    """WaitlistRepository."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def join(self, booking_id: int, now: datetime) -> None:
        record = self._t.waitlist.get(booking_id)
        if record is None:
            self._t.require_booking(booking_id)
            self._t.waitlist[booking_id] = WaitRecord(utc(now))
        else:
            record.notified_at = None

    async def leave(self, booking_id: int) -> None:
        self._t.waitlist.pop(booking_id, None)

    async def is_waiting(self, booking_id: int) -> bool:
        record = self._t.waitlist.get(booking_id)
        return record is not None and record.notified_at is None

    async def waiting_later_than(self, location_id: str, day: date, limit: int) -> list[Booking]:
        waiting = [
            (wait.created_at, booking.id, booking)
            for booking_id, wait in self._t.waitlist.items()
            if (booking := self._t.bookings.get(booking_id)) is not None
            and booking.location_id == location_id
            and booking.status == "active"
            and booking.day > day
            and wait.notified_at is None
        ]
        waiting.sort(key=lambda item: (item[0], item[1]))
        return [booking_of(booking) for _, _, booking in waiting[:limit]]

    async def mark_notified(self, booking_id: int, now: datetime) -> None:
        record = self._t.waitlist.get(booking_id)
        if record is not None:
            record.notified_at = utc(now)
