"""Staff, tickets and their relays, recent messages and the audit log, in memory."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from bot.domain.handoff import Ticket, TicketStatus
from tests.unit.fakes.tables import (
    AuditRecord,
    ConstraintBroken,
    RecentRecord,
    StaffRecord,
    Tables,
    TicketRecord,
    utc,
)

ACTIVE = ("open", "claimed")


def _ticket(record: TicketRecord) -> Ticket:
    return Ticket(
        id=record.id,
        user_id=record.user_id,
        chat_id=record.chat_id,
        language=record.language,
        topic=record.topic,
        user_name=record.user_name,
        status=cast(TicketStatus, record.status),
        alert_message_id=record.alert_message_id,
        thread_id=record.thread_id,
        claimed_by=record.claimed_by,
        claimed_by_name=record.claimed_by_name,
        created_at=record.created_at,
    )


class MemoryStaff:
    """StaffRepository."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def contains(self, user_id: int) -> bool:
        return user_id in self._t.staff

    async def add(self, user_id: int, by: int, now: datetime) -> bool:
        if user_id in self._t.staff:
            return False
        self._t.staff[user_id] = StaffRecord(by, utc(now))
        return True

    async def remove(self, user_id: int) -> bool:
        return self._t.staff.pop(user_id, None) is not None

    async def all(self) -> list[int]:
        return sorted(self._t.staff)


class MemoryTickets:
    """TicketRepository: claim, close and rate change a ticket only from the right status."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def create(
        self, user_id: int, chat_id: int, language: str, topic: str, name: str, now: datetime
    ) -> Ticket:
        ticket_id = self._t.new_id("tickets")
        record = TicketRecord(
            id=ticket_id,
            user_id=user_id,
            chat_id=chat_id,
            language=language,
            topic=topic,
            user_name=name[:64],
            status="open",
            created_at=utc(now),
        )
        self._t.tickets[ticket_id] = record
        return _ticket(record)

    async def get(self, ticket_id: int) -> Ticket | None:
        record = self._t.tickets.get(ticket_id)
        return None if record is None else _ticket(record)

    async def active_for_user(self, user_id: int) -> Ticket | None:
        found = [r for r in self._t.tickets.values() if r.user_id == user_id and r.status in ACTIVE]
        return _ticket(max(found, key=lambda r: r.id)) if found else None

    async def by_staff_message(self, message_id: int) -> Ticket | None:
        ticket_id = self._t.ticket_relays.get(message_id)
        return None if ticket_id is None else await self.get(ticket_id)

    async def remember_message(
        self, ticket_id: int, message_id: int, *, alert: bool, thread_id: int | None = None
    ) -> None:
        if message_id in self._t.ticket_relays or ticket_id not in self._t.tickets:
            raise ConstraintBroken(f"relay {message_id} of ticket {ticket_id}")
        self._t.ticket_relays[message_id] = ticket_id
        if alert:
            record = self._t.tickets[ticket_id]
            record.alert_message_id, record.thread_id = message_id, thread_id

    async def by_thread(self, thread_id: int) -> Ticket | None:
        for record in self._t.tickets.values():
            if record.thread_id == thread_id:
                return _ticket(record)
        return None

    async def claim(self, ticket_id: int, staff_id: int, name: str, now: datetime) -> bool:
        record = self._t.tickets.get(ticket_id)
        if record is None or record.status != "open":
            return False
        record.status, record.claimed_by, record.claimed_by_name = "claimed", staff_id, name[:64]
        record.claimed_at = utc(now)
        return True

    async def close(self, ticket_id: int, now: datetime) -> bool:
        record = self._t.tickets.get(ticket_id)
        if record is None or record.status not in ACTIVE:
            return False
        record.status, record.closed_at = "closed", utc(now)
        return True

    async def rate(self, ticket_id: int, user_id: int, rating: int) -> bool:
        record = self._t.tickets.get(ticket_id)
        if (
            record is None
            or record.user_id != user_id
            or record.status != "closed"
            or record.rating is not None
        ):
            return False
        record.rating = rating
        return True

    async def position(self, ticket: Ticket) -> int:
        ahead = sum(1 for r in self._t.tickets.values() if r.status == "open" and r.id < ticket.id)
        return ahead + 1

    async def open_count(self) -> int:
        return sum(1 for r in self._t.tickets.values() if r.status in ACTIVE)


class MemoryRecent:
    """RecentMessages: keeps the newest `keep` texts of a chat."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(self, chat_id: int, text: str, now: datetime, keep: int) -> None:
        messages = self._t.recent_messages
        messages[self._t.new_id("recent_messages")] = RecentRecord(chat_id, text[:2000], utc(now))
        ids = sorted((i for i, r in messages.items() if r.chat_id == chat_id), reverse=True)
        for old in ids[max(keep, 0) :]:
            del messages[old]

    async def last(self, chat_id: int, count: int) -> list[str]:
        ids = sorted(
            (i for i, r in self._t.recent_messages.items() if r.chat_id == chat_id), reverse=True
        )[: max(count, 0)]
        return [self._t.recent_messages[i].body for i in reversed(ids)]


class MemoryAudit:
    """AuditLog."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def record(self, actor_id: int, action: str, subject: str, now: datetime) -> None:
        self._t.audit_log[self._t.new_id("audit_log")] = AuditRecord(
            utc(now), actor_id, action, subject[:40]
        )
