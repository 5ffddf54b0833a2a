"""Staff, tickets, their relays, recent messages (encrypted) and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.handoff import Ticket, TicketStatus
from bot.storage.crypto import Cipher
from bot.storage.tables import AuditRow, RecentMessageRow, RelayRow, StaffRow, TicketRow


def _ticket(row: TicketRow, cipher: Cipher) -> Ticket:
    return Ticket(
        id=row.id,
        user_id=row.user_id,
        chat_id=row.chat_id,
        language=row.language,
        topic=row.topic,
        user_name=cipher.decrypt(row.user_name) if row.user_name else "",  # "" once purged
        status=cast(TicketStatus, row.status),
        alert_message_id=row.alert_message_id,
        thread_id=row.thread_id,
        claimed_by=row.claimed_by,
        claimed_by_name=row.claimed_by_name,
        created_at=row.created_at,
    )


class StaffRepository:
    """Who counts as staff besides the admins."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def contains(self, user_id: int) -> bool:
        """Whether the user was added as staff."""
        return await self._session.get(StaffRow, user_id) is not None

    async def add(self, user_id: int, by: int, now: datetime) -> bool:
        """Adds a staff member; False when already there."""
        if await self.contains(user_id):
            return False
        self._session.add(StaffRow(user_id=user_id, added_by=by, added_at=now))
        return True

    async def remove(self, user_id: int) -> bool:
        """Removes a staff member; False when they were not staff."""
        result = await self._session.execute(delete(StaffRow).where(StaffRow.user_id == user_id))
        return bool(getattr(result, "rowcount", 0))

    async def all(self) -> list[int]:
        """Every added staff member."""
        return list(
            await self._session.scalars(select(StaffRow.user_id).order_by(StaffRow.user_id))
        )


class TicketRepository:
    """Tickets and the staff-chat messages that belong to them."""

    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    async def create(
        self, user_id: int, chat_id: int, language: str, topic: str, name: str, now: datetime
    ) -> Ticket:
        """Opens a ticket; the user's first name is stored encrypted."""
        row = TicketRow(
            user_id=user_id,
            chat_id=chat_id,
            language=language,
            topic=topic,
            user_name=self._cipher.encrypt(name[:64]),
            status="open",
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return _ticket(row, self._cipher)

    async def get(self, ticket_id: int) -> Ticket | None:
        """A ticket by number."""
        row = await self._session.get(TicketRow, ticket_id)
        return None if row is None else _ticket(row, self._cipher)

    async def active_for_user(self, user_id: int) -> Ticket | None:
        """The user's open or claimed ticket."""
        row = await self._session.scalar(
            select(TicketRow)
            .where(TicketRow.user_id == user_id, TicketRow.status.in_(("open", "claimed")))
            .order_by(TicketRow.id.desc())
            .limit(1)
        )
        return None if row is None else _ticket(row, self._cipher)

    async def by_staff_message(self, message_id: int) -> Ticket | None:
        """The ticket a staff-chat message (the alert or a relayed one) belongs to."""
        ticket_id = await self._session.scalar(
            select(RelayRow.ticket_id).where(RelayRow.staff_message_id == message_id)
        )
        return None if ticket_id is None else await self.get(ticket_id)

    async def remember_message(
        self, ticket_id: int, message_id: int, *, alert: bool, thread_id: int | None = None
    ) -> None:
        """Links a staff-chat message to the ticket; the alert also records its forum topic."""
        self._session.add(RelayRow(staff_message_id=message_id, ticket_id=ticket_id))
        if alert:
            await self._session.execute(
                update(TicketRow)
                .where(TicketRow.id == ticket_id)
                .values(alert_message_id=message_id, thread_id=thread_id)
            )

    async def by_thread(self, thread_id: int) -> Ticket | None:
        """The ticket whose forum topic this is."""
        row = await self._session.scalar(select(TicketRow).where(TicketRow.thread_id == thread_id))
        return None if row is None else _ticket(row, self._cipher)

    async def claim(self, ticket_id: int, staff_id: int, name: str, now: datetime) -> bool:
        """Claims an open ticket; False when someone else was first."""
        result = await self._session.execute(
            update(TicketRow)
            .where(TicketRow.id == ticket_id, TicketRow.status == "open")
            .values(
                status="claimed", claimed_by=staff_id, claimed_by_name=name[:64], claimed_at=now
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def close(self, ticket_id: int, now: datetime) -> bool:
        """Closes an open or claimed ticket; False when it already was closed."""
        result = await self._session.execute(
            update(TicketRow)
            .where(TicketRow.id == ticket_id, TicketRow.status.in_(("open", "claimed")))
            .values(status="closed", closed_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def rate(self, ticket_id: int, user_id: int, rating: int) -> bool:
        """Stores the user's 1-5 rating of a closed ticket of theirs, once."""
        result = await self._session.execute(
            update(TicketRow)
            .where(
                TicketRow.id == ticket_id,
                TicketRow.user_id == user_id,
                TicketRow.status == "closed",
                TicketRow.rating.is_(None),
            )
            .values(rating=rating)
        )
        return bool(getattr(result, "rowcount", 0))

    async def position(self, ticket: Ticket) -> int:
        """Place in the queue of unclaimed tickets (1 = next)."""
        ahead = await self._session.scalar(
            select(func.count())
            .select_from(TicketRow)
            .where(TicketRow.status == "open", TicketRow.id < ticket.id)
        )
        return int(ahead or 0) + 1

    async def open_count(self) -> int:
        """Tickets waiting or being handled, for the digest."""
        found = await self._session.scalar(
            select(func.count())
            .select_from(TicketRow)
            .where(TicketRow.status.in_(("open", "claimed")))
        )
        return int(found or 0)


class RecentMessages:
    """The user's last few texts, encrypted at rest, for the hand-off alert."""

    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    async def add(self, chat_id: int, text: str, now: datetime, keep: int) -> None:
        """Stores one text and forgets all but the newest `keep`."""
        self._session.add(
            RecentMessageRow(chat_id=chat_id, body=self._cipher.encrypt(text[:2000]), at=now)
        )
        await self._session.flush()
        newest = (
            select(RecentMessageRow.id)
            .where(RecentMessageRow.chat_id == chat_id)
            .order_by(RecentMessageRow.id.desc())
            .limit(keep)
        )
        await self._session.execute(
            delete(RecentMessageRow).where(
                RecentMessageRow.chat_id == chat_id,
                RecentMessageRow.id.not_in(newest.scalar_subquery()),
            )
        )

    async def last(self, chat_id: int, count: int) -> list[str]:
        """The newest texts, oldest first."""
        rows = await self._session.scalars(
            select(RecentMessageRow.body)
            .where(RecentMessageRow.chat_id == chat_id)
            .order_by(RecentMessageRow.id.desc())
            .limit(count)
        )
        return [self._cipher.decrypt(body) for body in reversed(list(rows))]


class AuditLog:
    """Every staff action, without content."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, actor_id: int, action: str, subject: str, now: datetime) -> None:
        """Appends an entry."""
        self._session.add(AuditRow(at=now, actor_id=actor_id, action=action, subject=subject[:40]))
