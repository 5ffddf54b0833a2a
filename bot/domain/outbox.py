"""A scheduled message as the dispatcher sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

from bot.domain.reminders import Kind as ReminderKind

# What a row is for: a reminder, or the hand-off's re-raise of an unclaimed ticket.
OutboxKind = ReminderKind | Literal["ticket_reraise"]
OUTBOX_KINDS: tuple[OutboxKind, ...] = (*get_args(ReminderKind), "ticket_reraise")


def outbox_kind(value: str) -> OutboxKind:
    """A stored kind as its type; ValueError for one this version does not know."""
    for kind in OUTBOX_KINDS:
        if value == kind:
            return kind
    raise ValueError(f"unknown outbox kind: {value!r}")


OutboxStatus = Literal["pending", "sending", "sent", "failed", "dropped", "undeliverable"]


@dataclass(frozen=True)
class OutboxMessage:
    """One row of the outbox."""

    id: int
    chat_id: int
    user_id: int | None
    booking_id: int | None
    kind: OutboxKind
    due: datetime
    language: str
    payload: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0
