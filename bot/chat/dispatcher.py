"""Sends due outbox rows within Telegram's limits; APScheduler only says when to look."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot

from bot.chat.sender import markup
from bot.content.context import AppContext
from bot.dialogs.reminder_texts import render
from bot.domain.handoff import reraise_at
from bot.domain.outbox import OutboxMessage
from bot.domain.reminders import next_digest
from bot.services import privacy
from bot.services.clock import Clock
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork, UnitOfWork

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
    """Keeps at least a second between two messages to one chat."""

    def __init__(self) -> None:
        self._next: dict[int, float] = {}

    async def wait(self, chat_id: int) -> None:
        now = time.monotonic()
        if len(self._next) > 10_000:  # forget chats whose second has long passed
            self._next = {chat: at for chat, at in self._next.items() if at > now}
        ready = max(self._next.get(chat_id, now), now)
        self._next[chat_id] = ready + PER_CHAT_SECONDS
        if ready > now:
            await asyncio.sleep(ready - now)


class Dispatcher:
    """Claims due rows, renders them in the recipient's language and sends them once."""

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
        """Frees claims of a crashed process, schedules a wake-up for every pending row."""
        now = self._clock.now()
        async with SqlUnitOfWork(self._database) as uow:
            await uow.outbox.release_stale_claims(now)
            await self._ensure_digest(uow, now)
            due_times = await uow.outbox.pending_due_times()
            await uow.commit()
        self._scheduler = AsyncIOScheduler(timezone=self._ctx.zone)
        self._scheduler.add_job(
            self.tick, "interval", seconds=SAFETY_WAKE_SECONDS, id="safety", coalesce=True
        )
        self._scheduler.add_job(self.purge, "cron", hour=3, minute=30, id="purge", coalesce=True)
        self._scheduler.start()
        for due in due_times:
            self.wake_at(due)
        await self.purge()

    def scheduled(self, job_id: str) -> bool:
        """Whether a recurring job is planned (for health checks and tests)."""
        return self._scheduler is not None and self._scheduler.get_job(job_id) is not None

    async def purge(self) -> dict[str, int]:
        """Deletes personal data past its retention period (daily, and once at start)."""
        now = self._clock.now()
        today = now.astimezone(self._ctx.zone).date()
        async with SqlUnitOfWork(self._database) as uow:
            counts = await privacy.purge(uow, today, self._ctx.purge_after_days, now)
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
        """Sends everything due now; returns how many rows were handled."""
        handled = 0
        async with self._lock:
            while True:
                batch = await self._claim()
                if not batch:
                    return handled
                await asyncio.gather(*(self._deliver(message) for message in batch))
                handled += len(batch)

    async def _claim(self) -> list[OutboxMessage]:
        token = uuid.uuid4().hex
        async with SqlUnitOfWork(self._database) as uow:
            claimed = await uow.outbox.claim_due(self._clock.now(), BATCH, token, LEASE)
            await uow.commit()
        return claimed

    async def _deliver(self, message: OutboxMessage) -> None:
        async with self._sending:
            now = self._clock.now()
            async with SqlUnitOfWork(self._database) as uow:
                rendered = await render(uow, self._ctx, message, now)
            if rendered is None:
                await self._finish(message, "dropped")
                return
            text, buttons = rendered
            await self._pacer.wait(message.chat_id)
            try:
                await self.bot.send_message(
                    message.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup(buttons)
                )
            except RetryAfter as exc:
                self._count("retry_after")
                wait = exc.retry_after
                seconds = wait if isinstance(wait, (int, float)) else wait.total_seconds()
                await self._retry(message, timedelta(seconds=float(seconds)), "429 retry after")
                return
            except Forbidden:
                self._count("forbidden")
                await self._finish(message, "undeliverable", "403 blocked")
                return
            except BadRequest as exc:
                self._count("error")
                await self._finish(message, "failed", f"400 {exc.message}")
                return
            except TelegramError as exc:  # 5xx and network errors: retried with backoff
                self._count("error")
                if message.attempts + 1 >= MAX_ATTEMPTS:
                    await self._finish(message, "failed", type(exc).__name__)
                else:
                    backoff = timedelta(seconds=min(600, 5 * 2**message.attempts))
                    await self._retry(message, backoff, type(exc).__name__)
                return
            self._count("sent")
            await self._finish(message, "sent")

    async def _finish(self, message: OutboxMessage, status: str, error: str = "") -> None:
        now = self._clock.now()
        async with SqlUnitOfWork(self._database) as uow:
            await uow.outbox.finish(message.id, status, now, error)
            if message.kind == "staff_digest":
                await self._ensure_digest(uow, now)
            elif message.kind == "ticket_reraise" and status == "sent":
                await self._reraise_again(uow, message, now)
            await uow.commit()
        log.info("outbox_%s id=%s kind=%s", status, message.id, message.kind)

    async def _retry(self, message: OutboxMessage, delay: timedelta, error: str) -> None:
        due = self._clock.now() + delay
        async with SqlUnitOfWork(self._database) as uow:
            await uow.outbox.retry(message.id, due, error)
            await uow.commit()
        self.wake_at(due)

    async def _reraise_again(self, uow: UnitOfWork, message: OutboxMessage, now: datetime) -> None:
        """Keeps raising an unclaimed ticket every few office minutes until someone claims it."""
        location = next(iter(self._ctx.locations.values()))
        due = reraise_at(
            now, self._ctx.zone, self._ctx.working_days[location.id], self._ctx.handoff
        )
        await uow.outbox.add(
            chat_id=message.chat_id,
            kind="ticket_reraise",
            due=due,
            language=message.language,
            now=now,
            payload=message.payload,
        )
        self.wake_at(due)

    async def _ensure_digest(self, uow: UnitOfWork, now: datetime) -> None:
        """Keeps exactly one pending morning digest for the staff chat."""
        staff = self._ctx.staff_chat_id
        if staff is None or await uow.outbox.has_pending_kind("staff_digest"):
            return
        location = next(iter(self._ctx.locations.values()))
        due = next_digest(
            now, self._ctx.zone, self._ctx.working_days[location.id], self._ctx.reminders
        )
        await uow.outbox.add(
            chat_id=staff,
            kind="staff_digest",
            due=due,
            language=self._ctx.default_language,
            now=now,
        )
        self.wake_at(due)
