"""The outbox in memory: rows move pending → sending → sent, dropped, failed or undeliverable."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.domain.outbox import OutboxKind, OutboxMessage, outbox_kind
from tests.unit.fakes.tables import ConstraintBroken, OutboxRecord, Tables, json_copy, utc

OPEN = ("pending", "sending")


def _message(record: OutboxRecord) -> OutboxMessage:
    return OutboxMessage(
        id=record.id,
        chat_id=record.chat_id,
        user_id=record.user_id,
        booking_id=record.booking_id,
        kind=outbox_kind(record.kind),
        due=record.due_at,
        language=record.language,
        payload=json_copy(record.payload),
        attempts=record.attempts,
    )


class MemoryOutbox:
    """OutboxRepository."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

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
    ) -> None:
        self._t.require_booking(booking_id)
        if kind == "staff_digest" and await self.has_open_kind(kind):
            raise ConstraintBroken("uq_outbox_one_open_digest")  # the partial unique index
        message_id = self._t.new_id("outbox")
        self._t.outbox[message_id] = OutboxRecord(
            id=message_id,
            chat_id=chat_id,
            user_id=user_id,
            booking_id=booking_id,
            kind=kind,
            due_at=utc(due),
            language=language,
            payload=json_copy(dict(payload or {})),
            created_at=utc(now),
        )

    async def drop(self, booking_id: int, kinds: Iterable[str] | None = None) -> int:
        wanted = None if kinds is None else set(kinds)
        dropped = 0
        for record in self._t.outbox.values():
            if record.booking_id != booking_id or record.status != "pending":
                continue
            if wanted is None or record.kind in wanted:
                record.status = "dropped"
                dropped += 1
        return dropped

    async def has_open_kind(self, kind: str) -> bool:
        return any(r.kind == kind and r.status in OPEN for r in self._t.outbox.values())

    async def pending_payloads(self, kind: str) -> list[dict[str, Any]]:
        return [
            json_copy(r.payload)
            for r in self._t.outbox.values()
            if r.kind == kind and r.status == "pending"
        ]

    async def pending_due_times(self) -> list[datetime]:
        due = [r.due_at for r in self._t.outbox.values() if r.status == "pending"]
        return list(dict.fromkeys(due))

    async def claim_due(
        self, now: datetime, limit: int, token: str, lease: timedelta, *, max_attempts: int = 6
    ) -> list[OutboxMessage]:
        for record in self._t.outbox.values():
            expired = record.claimed_until is not None and record.claimed_until < now
            if record.status == "sending" and expired and record.attempts + 1 >= max_attempts:
                record.attempts += 1
                record.status, record.claim, record.claimed_until = "failed", None, None
                record.last_error = "claim expired: its sender stopped while sending"

        def claimable(r: OutboxRecord) -> bool:
            if r.status == "sending":
                return r.claimed_until is not None and r.claimed_until < now
            return r.status == "pending" and r.due_at <= now

        first: dict[int, OutboxRecord] = {}  # each chat's earliest pending or sending row
        for record in sorted(self._t.outbox.values(), key=lambda r: (r.due_at, r.id)):
            if record.status in ("pending", "sending"):
                first.setdefault(record.chat_id, record)
        due = sorted((r for r in first.values() if claimable(r)), key=lambda r: (r.due_at, r.id))[
            :limit
        ]
        if not due:
            return []
        for record in due:
            if record.status == "sending":  # an expired claim counts as an attempt
                record.attempts += 1
            record.status, record.claim, record.claimed_until = "sending", token, utc(now + lease)
        mine = [r for r in self._t.outbox.values() if r.claim == token and r.status == "sending"]
        return [_message(r) for r in sorted(mine, key=lambda r: (r.due_at, r.id))]

    def _ours(self, message_id: int, claim: str | None) -> OutboxRecord | None:
        record = self._t.outbox.get(message_id)
        if record is None or (claim is not None and record.claim != claim):
            return None
        return record

    async def finish(
        self,
        message_id: int,
        status: str,
        now: datetime,
        error: str = "",
        *,
        claim: str | None = None,
    ) -> bool:
        record = self._ours(message_id, claim)
        if record is None:
            return False
        record.status = status
        record.sent_at = utc(now) if status == "sent" else None
        record.attempts += 1
        record.last_error = error[:200] or None
        record.claim, record.claimed_until = None, None
        return True

    async def retry(
        self, message_id: int, due: datetime, error: str, *, claim: str | None = None
    ) -> bool:
        record = self._ours(message_id, claim)
        if record is None:
            return False
        record.status, record.due_at = "pending", utc(due)
        record.attempts += 1
        record.last_error = error[:200]
        record.claim, record.claimed_until = None, None
        return True

    async def postpone(self, message_id: int, due: datetime, *, claim: str | None = None) -> bool:
        record = self._ours(message_id, claim)
        if record is None:
            return False
        record.status, record.due_at = "pending", utc(due)
        record.claim, record.claimed_until = None, None
        return True

    async def counts(self) -> dict[str, int]:
        return dict(Counter(r.status for r in self._t.outbox.values()))

    async def for_booking(self, booking_id: int) -> list[tuple[str, datetime, str]]:
        rows = sorted(
            (r for r in self._t.outbox.values() if r.booking_id == booking_id),
            key=lambda r: (r.due_at, r.id),
        )
        return [(r.kind, r.due_at, r.status) for r in rows]
