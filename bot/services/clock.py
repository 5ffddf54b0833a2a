"""Time as a dependency, so tests can move it instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time, aware and in UTC."""

    def now(self) -> datetime:
        """The current moment."""


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current moment in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock tests set and advance by hand."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """The time the test last set."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Moves time forward."""
        self._now += delta

    def set(self, moment: datetime) -> None:
        """Jumps to a moment."""
        self._now = moment.astimezone(UTC)
