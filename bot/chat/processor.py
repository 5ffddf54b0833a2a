"""Processes different chats concurrently and each chat's updates in order, logging each once."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.chat.inputs import update_kind

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger("bot.updates")


@dataclass
class UpdateRecord:
    """Filled in by the handler so the processor can log one line per update."""

    handler: str = "none"
    outcome: str = "ignored"
    sends: list[str] = field(default_factory=list)  # outcome of each reply sent (for metrics)


CURRENT: contextvars.ContextVar[UpdateRecord | None] = contextvars.ContextVar(
    "current_update", default=None
)


def current_record() -> UpdateRecord:
    """The record of the update being handled (a throwaway one outside the processor)."""
    return CURRENT.get() or UpdateRecord()


class _ChatLock:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """A chat's updates wait for each other; other chats go on in parallel."""

    def __init__(self, max_concurrent_updates: int = 256, metrics: Metrics | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self._metrics = metrics
        self._locks: dict[int, _ChatLock] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Serialises by chat id, then runs and logs the handling."""
        key = _chat_key(update)
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = _ChatLock()
        entry.users += 1
        try:
            async with entry.lock:
                await self._run(update, coroutine)
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._locks[key]

    async def _run(self, update: object, coroutine: Awaitable[Any]) -> None:
        record = UpdateRecord()
        token = CURRENT.set(record)
        started = time.perf_counter()
        try:
            await coroutine
        finally:
            CURRENT.reset(token)
            seconds = time.perf_counter() - started
            duration_ms = seconds * 1000
            if isinstance(update, Update):
                log.info(
                    "update id=%s kind=%s handler=%s duration_ms=%.1f outcome=%s",
                    update.update_id,
                    update_kind(update),
                    record.handler,
                    duration_ms,
                    record.outcome,
                )
                if self._metrics is not None:
                    self._metrics.observe_update(
                        update_kind(update), record.outcome, seconds, record.sends
                    )

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def _chat_key(update: object) -> int:
    """The chat an update belongs to (0 for updates without one)."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return 0
