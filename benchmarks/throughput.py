"""Closed-loop load test over the fake Bot API: the onestop bot against a bare PTB echo bot.

Run from the repository root:

    .venv/bin/python benchmarks/throughput.py [--users 50] [--seconds 15]
    .venv/bin/python benchmarks/throughput.py \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

Each simulated user sends one input, waits until the bot has finished answering it, then
sends the next. By default each bot runs in a child process, so the load generator and the
fake server (which stand in for Telegram) do not take the bot's CPU; --in-process runs
everything in one event loop instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import pstats
import signal
import sys
import time
import tomllib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.echo_bot import AGAIN, ALLOWED_UPDATES, build_echo_application  # noqa: E402
from fakebotapi import BotEvent, BotMessage, FakeBotApi, SimUser  # noqa: E402

TOKEN = "123456:BENCH"
BOT_USERNAME = "bench_bot"
DEFAULT_DATABASE = "sqlite+aiosqlite:////tmp/onestop-bench.sqlite3"
LOG_DIR = Path("/tmp")
FIRST_USER_ID = 7_000_001
READY = "READY"
SCRIPT = str(Path(__file__).resolve())
BotKind = Literal["echo", "onestop"]
Predicate = Callable[[BotMessage], bool]


# -- what the users do ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One input of a user's loop, and the reply that shows the bot has finished with it."""

    name: str
    kind: Literal["text", "tap"]
    value: str
    done: Predicate
    keep: bool = False  # the finishing message is the one later taps press


@dataclass(frozen=True)
class Scenario:
    """A bot and the loop every simulated user repeats against it."""

    bot: BotKind
    steps: tuple[Step, ...]
    resync: Step  # sent after a timeout to get back to a known state


def _any(message: BotMessage) -> bool:
    """Any message finishes a step that gets exactly one reply."""
    return True


def _has_keyboard(message: BotMessage) -> bool:
    """The eligibility check ends its first turn with a question that has buttons."""
    return message.inline_keyboard is not None


def _has_button(label: str) -> Predicate:
    """A menu is recognised by one of its labels (the language button tells which menu)."""
    return lambda message: label in message.buttons()


def _menu_labels(lang: str) -> dict[str, str]:
    """Labels from the content files, so the loop follows label edits."""
    with (ROOT / "content" / lang / "messages.toml").open("rb") as handle:
        menu: dict[str, str] = tomllib.load(handle)["menu"]
    return menu


def onestop_scenario() -> Scenario:
    """/start, Help, Dutch and back, a question, the eligibility check, /cancel."""
    en, nl = _menu_labels("en"), _menu_labels("nl")
    menu_en = _has_button(en["help"])
    cancel = Step("/cancel", "text", "/cancel", menu_en, keep=True)
    steps = (
        Step("/start", "text", "/start", menu_en, keep=True),
        Step("tap help", "tap", en["help"], _any),
        Step("tap nederlands", "tap", en["language"], _has_button(nl["language"]), keep=True),
        Step("tap english", "tap", nl["language"], _has_button(en["language"]), keep=True),
        Step("what is a bsn", "text", "what is a bsn", _any),
        Step("tap eligibility", "tap", en["eligibility"], _has_keyboard),
        cancel,
    )
    return Scenario("onestop", steps, cancel)


def echo_scenario() -> Scenario:
    """The same sequence of texts and taps as the onestop loop, each answered once."""
    kinds = [(step.name, step.kind, step.value) for step in onestop_scenario().steps]
    steps = tuple(
        Step(name, kind, value if kind == "text" else AGAIN, _any, keep=True)
        for name, kind, value in kinds
    )
    return Scenario("echo", steps, steps[0])


# -- measuring -----------------------------------------------------------------------------


class Inbox:
    """One user's view of the chat: bot messages with the time the fake server saw them."""

    __slots__ = ("arrivals", "wake")

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, BotMessage]] = []
        self.wake = asyncio.Event()

    def push(self, at: float, message: BotMessage) -> None:
        """Called from the fake server's listener, in its event loop."""
        self.arrivals.append((at, message))
        self.wake.set()

    async def first(
        self,
        predicate: Predicate,
        timeout: float,  # noqa: ASYNC109 - a per-step deadline, not a cancellation scope
    ) -> tuple[float, BotMessage]:
        """The first message since the last clear() that matches."""
        index = 0
        async with asyncio.timeout(timeout):
            while True:
                while index < len(self.arrivals):
                    at, message = self.arrivals[index]
                    index += 1
                    if predicate(message):
                        return at, message
                self.wake.clear()
                await self.wake.wait()


@dataclass
class Sample:
    """One answered input."""

    step: str
    sent_at: float
    first_at: float
    done_at: float


@dataclass
class Window:
    """The measured interval and everything that happened in it."""

    begin: float = float("inf")
    end: float = float("inf")
    samples: list[Sample] = field(default_factory=list)
    messages: int = 0
    errors: int = 0

    def inside(self, at: float) -> bool:
        """Warm-up and drain time are not measured."""
        return self.begin <= at <= self.end


@dataclass(frozen=True)
class Traffic:
    """The Bot API calls the fake server answered during the window."""

    calls: int  # everything but getUpdates
    polls: int  # getUpdates
    refused: int  # answers other than 200, which a healthy run never gets

    @classmethod
    def snapshot(cls, fake: FakeBotApi) -> Traffic:
        """Reads the fake's request log, reset when the window began."""
        polls = len(fake.requests_for("getUpdates"))
        refused = sum(n for status, n in fake.status_counts.items() if status != 200)
        return cls(len(fake.requests) - polls, polls, refused)


@dataclass
class Result:
    """What one bot's phase printed, for the comparison at the end."""

    bot: BotKind
    replies_per_s: float
    messages_per_s: float
    p50: float
    p95: float
    p99: float
    errors: int
    calls_per_input: float
    polls: int
    refused: int
    bot_cpu: float | None
    generator_cpu: float
    by_step: dict[str, list[float]]


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile; NaN when nothing was measured."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def process_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU of another process, from /proc (None where that is missing)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def user_loop(
    fake: FakeBotApi,
    user: SimUser,
    inbox: Inbox,
    scenario: Scenario,
    window: Window,
    stop: asyncio.Event,
    timeout: float,  # noqa: ASYNC109 - per-step deadline
) -> None:
    """Repeats the scenario, one input at a time, until told to stop."""
    pressed: BotMessage | None = None
    while not stop.is_set():
        for step in scenario.steps:
            if stop.is_set():
                return
            inbox.arrivals.clear()
            sent_at = time.perf_counter()
            try:
                if step.kind == "text":
                    await fake.send_text(user, step.value)
                else:
                    assert pressed is not None, "a loop must not start with a tap"
                    await fake.tap(user, pressed, step.value)
                first_at, _ = await inbox.first(_any, timeout)
                done_at, message = await inbox.first(step.done, timeout)
            except (TimeoutError, LookupError) as exc:
                if window.inside(sent_at):
                    window.errors += 1
                print(f"  user {user.id}: {step.name} failed: {exc!r}", file=sys.stderr)
                pressed = await resync(fake, user, inbox, scenario.resync, timeout)
                break
            if step.keep:
                pressed = message
            window.samples.append(Sample(step.name, sent_at, first_at, done_at))


async def resync(
    fake: FakeBotApi,
    user: SimUser,
    inbox: Inbox,
    step: Step,
    timeout: float,  # noqa: ASYNC109 - per-step deadline
) -> BotMessage | None:
    """Brings a user whose step failed back to a known state before the loop starts over."""
    inbox.arrivals.clear()
    await fake.send_text(user, step.value)
    try:
        return (await inbox.first(step.done, timeout))[1]
    except TimeoutError:
        return None


# -- running the bots ----------------------------------------------------------------------


def reset_sqlite(database_url: str) -> None:
    """Deletes the SQLite file and its journals so each run starts empty."""
    from bot.settings import load_settings

    path = load_settings(require_token=False, database_url=database_url).sqlite_path
    if path is None:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def reset_postgres(database_url: str) -> None:
    """Drops and recreates the public schema, as the storage tests do."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def reset_database(database_url: str) -> None:
    """Every run starts from an empty database."""
    if database_url.startswith("postgresql"):
        await reset_postgres(database_url.replace("postgresql://", "postgresql+asyncpg://", 1))
    else:
        reset_sqlite(database_url)


def log_file(kind: BotKind) -> Path:
    """The bots log as in production (INFO, key=value lines), to a file instead of stderr."""
    return LOG_DIR / f"onestop-bench-{kind}.log"


@contextlib.asynccontextmanager
async def serving(kind: BotKind, api_url: str, database_url: str) -> AsyncIterator[None]:
    """Runs a bot in this event loop, polling the fake server, until the block ends."""
    if kind == "echo":
        application = build_echo_application(TOKEN, f"{api_url}/bot", f"{api_url}/file/bot")
        async with application:
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, timeout=10)
            await application.start()
            try:
                yield
            finally:
                await application.updater.stop()
                await application.stop()
        return
    from bot.app import build_runtime, running
    from bot.settings import load_settings

    settings = load_settings(
        telegram_bot_token=TOKEN, telegram_api_url=api_url, database_url=database_url
    )
    async with running(build_runtime(settings), "polling"):
        yield


async def child_main(kind: BotKind, api_url: str, database_url: str, profile: str) -> None:
    """The child process: serve until SIGTERM, optionally under cProfile once ready."""
    from bot.logs import setup_logging

    setup_logging("INFO", log_file(kind))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    profiler = cProfile.Profile() if profile else None
    async with serving(kind, api_url, database_url):
        print(READY, flush=True)
        if profiler is not None:
            profiler.enable()
        await stop.wait()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)


class ChildBot:
    """A bot in its own process, so it has a core of its own."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, kind: BotKind, api_url: str, database_url: str, profile: str) -> ChildBot:
        """Spawns the child and waits until it polls."""
        argv = [SCRIPT, "--child", kind, "--api-url", api_url]
        argv += ["--database-url", database_url, "--profile-out", profile]
        process = await asyncio.create_subprocess_exec(
            sys.executable, *argv, stdout=asyncio.subprocess.PIPE, cwd=ROOT
        )
        assert process.stdout is not None
        async with asyncio.timeout(120):
            line = await process.stdout.readline()
        if line.decode().strip() != READY:
            await process.wait()
            raise RuntimeError(f"{kind} bot did not start (exit code {process.returncode})")
        return cls(process)

    def cpu_seconds(self) -> float | None:
        """CPU the bot used so far."""
        return process_cpu_seconds(self.process.pid)

    async def stop(self) -> None:
        """SIGTERM, then a kill if it hangs."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(30):
                await self.process.wait()
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


@dataclass
class Options:
    """The command line, parsed."""

    users: int
    seconds: float
    warmup: float
    timeout: float
    database_url: str
    in_process: bool
    profile: str
    bots: list[BotKind]


async def run_phase(scenario: Scenario, options: Options) -> Result:
    """Starts a fresh fake server and bot, drives the users, and returns the figures."""
    if scenario.bot == "onestop":
        await reset_database(options.database_url)
    log_file(scenario.bot).unlink(missing_ok=True)
    fake = FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME)
    await fake.start()
    window = Window()
    inboxes: dict[int, Inbox] = {}

    def listen(event: BotEvent) -> None:
        if event.kind != "sent" or event.message is None:
            return
        at = time.perf_counter()
        if window.inside(at):
            window.messages += 1
        inbox = inboxes.get(event.chat_id)
        if inbox is not None:
            inbox.push(at, event.message)

    fake.add_listener(listen)
    users = [fake.add_user(FIRST_USER_ID + i, f"User{i}", "en") for i in range(options.users)]
    for user in users:
        inboxes[user.id] = Inbox()
    child: ChildBot | None = None
    profile = options.profile if scenario.bot == "onestop" else ""
    async with contextlib.AsyncExitStack() as stack:
        if options.in_process:
            await stack.enter_async_context(
                serving(scenario.bot, fake.root_url, options.database_url)
            )
        else:
            child = await ChildBot.start(scenario.bot, fake.root_url, options.database_url, profile)
            stack.push_async_callback(child.stop)
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(
                user_loop(fake, user, inboxes[user.id], scenario, window, stop, options.timeout)
            )
            for user in users
        ]
        await asyncio.sleep(options.warmup)
        fake.reset_counters()
        window.begin = time.perf_counter()
        bot_cpu_0 = child.cpu_seconds() if child else None
        gen_cpu_0 = time.process_time()
        await asyncio.sleep(options.seconds)
        window.end = time.perf_counter()
        traffic = Traffic.snapshot(fake)
        bot_cpu_1 = child.cpu_seconds() if child else None
        gen_cpu_1 = time.process_time()
        stop.set()
        await asyncio.gather(*tasks)
    await fake.stop()
    return summarise(scenario, window, traffic, (bot_cpu_0, bot_cpu_1), gen_cpu_1 - gen_cpu_0)


def summarise(
    scenario: Scenario,
    window: Window,
    traffic: Traffic,
    bot_cpu: tuple[float | None, float | None],
    generator_cpu: float,
) -> Result:
    """Rates over the window; latencies of inputs sent inside it."""
    elapsed = window.end - window.begin
    answered = [s for s in window.samples if window.inside(s.first_at)]
    measured = [s for s in window.samples if window.inside(s.sent_at)]
    latencies = [(s.first_at - s.sent_at) * 1000 for s in measured]
    by_step: dict[str, list[float]] = {step.name: [] for step in scenario.steps}
    for s in measured:
        by_step[s.step].append((s.first_at - s.sent_at) * 1000)
    start_cpu, end_cpu = bot_cpu
    used = None if start_cpu is None or end_cpu is None else (end_cpu - start_cpu) / elapsed
    return Result(
        bot=scenario.bot,
        replies_per_s=len(answered) / elapsed,
        messages_per_s=window.messages / elapsed,
        p50=percentile(latencies, 50),
        p95=percentile(latencies, 95),
        p99=percentile(latencies, 99),
        errors=window.errors,
        calls_per_input=traffic.calls / max(len(answered), 1),
        polls=traffic.polls,
        refused=traffic.refused,
        bot_cpu=used,
        generator_cpu=generator_cpu / elapsed,
        by_step=by_step,
    )


# -- reporting -----------------------------------------------------------------------------


def print_results(results: list[Result]) -> None:
    """The table, the per-step latencies and the onestop/echo ratios."""
    print()
    header = (
        f"{'bot':<8} {'replies/s':>10} {'msgs/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'calls/in':>8} {'errors':>6} {'bot CPU':>8} {'gen CPU':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        bot_cpu = "n/a" if r.bot_cpu is None else f"{r.bot_cpu:.0%}"
        print(
            f"{r.bot:<8} {r.replies_per_s:>10.1f} {r.messages_per_s:>8.1f} {r.p50:>8.1f} "
            f"{r.p95:>8.1f} {r.p99:>8.1f} {r.calls_per_input:>8.2f} {r.errors + r.refused:>6d} "
            f"{bot_cpu:>8} {r.generator_cpu:>8.0%}"
        )
    print()
    print("replies/s: inputs whose first reply arrived in the window, per second;")
    print("msgs/s: every message the bot sent; calls/in: Bot API calls per input, getUpdates")
    print("not counted; errors: inputs without a reply in time plus non-200 API answers;")
    print("CPU: share of one core over the window (gen = load generator plus fake Bot API,")
    print("the process printing this; with --in-process it runs the bot too).")
    for r in results:
        print(f"\n{r.bot}: latency to the first reply by input (ms)")
        for name, values in r.by_step.items():
            print(
                f"  {name:<16} n={len(values):<6d} p50={percentile(values, 50):>7.1f} "
                f"p95={percentile(values, 95):>7.1f}"
            )
    found = {r.bot: r for r in results}
    if "echo" in found and "onestop" in found:
        echo, onestop = found["echo"], found["onestop"]
        print()
        print(f"onestop/echo replies/s: {onestop.replies_per_s / echo.replies_per_s:.2f}")
        print(f"onestop/echo p50 latency: {onestop.p50 / echo.p50:.2f}")
        if onestop.bot_cpu and echo.bot_cpu:
            echo_ms = echo.bot_cpu / echo.replies_per_s * 1000
            onestop_ms = onestop.bot_cpu / onestop.replies_per_s * 1000
            print(
                f"bot CPU per input: echo {echo_ms:.2f} ms, onestop {onestop_ms:.2f} ms "
                f"({onestop_ms / echo_ms:.1f}x)"
            )


def _package(filename: str) -> str:
    """Groups profile rows: a library, a folder of the bot, or a standard module."""
    if filename == "~":
        return "C builtins"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    root = f"{ROOT}/"
    if filename.startswith(root):
        return "/".join(filename.removeprefix(root).split("/")[:2])
    return "stdlib " + Path(filename).stem


def print_profile(path: str, limit: int = 20) -> None:
    """The bot's own (non-idle) time by package and its hottest functions.

    cProfile sees only the event loop thread (not aiosqlite's worker threads), and a
    coroutine's cumulative time includes its waits, so only own time is summed here.
    """
    stats = pstats.Stats(path)
    table: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    table = stats.stats  # type: ignore[attr-defined]
    idle = sum(value[2] for key, value in table.items() if "epoll" in key[2])
    busy = [(key, value) for key, value in table.items() if "epoll" not in key[2]]
    total = sum(value[2] for _, value in busy) or 1.0
    print(f"\nonestop bot profile ({path}): {total:.2f} s busy, {idle:.2f} s waiting in epoll")
    by_package: dict[str, float] = {}
    for key, value in busy:
        by_package[_package(key[0])] = by_package.get(_package(key[0]), 0.0) + value[2]
    print("own time by package:")
    for name, seconds in sorted(by_package.items(), key=lambda kv: kv[1], reverse=True)[:12]:
        print(f"  {seconds / total:>6.1%}  {name}")
    print(f"hottest functions by own time, top {limit}:")
    for key, value in sorted(busy, key=lambda kv: kv[1][2], reverse=True)[:limit]:
        filename, line, name = key
        short = filename.split("site-packages/")[-1].replace(f"{ROOT}/", "")
        print(f"  {value[2] / total:>6.1%} {value[1]:>9d} calls  {short}:{line}({name})")


async def main_async(options: Options) -> None:
    """Runs the echo phase, then the onestop phase, and prints the comparison."""
    where = (
        "bots in the same process as the load generator"
        if options.in_process
        else "each bot in a child process; load generator and fake Bot API in this one"
    )
    print(
        f"throughput: {options.users} users, closed loop, {options.warmup:g} s warm-up + "
        f"{options.seconds:g} s measured per bot; {where}; {os.cpu_count()} CPUs"
    )
    print(f"database: {options.database_url} (emptied first); bot logs: {LOG_DIR}/onestop-bench-*")
    if options.profile:
        print("profiling the onestop bot with cProfile: its figures are slowed by the profiler")
    scenarios = {"echo": echo_scenario(), "onestop": onestop_scenario()}
    steps = ", ".join(step.name for step in scenarios["onestop"].steps)
    print(f"loop per user: {steps} (echo: the same texts; taps press its one button)")
    if options.in_process:
        from bot.logs import setup_logging

        setup_logging("INFO", LOG_DIR / "onestop-bench-in-process.log")
    results = []
    for kind in options.bots:
        print(f"running {kind} ...", flush=True)
        results.append(await run_phase(scenarios[kind], options))
    print_results(results)
    if options.profile and "onestop" in options.bots:
        print_profile(options.profile)


def parse_args(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, Options]:
    """The public options, plus the hidden ones the child process is started with."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument(
        "--seconds", type=float, default=15.0, help="measured seconds per bot (default 15)"
    )
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    parser.add_argument("--timeout", type=float, default=10.0, help="per-input reply deadline")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE,
        help="the onestop bot's database; its public schema is dropped first on PostgreSQL",
    )
    parser.add_argument("--in-process", action="store_true", help="run the bots in this process")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="/tmp/onestop-bench.prof",
        default="",
        help="cProfile the onestop bot (child process only) and print its hot spots",
    )
    parser.add_argument("--only", choices=["echo", "onestop"], help="run one bot only")
    parser.add_argument("--child", choices=["echo", "onestop"], help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.profile and args.in_process:
        parser.error("--profile needs the bot in a child process")
    bots: list[BotKind] = [args.only] if args.only else ["echo", "onestop"]
    options = Options(
        users=args.users,
        seconds=args.seconds,
        warmup=args.warmup,
        timeout=args.timeout,
        database_url=args.database_url,
        in_process=args.in_process,
        profile=args.profile,
        bots=bots,
    )
    return args, options


def main() -> None:
    """Entry point for both the load generator and the bot child processes."""
    args, options = parse_args()
    if args.child:
        asyncio.run(child_main(args.child, args.api_url, args.database_url, args.profile_out))
    else:
        asyncio.run(main_async(options))


if __name__ == "__main__":
    main()
