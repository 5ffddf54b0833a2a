"""Reminder burst: 1,000 reminders due in the same minute, sent within Telegram's limits.

Run from the repository root:

    .venv/bin/python benchmarks/reminders.py [--reminders 1000] [--per-chat 1] [--cap 90]
    .venv/bin/python benchmarks/reminders.py \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/onestop_bench_reminders

The production runtime (build_runtime + running, polling mode, the real Dispatcher with PTB's
AIORateLimiter) runs in this process against the fake Bot API with Telegram's flood control
enforced (30 messages/s overall with a burst of 30, about 1/s per private chat). Before the
bot starts, the benchmark registers one fake user per --per-chat reminders (one by default) and
writes, in one transaction, one active booking per user and --per-chat `bsn_next_steps` outbox
rows per user (a user's rows one after the other), all due at the same moment (the moment of
writing). The dispatcher's start() then wakes for that due time, and the clock
runs from its first tick until the fake has accepted every message (capped at --cap seconds).

Figures: messages delivered, 429 answers (there must be none), other failures, elapsed time,
the achieved rate and its ratio to Telegram's 30 messages/s (the target is 0.85), lateness
(the time the fake accepted a message minus its due time) and, per claimed batch of 100, when
its first and last messages went out, to show where time goes between batches.

The database is a fresh SQLite file by default. --database-url empties the given PostgreSQL
database's public schema first (never point it at real data nor at `test`, which the test
suite uses). The exit status is 1 when a message was not delivered, a 429 was answered or the
ratio is below --target.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402
from telegram.ext import AIORateLimiter, ExtBot  # noqa: E402

from bot.app import Runtime, build_runtime, running  # noqa: E402
from bot.chat.dispatcher import BATCH, CONCURRENT_SENDS  # noqa: E402
from bot.domain.booking import BookedVisit, party_of  # noqa: E402
from bot.logs import setup_logging  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.storage import schema  # noqa: E402
from bot.storage.unit_of_work import SqlUnitOfWork  # noqa: E402
from fakebotapi import BotEvent, FakeBotApi, SimUser  # noqa: E402

TOKEN = "123456:BENCH-REMINDERS"
BOT_USERNAME = "reminders_bench_bot"
FIRST_USER_ID = 8_000_001
TELEGRAM_RATE = 30.0  # messages per second, overall (Telegram's published broadcast limit)
KIND = "bsn_next_steps"
FINAL = ("sent", "failed", "undeliverable", "dropped")


@dataclass(frozen=True)
class Options:
    """What to run."""

    reminders: int
    per_chat: int
    cap: float
    target: float
    database_url: str
    log_file: Path
    limiter: tuple[float, float] | None  # (rate, burst) instead of the production limiter
    scratch: Path | None  # the temporary folder of the default SQLite file, removed at the end


@dataclass
class Deliveries:
    """What the fake Bot API accepted, as its listener saw it (same process, same clock)."""

    chats: set[int]
    per_chat: int = 1  # messages each chat is due
    perf: dict[int, list[float]] = field(default_factory=dict)  # chat -> perf_counter, in order
    wall: list[float] = field(default_factory=list)  # Unix time of each acceptance
    duplicates: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, event: BotEvent) -> None:
        if event.kind != "sent" or event.chat_id not in self.chats:
            return
        times = self.perf.setdefault(event.chat_id, [])
        if len(times) == self.per_chat:
            self.duplicates += 1
            return
        times.append(time.perf_counter())
        self.wall.append(time.time())
        if len(self.wall) == len(self.chats) * self.per_chat:
            self.done.set()

    def accepted(self) -> list[float]:
        """Every acceptance's perf_counter, in order."""
        return sorted(t for times in self.perf.values() for t in times)


@dataclass
class Ticks:
    """When the dispatcher's tick() ran (wrapped on the instance, the code is unchanged)."""

    starts: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)  # Unix time of each start
    handled: list[int] = field(default_factory=list)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile; NaN when there is nothing to rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def ideal_seconds(count: int, per_chat: int = 1) -> float:
    """When Telegram's bucket lets the count-th message of a burst through, at the earliest.

    With several messages per chat, a chat's last one cannot go before (per_chat - 1) seconds.
    """
    return max(0.0, (count - TELEGRAM_RATE) / TELEGRAM_RATE, per_chat - 1.0)


def fresh_sqlite() -> tuple[str, Path]:
    """A new SQLite file in a new temporary folder: its URL and the folder."""
    folder = Path(tempfile.mkdtemp(prefix="onestop-bench-reminders-"))
    return f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}", folder


def awake_content(folder: Path) -> Path:
    """content/ with its quiet hours moved to a minute twelve hours away (they apply at send
    time, and the benchmark sends at the real time of day, which may be night)."""
    target = folder / "content"
    shutil.copytree(ROOT / "content", target)
    reminders = target / "reminders.toml"
    start = datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(hours=12)
    quiet = f'start = "{start:%H:%M}"\nend = "{start + timedelta(minutes=1):%H:%M}"'
    text = re.sub(r'start = "[0-9:]+"\nend = "[0-9:]+"', quiet, reminders.read_text("utf-8"))
    reminders.write_text(text, "utf-8")
    return target


async def empty_postgres(url: str) -> None:
    """Drops and recreates the public schema of a scratch PostgreSQL database."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def seed(
    runtime: Runtime, users: Sequence[SimUser], due: datetime, per_chat: int = 1
) -> float:
    """One active booking and `per_chat` outbox rows per user, in one transaction; returns s."""
    started = time.perf_counter()
    visit_start = due + timedelta(days=3)
    visits = (BookedVisit("ind", "ind", visit_start, visit_start + timedelta(minutes=15)),)
    async with SqlUnitOfWork(runtime.database) as uow:
        for number, user in enumerate(users):
            booking = await uow.bookings.add(
                reference=f"RMD-{number:05d}",
                user_id=user.id,
                chat_id=user.id,
                location_id="maastricht",
                visits=visits,
                party=party_of(False, 0),
                language="en",
                now=due,
            )
            for _ in range(per_chat):
                await uow.outbox.add(
                    chat_id=user.id,
                    user_id=user.id,
                    booking_id=booking.id,
                    kind=KIND,
                    due=due,
                    language="en",
                    now=due,
                )
        await uow.commit()
    return time.perf_counter() - started


async def make_due(runtime: Runtime, due: datetime) -> None:
    """Sets every row's due time to one moment, just before the bot starts."""
    async with SqlUnitOfWork(runtime.database) as uow:
        await uow.session.execute(
            text("UPDATE outbox SET due_at = :due WHERE kind = :kind"), {"due": due, "kind": KIND}
        )
        await uow.commit()


def what_if_limiter(runtime: Runtime, rate: float, burst: float) -> None:
    """Diagnosis only: the dispatcher's bot with another overall limiter (code unchanged)."""
    api = runtime.settings.telegram_api_url
    runtime.dispatcher.bot = ExtBot(
        runtime.settings.telegram_bot_token,
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        rate_limiter=AIORateLimiter(
            overall_max_rate=burst,
            overall_time_period=burst / rate,
            group_max_rate=20,
            max_retries=0,
        ),
    )


def instrument(runtime: Runtime, ticks: Ticks) -> None:
    """Records each tick's start; the scheduler calls whatever `tick` is on the instance."""
    dispatcher = runtime.dispatcher
    original = dispatcher.tick

    async def timed_tick() -> int:
        ticks.starts.append(time.perf_counter())
        ticks.wall.append(time.time())
        handled = await original()
        ticks.handled.append(handled)
        return handled

    dispatcher.tick = timed_tick  # type: ignore[method-assign]


async def outbox_counts(runtime: Runtime) -> Counter[str]:
    """Rows of the benchmark's kind per status."""
    async with runtime.database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT status, count(*) FROM outbox WHERE kind = :kind GROUP BY status"),
            {"kind": KIND},
        )
        return Counter({str(status): int(n) for status, n in rows.all()})


async def settle(runtime: Runtime, expected: int, timeout: float) -> Counter[str]:  # noqa: ASYNC109
    """Waits (briefly) until every row has a final status, then returns the counts."""
    deadline = time.monotonic() + timeout
    while True:
        counts = await outbox_counts(runtime)
        if sum(counts[s] for s in FINAL) >= expected or time.monotonic() >= deadline:
            return counts
        await asyncio.sleep(0.2)


@dataclass(frozen=True)
class Report:
    """Every figure the benchmark prints."""

    reminders: int
    per_chat: int
    delivered: int
    duplicates: int
    too_many: int
    rate_limit_hits: int
    other_errors: dict[str, int]
    elapsed: float
    rate: float
    steady_rate: float
    lateness: list[float]
    start_delay: float
    first_send_delay: float
    ticks: int
    batch_lines: list[str]
    counts: Counter[str]
    stats: dict[str, int]
    refusals: list[str]


def refusals(fake: FakeBotApi, origin_wall: float, limit: int = 10) -> list[str]:
    """When the 429s came (the fake logs the end of each request) and to which chat."""
    refused = [r for r in fake.requests_for("sendMessage") if r.status == 429]
    lines = [f"  429 at {r.timestamp - origin_wall:>7.3f} s, chat {r.chat_id}" for r in refused]
    if len(lines) > limit:
        lines = [*lines[:limit], f"  ... and {len(lines) - limit} more"]
    return lines


def batch_lines(
    users: Sequence[SimUser], deliveries: Deliveries, origin: float, retried: set[int]
) -> list[str]:
    """Which rows each claimed batch holds, and when its messages went out.

    A claim takes the earliest row of each chat by (due, id), up to BATCH: users' rows were
    written one user after the other, so the batches are users 0..BATCH-1 with their first
    message, then the same users with their second, and so on, then the next BATCH users.
    A row answered 429 is put back due retry_after later, so a later claim takes it (after
    every row due earlier): it is reported apart, not in its first batch's span.
    """
    lines = []
    previous_last: float | None = None
    per_chat = deliveries.per_chat
    batches = [(f, n) for f in range(0, len(users), BATCH) for n in range(per_chat)]
    for number, (first, n) in enumerate(batches, 1):
        chunk = [
            u.id for u in users[first : first + BATCH] if len(deliveries.perf.get(u.id, [])) > n
        ]
        times = sorted(deliveries.perf[c][n] for c in chunk if c not in retried)
        late = sorted(deliveries.perf[c][n] - origin for c in chunk if c in retried)
        if not times:
            lines.append(f"  batch {number:>3}: nothing delivered at the first attempt")
            continue
        span = times[-1] - times[0]
        gap = "" if previous_last is None else f"gap {times[0] - previous_last:>6.3f} s  "
        rate = (len(times) - 1) / span if span > 0 else float("inf")
        again = "" if not late else "  + retried " + ", ".join(f"{t:.3f} s" for t in late)
        lines.append(
            f"  batch {number:>3}: {len(times):>3} sent  "
            f"{times[0] - origin:>7.3f} -> {times[-1] - origin:>7.3f} s  {gap}"
            f"{rate:>6.1f} msg/s{again}"
        )
        previous_last = times[-1]
    return lines


async def run(options: Options) -> Report:
    """Seeds, starts the production runtime, waits for the burst to drain, collects figures."""
    fake = FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME, enforce_rate_limits=True)
    await fake.start()
    try:
        chats = options.reminders // options.per_chat
        users = [fake.add_user(FIRST_USER_ID + i, f"User{i}", "en") for i in range(chats)]
        deliveries = Deliveries({u.id for u in users}, options.per_chat)
        fake.add_listener(deliveries)
        settings = load_settings(
            telegram_bot_token=fake.token,
            telegram_api_url=fake.root_url,
            database_url=options.database_url,
            staff_chat_id=None,  # no staff digest row: only the benchmark's rows are due
            admin_user_ids=(),
            content_dir=awake_content(Path(tempfile.mkdtemp(prefix="onestop-bench-content-"))),
        )
        if settings.database_url.startswith("postgresql"):
            await empty_postgres(settings.database_url)
        runtime = build_runtime(settings)
        await schema.upgrade(runtime.database)
        seeded = await seed(runtime, users, datetime.now(UTC), options.per_chat)
        print(f"seeded {len(users)} bookings + {options.reminders} outbox rows in {seeded:.2f} s")
        if options.limiter is not None:
            what_if_limiter(runtime, *options.limiter)
        ticks = Ticks()
        instrument(runtime, ticks)
        due = datetime.now(UTC)  # "now" for every row: the bot starts right after
        await make_due(runtime, due)
        entered = time.perf_counter()
        async with running(runtime, "polling"):
            try:
                await asyncio.wait_for(deliveries.done.wait(), options.cap)
            except TimeoutError:
                print(f"cap of {options.cap:g} s reached before every message was delivered")
            finished = time.perf_counter()
            counts = await settle(runtime, options.reminders, timeout=5.0)
            stats = dict(runtime.dispatcher.stats)
        origin = ticks.starts[0] if ticks.starts else entered
        accepted = deliveries.accepted()
        last = accepted[-1] if len(accepted) == options.reminders else finished
        elapsed = last - origin
        steady = (
            (len(accepted) - 1) / (accepted[-1] - accepted[0])
            if len(accepted) > 1 and accepted[-1] > accepted[0]
            else float("nan")
        )
        due_ts = due.timestamp()
        retried = {
            int(r.chat_id)
            for r in fake.requests_for("sendMessage")
            if r.status != 200 and r.chat_id is not None
        }
        others = {
            str(status): n
            for status, n in fake.status_counts.items()
            if status not in (200, 429) and n
        }
        return Report(
            reminders=options.reminders,
            per_chat=options.per_chat,
            delivered=len(accepted),
            duplicates=deliveries.duplicates,
            too_many=fake.too_many_requests,
            rate_limit_hits=fake.rate_limit_hits,
            other_errors=others,
            elapsed=elapsed,
            rate=len(accepted) / elapsed if elapsed > 0 else float("nan"),
            steady_rate=steady,
            lateness=[wall - due_ts for wall in deliveries.wall],
            start_delay=(origin - entered),
            first_send_delay=(accepted[0] - origin) if accepted else float("nan"),
            refusals=refusals(fake, ticks.wall[0] if ticks.wall else time.time()),
            ticks=len(ticks.starts),
            batch_lines=batch_lines(users, deliveries, origin, retried),
            counts=counts,
            stats=stats,
        )
    finally:
        await fake.stop()


def print_report(report: Report, options: Options) -> bool:
    """Prints the figures; returns whether every check passed."""
    ratio = report.rate / TELEGRAM_RATE
    failed_rows = {s: n for s, n in report.counts.items() if s != "sent"}
    other = ", ".join(f"{k}={v}" for k, v in sorted(report.other_errors.items())) or "none"
    print()
    print(f"delivered:            {report.delivered} / {report.reminders}")
    print(
        f"429 responses:        {report.too_many} "
        f"(flood control {report.rate_limit_hits}, dispatcher retry_after "
        f"{report.stats.get('retry_after', 0)})"
    )
    print(
        f"other errors:         HTTP {other}; dispatcher forbidden="
        f"{report.stats.get('forbidden', 0)} error={report.stats.get('error', 0)}; "
        f"rows not sent: {failed_rows or 'none'}; duplicates: {report.duplicates}"
    )
    print(f"elapsed:              {report.elapsed:.2f} s (first tick -> last message accepted)")
    print(f"achieved rate:        {report.rate:.2f} msg/s")
    print(f"ratio to 30 msg/s:    {ratio:.3f} (target >= {options.target:.2f})")
    print(f"steady rate:          {report.steady_rate:.2f} msg/s (first -> last message)")
    print(
        f"lateness (sent - due): p50 {percentile(report.lateness, 50):.2f} s, "
        f"p99 {percentile(report.lateness, 99):.2f} s, "
        f"max {max(report.lateness, default=float('nan')):.2f} s"
    )
    print(
        f"startup:              {report.start_delay:.2f} s from running() to the first tick, "
        f"then {report.first_send_delay * 1000:.0f} ms to the first message; "
        f"{report.ticks} tick(s)"
    )
    print(
        f"reference:            Telegram's bucket (burst 30, then 30/s) allows {report.reminders} "
        f"messages ({report.per_chat} per chat, a second apart) in "
        f"{ideal_seconds(report.reminders, report.per_chat):.2f} s at best, with lateness p50 "
        f"{ideal_seconds(math.ceil(report.reminders * 0.5)):.2f} s and p99 "
        f"{ideal_seconds(math.ceil(report.reminders * 0.99)):.2f} s (plus startup); "
        f"dispatcher: batches of {BATCH}, {CONCURRENT_SENDS} concurrent sends"
    )
    for line in report.refusals:
        print(line)
    print("per claimed batch (times from the first tick):")
    for line in report.batch_lines:
        print(line)
    print(f"bot log: {options.log_file}")
    passed = (
        report.delivered == report.reminders
        and report.too_many == 0
        and not failed_rows
        and ratio >= options.target
    )
    print("verdict:", "PASS" if passed else "FAIL")
    return passed


def parse_args(argv: Sequence[str] | None = None) -> Options:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--reminders", type=int, default=1000, help="outbox rows (1000)")
    parser.add_argument(
        "--per-chat", type=int, default=1, help="rows per user, one after the other (1)"
    )
    parser.add_argument("--cap", type=float, default=90.0, help="give up after this many s (90)")
    parser.add_argument("--target", type=float, default=0.85, help="ratio to 30 msg/s to pass")
    parser.add_argument(
        "--database-url",
        default="",
        help="a scratch PostgreSQL database (its public schema is dropped); default: new SQLite",
    )
    parser.add_argument(
        "--log-file",
        type=Path,
        default=Path(tempfile.gettempdir()) / "onestop-bench-reminders.log",
        help="where the bot logs, as in production (INFO)",
    )
    parser.add_argument(
        "--limiter",
        metavar="RATE[/BURST]",
        default="",
        help="diagnosis: replace the dispatcher's overall limiter by RATE msg/s with a bucket of "
        "BURST (default BURST = RATE, as in production); e.g. 30/1 or 29",
    )
    args = parser.parse_args(argv)
    if args.per_chat < 1 or args.reminders % args.per_chat:
        parser.error("--reminders must be a multiple of --per-chat")
    limiter: tuple[float, float] | None = None
    if args.limiter:
        rate_text, _, burst_text = args.limiter.partition("/")
        rate = float(rate_text)
        limiter = (rate, float(burst_text) if burst_text else rate)
    scratch: Path | None = None
    url: str = args.database_url
    if not url:
        url, scratch = fresh_sqlite()
    if url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] == "test":
        parser.error("the `test` database belongs to the test suite: use a scratch database")
    return Options(
        args.reminders, args.per_chat, args.cap, args.target, url, args.log_file, limiter, scratch
    )


def main() -> None:
    """Entry point."""
    options = parse_args()
    setup_logging("INFO", options.log_file)
    if options.limiter is not None:
        rate, burst = options.limiter
        print(f"WHAT-IF: dispatcher limiter replaced by {rate:g} msg/s, bucket {burst:g}")
    print(
        f"reminders: {options.reminders} rows of {KIND} for "
        f"{options.reminders // options.per_chat} users, all due "
        f"now; fake Bot API with Telegram's limits enforced; database {options.database_url}"
    )
    try:
        report = asyncio.run(run(options))
    finally:
        if options.scratch is not None:
            shutil.rmtree(options.scratch, ignore_errors=True)
    sys.exit(0 if print_report(report, options) else 1)


if __name__ == "__main__":
    main()
