"""A scheduled message as the dispatcher sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

OutboxStatus = Literal["pending", "sending", "sent", "failed", "dropped", "undeliverable"]


@dataclass(frozen=True)
class OutboxMessage:
    """One row of the outbox."""

    id: int
    chat_id: int
    user_id: int | None
    booking_id: int | None
    kind: str
    due: datetime
    language: str
    payload: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0
