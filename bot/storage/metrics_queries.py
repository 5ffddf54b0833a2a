"""The live gauges' reads: the outbox backlog and the tickets still open, in one short session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.storage.database import Database
from bot.storage.tables import OutboxRow, TicketRow

WAITING_OUTBOX_STATUSES = ("pending", "sending")


@dataclass(frozen=True)
class Backlog:
    """Due and unsent outbox rows of one kind, and since when the first of them is due."""

    kind: str
    count: int
    oldest_due: datetime | None


@dataclass(frozen=True)
class OpenTickets:
    """Tickets in one status, and when the oldest of them was opened."""

    status: str
    count: int
    oldest_created: datetime | None


@dataclass(frozen=True)
class LiveState:
    """What the gauges show: only kinds and statuses that have rows."""

    backlog: tuple[Backlog, ...]
    tickets: tuple[OpenTickets, ...]


async def read_live_state(
    database: Database, now: datetime, ticket_statuses: tuple[str, ...]
) -> LiveState:
    """Reads the backlog due by `now` and the tickets in `ticket_statuses`; writes nothing."""
    async with database.session() as session:
        due = (
            await session.execute(
                select(OutboxRow.kind, func.count(), func.min(OutboxRow.due_at))
                .where(OutboxRow.status.in_(WAITING_OUTBOX_STATUSES), OutboxRow.due_at <= now)
                .group_by(OutboxRow.kind)
            )
        ).all()
        tickets = (
            await session.execute(
                select(TicketRow.status, func.count(), func.min(TicketRow.created_at))
                .where(TicketRow.status.in_(ticket_statuses))
                .group_by(TicketRow.status)
            )
        ).all()
        await session.rollback()
    return LiveState(
        backlog=tuple(Backlog(str(kind), int(count), _aware(first)) for kind, count, first in due),
        tickets=tuple(
            OpenTickets(str(status), int(count), _aware(first)) for status, count, first in tickets
        ),
    )


def _aware(value: datetime | str | None) -> datetime | None:
    """Aggregates skip the column type, so SQLite hands back naive UTC (or even text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
