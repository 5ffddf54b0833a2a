"""The outbox: rows are claimed before sending, so two processes never send one twice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.outbox import OUTBOX_KINDS, OutboxKind, OutboxMessage, outbox_kind
from bot.storage.tables import OutboxRow


def _message(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        chat_id=row.chat_id,
        user_id=row.user_id,
        booking_id=row.booking_id,
        kind=outbox_kind(row.kind),
        due=row.due_at,
        language=row.language,
        payload=dict(row.payload or {}),
        attempts=row.attempts,
    )


class OutboxRepository:
    """Scheduled messages and their delivery state."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
        """Schedules a message in the caller's transaction."""
        self._session.add(
            OutboxRow(
                chat_id=chat_id,
                user_id=user_id,
                booking_id=booking_id,
                kind=kind,
                due_at=due,
                language=language,
                payload=dict(payload or {}),
                status="pending",
                attempts=0,
                created_at=now,
            )
        )

    async def drop(self, booking_id: int, kinds: Iterable[str] | None = None) -> int:
        """Drops a booking's pending messages (all, or of some kinds)."""
        condition = and_(OutboxRow.booking_id == booking_id, OutboxRow.status == "pending")
        if kinds is not None:
            condition = and_(condition, OutboxRow.kind.in_(list(kinds)))
        result = await self._session.execute(
            update(OutboxRow).where(condition).values(status="dropped")
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def has_open_kind(self, kind: str) -> bool:
        """Whether a message of this kind is waiting or being sent (one digest at a time)."""
        found = await self._session.scalar(
            select(OutboxRow.id)
            .where(OutboxRow.kind == kind, OutboxRow.status.in_(("pending", "sending")))
            .limit(1)
        )
        return found is not None

    async def pending_payloads(self, kind: str) -> list[dict[str, Any]]:
        """The payloads of the waiting messages of a kind (few: one per open ticket)."""
        rows = await self._session.scalars(
            select(OutboxRow.payload).where(OutboxRow.kind == kind, OutboxRow.status == "pending")
        )
        return [dict(p or {}) for p in rows]

    async def pending_due_times(self) -> list[datetime]:
        """When pending messages fall due, for scheduling wake-ups at start."""
        rows = await self._session.scalars(
            select(OutboxRow.due_at).where(OutboxRow.status == "pending").distinct()
        )
        return list(rows)

    async def claim_due(
        self, now: datetime, limit: int, token: str, lease: timedelta, *, max_attempts: int = 6
    ) -> list[OutboxMessage]:
        """Marks up to `limit` due rows as ours; locked rows of other processes are skipped.

        A row whose claim expired is due again: its sender was killed or got stuck. One row per
        chat at a time (its earliest): a chat's next row waits for the next claim, so a batch
        spreads over many chats and a chat's messages keep their order across processes. An
        expired claim counts as an attempt, so a row that keeps killing its sender ends `failed`.
        """
        expired = and_(OutboxRow.status == "sending", OutboxRow.claimed_until < now)
        await self._session.execute(
            update(OutboxRow)
            .where(expired, OutboxRow.attempts + 1 >= max_attempts)
            .values(
                status="failed",
                attempts=OutboxRow.attempts + 1,
                last_error="claim expired: its sender stopped while sending",
                claim=None,
                claimed_until=None,
            )
        )
        known = OutboxRow.kind.in_(OUTBOX_KINDS)  # a newer version's rows wait for it
        claimable = and_(
            known,
            or_(
                and_(OutboxRow.status == "pending", OutboxRow.due_at <= now),
                and_(OutboxRow.status == "sending", OutboxRow.claimed_until < now),
            ),
        )
        earlier = aliased(OutboxRow)
        first_of_chat = ~(
            select(earlier.id)
            .where(
                earlier.chat_id == OutboxRow.chat_id,
                earlier.status.in_(("pending", "sending")),
                or_(
                    earlier.due_at < OutboxRow.due_at,
                    and_(earlier.due_at == OutboxRow.due_at, earlier.id < OutboxRow.id),
                ),
            )
            .exists()
        )
        due = (
            select(OutboxRow.id)
            .where(claimable, first_of_chat)
            .order_by(OutboxRow.due_at, OutboxRow.id)
            .limit(limit)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(await self._session.scalars(due))
        if not ids:
            return []
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), claimable)
            .values(
                status="sending",
                claim=token,
                claimed_until=now + lease,
                attempts=OutboxRow.attempts + case((expired, 1), else_=0),
            )
        )
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.claim == token, OutboxRow.status == "sending")
            .order_by(OutboxRow.due_at, OutboxRow.id)
        )
        return [_message(r) for r in rows]

    def _ours(self, message_id: int, claim: str | None) -> ColumnElement[bool]:
        """The row, while the given claim still holds it (any claim when None)."""
        if claim is None:
            return OutboxRow.id == message_id
        return and_(OutboxRow.id == message_id, OutboxRow.claim == claim)

    async def finish(
        self,
        message_id: int,
        status: str,
        now: datetime,
        error: str = "",
        *,
        claim: str | None = None,
    ) -> bool:
        """Records the end of a delivery attempt: sent, dropped, failed or undeliverable.

        False when `claim` no longer holds the row: its lease expired and another claim took it.
        """
        result = await self._session.execute(
            update(OutboxRow)
            .where(self._ours(message_id, claim))
            .values(
                status=status,
                sent_at=now if status == "sent" else None,
                attempts=OutboxRow.attempts + 1,
                last_error=error[:200] or None,
                claim=None,
                claimed_until=None,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def retry(
        self, message_id: int, due: datetime, error: str, *, claim: str | None = None
    ) -> bool:
        """Puts a row back for a later attempt; False when `claim` no longer holds it."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(self._ours(message_id, claim))
            .values(
                status="pending",
                due_at=due,
                attempts=OutboxRow.attempts + 1,
                last_error=error[:200],
                claim=None,
                claimed_until=None,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def postpone(self, message_id: int, due: datetime, *, claim: str | None = None) -> bool:
        """Puts a row back unsent for later, without counting an attempt (quiet hours)."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(self._ours(message_id, claim))
            .values(status="pending", due_at=due, claim=None, claimed_until=None)
        )
        return bool(getattr(result, "rowcount", 0))

    async def counts(self) -> dict[str, int]:
        """Rows per status."""
        rows = await self._session.execute(
            select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        )
        return {str(status): int(n) for status, n in rows.all()}

    async def for_booking(self, booking_id: int) -> list[tuple[str, datetime, str]]:
        """(kind, due, status) of a booking's messages, for tests and staff."""
        rows = await self._session.execute(
            select(OutboxRow.kind, OutboxRow.due_at, OutboxRow.status)
            .where(OutboxRow.booking_id == booking_id)
            .order_by(OutboxRow.due_at, OutboxRow.id)
        )
        return [(k, d, s) for k, d, s in rows.all()]
