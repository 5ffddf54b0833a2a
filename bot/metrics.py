"""Live metrics in the Prometheus text format, in a registry of their own per Runtime.

Counters and the latency histogram are updated as updates are handled and messages are sent;
the outbox and ticket gauges are read from the database when /metrics is scraped, so every
process reports the shared state and nothing has to keep them in step.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from bot.domain.reminders import KINDS
from bot.services.clock import Clock
from bot.storage.database import Database
from bot.storage.metrics_queries import read_live_state

log = logging.getLogger(__name__)
disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series: noise here

UPDATE_KINDS = ("message", "command", "callback_query", "edited_message", "my_chat_member", "other")
UPDATE_OUTCOMES = ("ok", "duplicate", "error", "ignored")
SEND_SOURCES = ("reply", "outbox")
SEND_OUTCOMES = ("ok", "429", "403", "error")
OUTBOX_KINDS = (*KINDS, "ticket_reraise")
OPEN_TICKET_STATUSES = ("open", "claimed")
OTHER = "other"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The bot's series; counters are fed by the processor, the sender and the dispatcher."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock
        self.registry = CollectorRegistry()
        registry = self.registry
        self.updates = Counter(
            "onestop_updates",
            "Telegram updates handled, by kind and outcome.",
            ["kind", "outcome"],
            registry=registry,
        )
        self.latency = Histogram(
            "onestop_update_duration_seconds",
            "Time to handle one update: its transaction and its replies.",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.sends = Counter(
            "onestop_sends",
            "Messages sent to Telegram by source (reply, outbox) and outcome (ok, 429, 403, error)",
            ["source", "outcome"],
            registry=registry,
        )
        self.backlog = Gauge(
            "onestop_outbox_backlog",
            "Scheduled messages that are due and not sent yet, by kind.",
            ["kind"],
            registry=registry,
        )
        self.oldest_due = Gauge(
            "onestop_outbox_oldest_due_age_seconds",
            "How long the longest-waiting due message has been due (0 without any).",
            registry=registry,
        )
        self.tickets = Gauge(
            "onestop_tickets_open",
            "Hand-off tickets not closed, by status (open = not claimed yet).",
            ["status"],
            registry=registry,
        )
        self.oldest_unclaimed = Gauge(
            "onestop_tickets_oldest_unclaimed_age_seconds",
            "Age of the oldest ticket nobody has claimed (0 without any).",
            registry=registry,
        )
        self.refresh_errors = Counter(
            "onestop_metrics_refresh_errors",
            "Scrapes whose database read failed (the gauges then keep their last values).",
            registry=registry,
        )
        for kind in UPDATE_KINDS:
            for outcome in UPDATE_OUTCOMES:
                self.updates.labels(kind, outcome)
        for source in SEND_SOURCES:
            for outcome in SEND_OUTCOMES:
                self.sends.labels(source, outcome)
        for kind in OUTBOX_KINDS:
            self.backlog.labels(kind)
        for status in OPEN_TICKET_STATUSES:
            self.tickets.labels(status)

    def observe_update(
        self, kind: str, outcome: str, seconds: float, sends: Iterable[str] = ()
    ) -> None:
        """Counts one handled update, its duration and the replies it sent."""
        kind = kind if kind in UPDATE_KINDS else OTHER
        self.updates.labels(kind, outcome if outcome in UPDATE_OUTCOMES else OTHER).inc()
        self.latency.labels(kind).observe(seconds)
        for result in sends:
            self.observe_send("reply", result)

    def observe_send(self, source: str, outcome: str) -> None:
        """Counts one attempt to send a message."""
        self.sends.labels(source, outcome if outcome in SEND_OUTCOMES else "error").inc()

    async def refresh(self) -> None:
        """Reads the outbox and ticket gauges from the database."""
        now = self._clock.now()
        state = await read_live_state(self._database, now, OPEN_TICKET_STATUSES)
        self.backlog.clear()
        for kind in OUTBOX_KINDS:
            self.backlog.labels(kind).set(0)
        for due in state.backlog:
            self.backlog.labels(due.kind).set(due.count)
        firsts = [due.oldest_due for due in state.backlog if due.oldest_due is not None]
        oldest = min(firsts, default=None)
        self.oldest_due.set(max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        counts = {group.status: (group.count, group.oldest_created) for group in state.tickets}
        for status in OPEN_TICKET_STATUSES:
            self.tickets.labels(status).set(counts.get(status, (0, None))[0])
        unclaimed = counts.get("open", (0, None))[1]
        self.oldest_unclaimed.set(max(0.0, (now - unclaimed).total_seconds()) if unclaimed else 0.0)

    async def exposition(self) -> bytes:
        """The text a scrape gets; a database failure leaves the gauges as they were."""
        try:
            await self.refresh()
        except Exception as exc:
            self.refresh_errors.inc()
            log.warning("metrics_refresh_failed error=%s", type(exc).__name__)
        return generate_latest(self.registry)
