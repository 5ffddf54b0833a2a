"""Telegram-like flood control (token buckets) and scripted fault injection."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import ApiError, default_description

SENDING_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendaudio",
        "sendvideo",
        "sendvoice",
        "sendanimation",
        "sendsticker",
        "sendmediagroup",
        "sendlocation",
        "sendcontact",
        "sendpoll",
        "copymessage",
        "forwardmessage",
    }
)


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Defaults follow Telegram's published guidance, with a small per-chat burst."""

    global_per_second: float = 30.0
    global_burst: float = 30.0
    private_per_second: float = 1.0
    private_burst: float = 3.0
    group_per_minute: float = 20.0
    group_burst: float = 20.0
    methods: frozenset[str] = SENDING_METHODS


class TokenBucket:
    """Classic token bucket; cheap enough to keep one per chat."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 when available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        """Consume the token wait_time just confirmed."""
        self.tokens -= 1.0


class RateLimiter:
    """Checks the global and the per-chat bucket before a message is sent."""

    def __init__(self, limits: RateLimits, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._now = monotonic
        self._global = TokenBucket(limits.global_per_second, limits.global_burst, monotonic())
        self._chats: dict[int | str, TokenBucket] = {}
        self.hits = 0

    def _chat_bucket(self, chat_id: int | str, now: float) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            limits = self.limits
            if isinstance(chat_id, int) and chat_id > 0:
                bucket = TokenBucket(limits.private_per_second, limits.private_burst, now)
            else:
                bucket = TokenBucket(limits.group_per_minute / 60.0, limits.group_burst, now)
            self._chats[chat_id] = bucket
        return bucket

    def check(self, method: str, chat_id: int | str | None) -> None:
        """Raises the 429 Telegram would send, or consumes one token from each bucket."""
        if method not in self.limits.methods:
            return
        now = self._now()
        chat = self._chat_bucket(chat_id, now) if chat_id is not None else None
        wait = self._global.wait_time(now)
        if chat is not None:
            wait = max(wait, chat.wait_time(now))
        if wait > 0:
            self.hits += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        self._global.take()
        if chat is not None:
            chat.take()


@dataclass(slots=True)
class Fault:
    """A scripted failure; count=None keeps failing until cleared."""

    method: str | None
    status: int
    count: int | None = 1
    retry_after: int | None = None
    description: str | None = None
    chat_id: int | str | None = None
    hits: int = field(default=0)

    def error(self) -> ApiError:
        """The Telegram-shaped error this fault answers with."""
        retry_after = self.retry_after
        if self.status == 429 and retry_after is None:
            retry_after = 1
        description = self.description or default_description(self.status, retry_after)
        return ApiError(
            self.status, description, {"retry_after": retry_after} if retry_after else None
        )


class FaultInjector:
    """Holds pending faults; the list stays tiny so a scan per request is fine."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Faults fire in the order they were injected."""
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Back to normal service."""
        self.faults.clear()

    def match(self, method: str, chat_id: int | str | None) -> Fault | None:
        """Consumes one shot of the first fault matching this call."""
        if not self.faults:
            return None
        for fault in self.faults:
            if fault.method is not None and fault.method != method:
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            fault.hits += 1
            if fault.count is not None:
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
            return fault
        return None
