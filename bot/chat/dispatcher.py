"""Sends due outbox rows within Telegram's limits; APScheduler only says when to look."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot

from bot.chat.sender import markup, retry_after_seconds
from bot.content.context import AppContext
from bot.dialogs.reminder_texts import render
from bot.domain.outbox import OutboxMessage
from bot.domain.reminders import held_until
from bot.services import digest, followups, privacy
from bot.services.clock import Clock
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)
BATCH = 100
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 6
PER_CHAT_SECONDS = 1.0
CONCURRENT_SENDS = 30
SAFETY_WAKE_SECONDS = 30


def rate_limited_bot(token: str, api_url: str) -> ExtBot[int]:
    """A Bot whose sends stay under 30 messages/s overall and 20/min per group (PTB's limiter).

    One below each of Telegram's limits: the limiter counts a send when it lets it go, and a
    request that reaches Telegram faster than the one before it would otherwise find the bucket
    a fraction of a token short (measured with benchmarks/reminders.py).
    """
    return ExtBot(
        token,
        base_url=f"{api_url}/bot",
        base_file_url=f"{api_url}/file/bot",
        rate_limiter=AIORateLimiter(overall_max_rate=29, group_max_rate=19, max_retries=0),
    )


class _ChatPacer:
    """Keeps at least a second between two messages to one chat, one chat's messages in turn.

    Waiting for a chat's turn happens before a send slot is taken, so a chat with many messages
    due does not keep the other chats' messages waiting.
    """

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}
        self._last: dict[int, float] = {}

    @asynccontextmanager
    async def turn(self, chat_id: int) -> AsyncIterator[None]:
        """Waits for the chat's previous message and its second, then lets one message go."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._queued[chat_id] = self._queued.get(chat_id, 0) + 1
        try:
            async with lock:
                last = self._last.get(chat_id)
                if last is not None and (wait := last + PER_CHAT_SECONDS - time.monotonic()) > 0:
                    await asyncio.sleep(wait)
                try:
                    yield
                finally:  # counted from the end of the send: it reached Telegram by then
                    self._last[chat_id] = time.monotonic()
        finally:
            self._queued[chat_id] -= 1
            if not self._queued[chat_id]:
                del self._queued[chat_id], self._locks[chat_id]
            if len(self._last) > 10_000:  # forget chats whose second has long passed
                since = time.monotonic() - PER_CHAT_SECONDS
                self._last = {chat: at for chat, at in self._last.items() if at > since}


@dataclass(frozen=True)
class _Outcome:
    """How a delivery attempt ended: a final status, or another attempt `retry_in` later."""

    status: str
    error: str = ""
    retry_in: timedelta | None = None
    held_until: datetime | None = None  # not sent, not an attempt: quiet hours


class Dispatcher:
    """Claims due rows, renders them in the recipient's language, sends them once, finishes them.

    What a finished row sets in motion (the next digest, the next raise of a ticket) and the
    daily purge are services' rules; this class only calls them.
    """

    def __init__(
        self,
        bot: Bot,
        database: Database,
        ctx: AppContext,
        clock: Clock,
        metrics: Metrics | None = None,
    ) -> None:
        self.bot = bot
        self._metrics = metrics
        self._database = database
        self._ctx = ctx
        self._clock = clock
        self._scheduler: AsyncIOScheduler | None = None
        self._lock = asyncio.Lock()
        self._pacer = _ChatPacer()
        self._sending = asyncio.Semaphore(CONCURRENT_SENDS)
        self.stats: dict[str, int] = {"sent": 0, "retry_after": 0, "forbidden": 0, "error": 0}

    def _count(self, stat: str) -> None:
        """Counts a send's outcome in the stats and in the Prometheus metrics."""
        self.stats[stat] += 1
        if self._metrics is not None:
            outcome = {"sent": "ok", "retry_after": "429", "forbidden": "403"}.get(stat, "error")
            self._metrics.observe_send("outbox", outcome)

    async def start(self) -> None:
        """Plans the digest, schedules a wake-up for every pending row and the daily purge."""
        now = self._clock.now()
        async with SqlUnitOfWork(self._database) as uow:
            digest_due = await digest.plan_next(uow, self._ctx, now)
            due_times = await uow.outbox.pending_due_times()
            await uow.commit()
        self._scheduler = AsyncIOScheduler(timezone=self._ctx.zone)
        self._scheduler.add_job(
            self.tick, "interval", seconds=SAFETY_WAKE_SECONDS, id="safety", coalesce=True
        )
        self._scheduler.add_job(self.purge, "cron", hour=3, minute=30, id="purge", coalesce=True)
        self._scheduler.start()
        for due in {*due_times, *([digest_due] if digest_due else [])}:
            self.wake_at(due)
        await self.purge()

    def scheduled(self, job_id: str) -> bool:
        """Whether a recurring job is planned (for health checks and tests)."""
        return self._scheduler is not None and self._scheduler.get_job(job_id) is not None

    async def purge(self) -> dict[str, int]:
        """Deletes personal data past its retention period (daily, and once at start)."""
        async with SqlUnitOfWork(self._database) as uow:
            counts = await privacy.purge_expired(uow, self._ctx, self._clock.now())
            await uow.commit()
        log.info("purged %s", " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
        return counts

    async def stop(self) -> None:
        """Stops waking; rows not sent stay pending for the next start."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    def wake_at(self, due: datetime) -> None:
        """Asks to look at the outbox when something falls due (at once if it already has)."""
        if self._scheduler is None:
            return
        delay = max(0.0, (due - self._clock.now()).total_seconds())
        run_at = datetime.now(self._ctx.zone) + timedelta(seconds=delay)
        self._scheduler.add_job(
            self.tick,
            "date",
            run_date=run_at,
            id=f"wake-{int(due.timestamp())}",
            replace_existing=True,
            misfire_grace_time=None,
        )

    async def tick(self) -> int:
        """Sends everything due now, and rows whose sender's claim expired; returns how many."""
        handled = 0
        async with self._lock:
            while True:
                token = uuid.uuid4().hex
                batch = await self._claim(token)
                if not batch:
                    return handled
                await asyncio.gather(*(self._deliver(message, token) for message in batch))
                handled += len(batch)

    async def _claim(self, token: str) -> list[OutboxMessage]:
        async with SqlUnitOfWork(self._database) as uow:
            claimed = await uow.outbox.claim_due(
                self._clock.now(), BATCH, token, LEASE, max_attempts=MAX_ATTEMPTS
            )
            await uow.commit()
        return claimed

    async def _deliver(self, message: OutboxMessage, token: str) -> None:
        """One row, start to end; whatever goes wrong stays with this row."""
        held = held_until(message.kind, self._clock.now(), self._ctx.zone, self._ctx.reminders)
        try:
            if held is not None:
                outcome = _Outcome("pending", held_until=held)
            else:
                async with self._pacer.turn(message.chat_id), self._sending:
                    outcome = await self._attempt(message)
        except Exception as exc:  # a bug must not strand the row, nor stop the batch
            log.error("outbox_error id=%s kind=%s error=%s", message.id, message.kind, _name(exc))
            self._count("error")
            outcome = _again_later(message, _name(exc))
        try:
            await self._record(message, token, outcome)
        except Exception as exc:  # the claim's lease runs out and a later tick takes the row
            log.error(
                "outbox_unrecorded id=%s kind=%s error=%s", message.id, message.kind, _name(exc)
            )

    async def _attempt(self, message: OutboxMessage) -> _Outcome:
        """Renders the row now (so it says what is true now) and sends it."""
        try:
            async with SqlUnitOfWork(self._database) as uow:
                rendered = await render(uow, self._ctx, message, self._clock.now())
        except Exception as exc:  # no text, no send; logged by type only: texts hold personal data
            log.error(
                "outbox_render_failed id=%s kind=%s error=%s", message.id, message.kind, _name(exc)
            )
            self._count("error")
            return _again_later(message, f"render {_name(exc)}")
        if rendered is None:
            return _Outcome("dropped")
        text, buttons = rendered
        try:
            await self.bot.send_message(
                message.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup(buttons)
            )
        except RetryAfter as exc:
            self._count("retry_after")
            wait = timedelta(seconds=retry_after_seconds(exc))
            return _Outcome("pending", "429 retry after", wait)
        except Forbidden:
            self._count("forbidden")
            return _Outcome("undeliverable", "403 blocked")
        except BadRequest as exc:
            self._count("error")
            return _Outcome("failed", f"400 {exc.message}")
        except TelegramError as exc:  # 5xx and network errors: retried with backoff
            self._count("error")
            return _again_later(message, _name(exc))
        self._count("sent")
        return _Outcome("sent")

    async def _record(self, message: OutboxMessage, token: str, outcome: _Outcome) -> None:
        """Finishes the row, or puts it back, while our claim still holds it."""
        now = self._clock.now()
        wakes: list[datetime] = []
        async with SqlUnitOfWork(self._database) as uow:
            if outcome.held_until is not None:
                ours = await uow.outbox.postpone(message.id, outcome.held_until, claim=token)
                wakes.append(outcome.held_until)
            elif outcome.retry_in is not None:
                due = now + outcome.retry_in
                ours = await uow.outbox.retry(message.id, due, outcome.error, claim=token)
                wakes.append(due)
            else:
                ours = await uow.outbox.finish(
                    message.id, outcome.status, now, outcome.error, claim=token
                )
                if ours:
                    wakes += await followups.after_delivery(
                        uow, self._ctx, message, outcome.status, now
                    )
            await uow.commit()
        if not ours:
            log.warning("outbox_taken_over id=%s kind=%s", message.id, message.kind)
            return
        for due in wakes:
            self.wake_at(due)
        if outcome.held_until is not None:
            log.info("outbox_held id=%s kind=%s reason=quiet_hours", message.id, message.kind)
        elif outcome.retry_in is None:
            log.info("outbox_%s id=%s kind=%s", outcome.status, message.id, message.kind)


def _again_later(message: OutboxMessage, error: str) -> _Outcome:
    """Another attempt after a growing pause, until the last one fails the row."""
    if message.attempts + 1 >= MAX_ATTEMPTS:
        return _Outcome("failed", error)
    return _Outcome("pending", error, timedelta(seconds=min(600, 5 * 2**message.attempts)))


def _name(exc: BaseException) -> str:
    """An error's type: its message may quote a text, and texts hold personal data."""
    return type(exc).__name__
