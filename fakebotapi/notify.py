"""A broadcast wake-up primitive for long polls and test waits."""

from __future__ import annotations

import asyncio


class Notifier:
    """Wakes every current waiter on notify(); later waiters wait for the next one."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Release all waiters and arm a fresh event for the next round."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, limit: float | None) -> bool:
        """True when notified, False on timeout; the event is captured before suspending."""
        event = self._event
        if limit is None:
            await event.wait()
            return True
        if limit <= 0:
            return False
        try:
            async with asyncio.timeout(limit):
                await event.wait()
        except TimeoutError:
            return False
        return True
