"""Times the booking calendar (bookable days and one day's start times) on a busy horizon.

Run from the repository root:

    .venv/bin/python benchmarks/availability.py
    .venv/bin/python benchmarks/availability.py \
        --postgres-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

It seeds 10,000 active bookings for the default location across its whole booking horizon
(8 weeks from a fixed "today", so runs are comparable), on a fresh SQLite file and on
PostgreSQL (whose public schema is dropped and recreated: never point it at real data, and
note that the test suite resets the same `test` database, so do not run both at once), then
times what the bot does to draw the calendar and the time buttons, per party size:

- availability(...): the end-to-end service call (closures + slot usage queries, then the
  pure computation), inside an open unit of work as in a bot turn;
- its usage query: BookingRepository.usage(...) alone, timed right after, in the same unit;
- bookable_days(...): the pure computation on the usage that call returned;
- starts_on(...): the start times of one day (the first bookable one), also pure.

The last column counts full (generation 2) garbage collections that ran inside timed calls and
the longest one; they are what lifts the p99. --gc-off times without the collector to compare.

Seeding. With the real counters (IND 2, municipality 2, advice room 1) the horizon holds only
about 150 visits with this party mix, so 10,000 bookings cannot be placed honestly. The
benchmark therefore books a copy of the location whose desk capacities are multiplied by
--scale (the opening hours, steps, slot grid and holidays stay real): visits are planned with
the real planner (plan(...) and Itinerary.cells()), placed in memory mostly on early days as
people book the first day they can get, and then written with bulk inserts (executemany) into
bookings, booking_cells and slot_usage, with slot_usage.capacity set to the scaled capacity
so the CHECK constraint holds. The measurements use the same scaled location, so the calendar
the benchmark computes is consistent with the data: early days full, later days with room.
slot_usage has one row per (desk, 5-minute slot) in use, so its size is bounded by the opening
hours in the horizon whatever the number of bookings; the bookings only raise `used`.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bot.content.eligibility import load_municipalities  # noqa: E402
from bot.content.locations import load_locations  # noqa: E402
from bot.domain.booking import REFERENCE_ALPHABET, REFERENCE_LENGTH, party_of  # noqa: E402
from bot.domain.itinerary import Itinerary, bookable_days, plan, start_times  # noqa: E402
from bot.domain.locations import Location  # noqa: E402
from bot.domain.working_days import WorkingDays  # noqa: E402
from bot.services.booking import (  # noqa: E402
    Availability,
    _window,  # the service's own query window, to time its usage query alone
    availability,
    booked_visits,
    capacity_of,
    starts_on,
)
from bot.storage import schema  # noqa: E402

# The repository's own JSON shape for stored visits, so seeded rows read back like real ones.
from bot.storage.bookings import _visits_json  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.tables import BookingCellRow, BookingRow, SlotUsageRow  # noqa: E402
from bot.storage.unit_of_work import SqlUnitOfWork  # noqa: E402

TODAY = date(2026, 11, 30)  # a Monday; the horizon then spans Christmas and New Year
LOCATION_ID = "maastricht"
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
DEFAULT_BOOKINGS = 10_000
DEFAULT_REPETITIONS = 200
DEFAULT_SCALE = 90
WARMUP = 10
SEED = 20261130
AIM_MS = 20.0
PARTY_SIZES = (1, 4)  # the common case and the largest visit a family of four books
# How often each party size is booked: mostly single applicants, some couples and families.
PARTY_MIX = {1: 55, 2: 25, 3: 12, 4: 8}
FIRST_USER_ID = 5_000_000
CHUNK = 20_000  # rows per executemany call
SHARED_HINT = (
    "was something else (the test suite?) resetting that database meanwhile?"
    " Pass --postgres-url with a database of its own"
)
Cell = tuple[str, datetime]


# -- the seeded bookings ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Seed:
    """The bookings to insert, and the usage they add up to (what the database must return)."""

    location: Location
    itineraries: list[Itinerary]
    usage: dict[Cell, int]


def scaled(location: Location, factor: int) -> Location:
    """The location with every desk's counters multiplied, everything else unchanged."""
    desks = {
        desk_id: dataclasses.replace(desk, capacity=desk.capacity * factor)
        for desk_id, desk in location.desks.items()
    }
    return dataclasses.replace(location, desks=MappingProxyType(desks))


def horizon_days(location: Location, working_days: WorkingDays) -> list[date]:
    """The days the bot may offer: from minimum notice to the end of the horizon."""
    first = working_days.add(TODAY, location.min_notice_working_days)
    last = TODAY + timedelta(days=location.horizon_days)
    return [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if working_days.is_working_day(first + timedelta(days=n))
    ]


def seed(location: Location, working_days: WorkingDays, bookings: int) -> Seed:
    """Places the bookings with the real planner, earliest days first, like people book.

    Each booking draws a party size and a preferred day (skewed towards the start of the
    horizon), then takes a random free start on the first day from there that still has one.
    """
    rng = random.Random(SEED)
    days = horizon_days(location, working_days)
    plans: dict[tuple[date, int], list[tuple[Itinerary, tuple[Cell, ...]]]] = {}
    for day in days:
        for size in PARTY_MIX:
            found = (plan(location, day, start, size) for start in start_times(location, day))
            plans[day, size] = [(it, it.cells()) for it in found if it is not None]
    capacity = {desk_id: desk.capacity for desk_id, desk in location.desks.items()}
    usage: Counter[Cell] = Counter()
    chosen: list[Itinerary] = []
    sizes, weights = list(PARTY_MIX), list(PARTY_MIX.values())
    for _ in range(bookings):
        size = rng.choices(sizes, weights)[0]
        preferred = int(len(days) * rng.random() ** 2)
        placed = False
        for day in days[preferred:] + days[:preferred]:
            candidates = plans[day, size]
            if not candidates:
                continue
            offset = rng.randrange(len(candidates))
            for itinerary, cells in candidates[offset:] + candidates[:offset]:
                if all(usage[cell] < capacity[cell[0]] for cell in cells):
                    usage.update(cells)
                    chosen.append(itinerary)
                    placed = True
                    break
            if placed:
                break
        if not placed:
            raise SystemExit(
                f"only {len(chosen)} of {bookings} bookings fit the horizon with the counters"
                " scaled this much; raise --scale"
            )
    return Seed(location, chosen, dict(usage))


def _reference(prefix: str, n: int) -> str:
    """A unique reference per booking in the real format (prefix and four letters)."""
    letters = []
    for _ in range(REFERENCE_LENGTH):
        n, digit = divmod(n, len(REFERENCE_ALPHABET))
        letters.append(REFERENCE_ALPHABET[digit])
    return f"{prefix}-{''.join(letters)}"


_PARTIES = {1: party_of(False, 0), 2: party_of(True, 0), 3: party_of(True, 1), 4: party_of(True, 2)}


def rows(seeded: Seed) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """bookings, booking_cells and slot_usage rows, as book() would have left them."""
    location = seeded.location
    created = datetime.combine(TODAY, clock(8), ZoneInfo(location.timezone)) - timedelta(days=1)
    bookings: list[dict[str, Any]] = []
    cells: list[dict[str, Any]] = []
    for n, itinerary in enumerate(seeded.itineraries):
        booking_id = n + 1
        bookings.append(
            {
                "id": booking_id,
                "reference": _reference(location.reference_prefix, n),
                "user_id": FIRST_USER_ID + n,
                "chat_id": FIRST_USER_ID + n,
                "location_id": location.id,
                "day": itinerary.day,
                "start_at": itinerary.start,
                "end_at": itinerary.end,
                "visits": _visits_json(booked_visits(itinerary)),
                "party": [{"role": m.role} for m in _PARTIES[itinerary.party_size]],
                "language": "nl" if n % 3 == 0 else "en",
                "status": "active",
                "created_at": created,
                "updated_at": created,
            }
        )
        cells.extend(
            {"booking_id": booking_id, "desk": desk, "slot_start": slot}
            for desk, slot in sorted(set(itinerary.cells()))
        )
    usage = [
        {
            "location_id": location.id,
            "desk": desk,
            "slot_start": slot,
            "used": used,
            "capacity": location.desks[desk].capacity,
        }
        for (desk, slot), used in sorted(seeded.usage.items())
    ]
    return bookings, cells, usage


async def insert_seed(database: Database, seeded: Seed) -> tuple[int, int]:
    """Bulk-inserts the seed in one transaction; returns (slot_usage rows, booking_cells rows)."""
    bookings, cells, usage = rows(seeded)
    async with database.engine.begin() as conn:
        for table, batch in (
            (BookingRow, bookings),
            (BookingCellRow, cells),
            (SlotUsageRow, usage),
        ):
            for lo in range(0, len(batch), CHUNK):
                await conn.execute(insert(table), batch[lo : lo + CHUNK])
        if not database.is_sqlite:  # explicit ids: move the sequence past them for later adds
            await conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('bookings', 'id'), max(id)) FROM bookings"
                )
            )
    async with database.engine.connect() as conn:
        usage_rows = await conn.scalar(select(func.count()).select_from(SlotUsageRow))
        used = await conn.scalar(select(func.sum(SlotUsageRow.used)))
        cell_rows = await conn.scalar(select(func.count()).select_from(BookingCellRow))
    if used != cell_rows:
        raise SystemExit(f"seed is inconsistent: slot_usage.used sums to {used}, cells {cell_rows}")
    return int(usage_rows or 0), int(cell_rows or 0)


# -- timing ----------------------------------------------------------------------------------


class GcWatch:
    """Counts the full (generation 2) garbage collections that run inside timed calls."""

    def __init__(self) -> None:
        self.timing = False
        self.count = 0
        self.longest = 0.0
        self._began = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if not self.timing or info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter_ns()
        else:
            self.count += 1
            self.longest = max(self.longest, (time.perf_counter_ns() - self._began) / 1e6)


@dataclasses.dataclass(frozen=True)
class Target:
    """A seeded database ready to measure."""

    name: str
    database: Database
    usage_rows: int


@dataclasses.dataclass(frozen=True)
class Result:
    """One table row: a database and a party size."""

    database: str
    party_size: int
    bookings: int
    usage_rows: int
    days: int
    starts: int
    availability: tuple[float, float]
    usage_query: tuple[float, float]
    bookable_days: tuple[float, float]
    starts_on: tuple[float, float]
    full_collections: int
    longest_collection: float


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[98]


def _ms(began: int) -> float:
    return (time.perf_counter_ns() - began) / 1e6


async def measure(
    target: Target,
    location: Location,
    expected: dict[Cell, int],
    bookings: int,
    party_size: int,
    repetitions: int,
    *,
    gc_off: bool = False,
) -> Result:
    """Times availability(), the usage query alone, bookable_days() and starts_on()."""
    working_days = WorkingDays(location)
    now = datetime.combine(TODAY, clock(9), ZoneInfo(location.timezone)).astimezone(UTC)
    window = _window(location, TODAY)
    watch = GcWatch()

    async def call() -> tuple[Availability, float, float]:
        async with SqlUnitOfWork(target.database) as uow:
            # A bot turn has already used its connection (chat lock, dialog) by now.
            await uow.session.execute(text("SELECT 1"))
            watch.timing = True
            began = time.perf_counter_ns()
            found = await availability(uow, location, working_days, party_size, TODAY)
            end_to_end = _ms(began)
            began = time.perf_counter_ns()
            await uow.bookings.usage(location.id, *window, full_at=capacity_of(location))
            query = _ms(began)
            watch.timing = False
            return found, end_to_end, query

    found, _, _ = await call()
    capacity = capacity_of(location)
    full = {cell: used for cell, used in expected.items() if used >= capacity[cell[0]]}
    if found.usage != full:
        raise SystemExit(f"{target.name}: the full cells read back differ from those seeded")
    async with SqlUnitOfWork(target.database) as uow:
        if await uow.bookings.usage(location.id, *window) != expected:
            raise SystemExit(f"{target.name}: the usage read back differs from the usage seeded")
    day = found.days[0] if found.days else None
    for _ in range(WARMUP):
        await call()
    gc.collect()
    if gc_off:
        gc.disable()
    gc.callbacks.append(watch)
    watch.count, watch.longest = 0, 0.0
    end_to_end: list[float] = []
    queries: list[float] = []
    pure: list[float] = []
    starts: list[float] = []
    try:
        for _ in range(repetitions):
            found, elapsed, query = await call()
            end_to_end.append(elapsed)
            queries.append(query)
            watch.timing = True
            began = time.perf_counter_ns()
            bookable_days(found.location, TODAY, party_size, found.usage, working_days)
            pure.append(_ms(began))
            if day is not None:
                began = time.perf_counter_ns()
                starts_on(found, day, party_size, now)
                starts.append(_ms(began))
            watch.timing = False
    finally:
        gc.callbacks.remove(watch)
        gc.enable()
    return Result(
        database=target.name,
        party_size=party_size,
        bookings=bookings,
        usage_rows=target.usage_rows,
        days=len(found.days),
        starts=len(starts_on(found, day, party_size, now)) if day is not None else 0,
        availability=percentiles(end_to_end),
        usage_query=percentiles(queries),
        bookable_days=percentiles(pure),
        starts_on=percentiles(starts) if starts else (0.0, 0.0),
        full_collections=watch.count,
        longest_collection=watch.longest,
    )


async def prepare(name: str, database: Database, seeded: Seed) -> Target:
    """Migrates and seeds one database (disposing of it if that fails)."""
    try:
        await schema.upgrade(database)
        began = time.perf_counter()
        usage_rows, cell_rows = await insert_seed(database, seeded)
    except BaseException:
        await database.dispose()
        raise
    print(
        f"{name}: seeded {len(seeded.itineraries):,} bookings, {cell_rows:,} booking_cells,"
        f" {usage_rows:,} slot_usage rows in {time.perf_counter() - began:.1f} s"
    )
    return Target(name, database, usage_rows)


async def reset_postgres(url: str) -> str | None:
    """Gives PostgreSQL an empty public schema; the reason it cannot, or None."""
    engine = create_async_engine(url)
    try:
        async with asyncio.timeout(10), engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    except Exception as error:  # any failure to connect means: skip PostgreSQL
        return _first_line(error)
    finally:
        await engine.dispose()
    return None


def _first_line(error: BaseException) -> str:
    """The error's type and the first line of its message."""
    return f"{type(error).__name__}: {error}".splitlines()[0]


# -- output ----------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    """The results as aligned text."""
    header = (
        "database",
        "party",
        "bookings",
        "slot_usage rows",
        "availability() p50/p99",
        "its usage query p50/p99",
        "bookable_days() p50/p99",
        "starts_on(1 day) p50/p99",
        "days",
        "starts",
        "full GCs (longest)",
    )
    lines = [header] + [
        (
            r.database,
            str(r.party_size),
            f"{r.bookings:,}",
            f"{r.usage_rows:,}",
            f"{r.availability[0]:.2f} / {r.availability[1]:.2f}",
            f"{r.usage_query[0]:.2f} / {r.usage_query[1]:.2f}",
            f"{r.bookable_days[0]:.2f} / {r.bookable_days[1]:.2f}",
            f"{r.starts_on[0]:.3f} / {r.starts_on[1]:.3f}" if r.starts else "no day left",
            str(r.days),
            str(r.starts),
            f"{r.full_collections} ({r.longest_collection:.1f})",
        )
        for r in results
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i < 1 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--bookings", type=int, default=DEFAULT_BOOKINGS)
    parser.add_argument("--repetitions", type=int, default=DEFAULT_REPETITIONS)
    parser.add_argument(
        "--scale", type=int, default=DEFAULT_SCALE, help="multiply every desk's counters by this"
    )
    parser.add_argument(
        "--gc-off",
        action="store_true",
        help="disable the cyclic garbage collector while timing, to see its share of the p99",
    )
    return parser.parse_args(argv)


async def main(argv: Sequence[str] | None = None) -> None:
    """Seeds each database, measures and prints the table."""
    args = parse(argv)
    content = ROOT / "content"
    municipalities = tuple(m.id for m in load_municipalities(content))
    real = load_locations(content, municipalities)[LOCATION_ID]
    location = scaled(real, args.scale)
    working_days = WorkingDays(location)
    days = horizon_days(location, working_days)
    visit_days = [day for day in days if start_times(location, day)]
    print(
        f"location {LOCATION_ID}, today {TODAY} ({TODAY:%A}), horizon {location.horizon_days} days"
        f" to {TODAY + timedelta(days=location.horizon_days)}: {len(days)} working days from"
        f" {days[0]}, {len(visit_days)} of them with the first desk open (visit days)"
    )
    counters = ", ".join(
        f"{d} {real.desks[d].capacity}->{location.desks[d].capacity}" for d in location.desks
    )
    print(
        f"seeding: desk counters x{args.scale} ({counters}) so {args.bookings:,} bookings fit;"
        " visits planned by the real planner, placed mostly on early days, bulk-inserted with"
        " slot_usage.capacity = scaled capacity; measured against the same scaled location"
    )
    began = time.perf_counter()
    seeded = seed(location, working_days, args.bookings)
    sizes = Counter(it.party_size for it in seeded.itineraries)
    print(
        f"planned {len(seeded.itineraries):,} bookings in {time.perf_counter() - began:.1f} s"
        f" (party sizes {dict(sorted(sizes.items()))}), {len(seeded.usage):,} slots in use"
    )

    targets: list[Target] = []
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="onestop-availability-") as folder:
        try:
            sqlite = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
            targets.append(await prepare("sqlite", sqlite, seeded))
            if args.no_postgres:
                print("postgresql: skipped (--no-postgres)")
            elif (problem := await reset_postgres(args.postgres_url)) is not None:
                print(f"postgresql: SKIPPED, unreachable at {args.postgres_url} ({problem})")
            else:
                try:
                    postgres = Database(args.postgres_url)
                    targets.append(await prepare("postgresql", postgres, seeded))
                except DBAPIError as error:
                    print(f"postgresql: FAILED while seeding ({_first_line(error)}); {SHARED_HINT}")
            # Measure without the seed's objects on the heap: the bot does not hold them.
            expected, bookings = seeded.usage, len(seeded.itineraries)
            del seeded
            gc.collect()
            for target in targets:
                try:
                    for size in PARTY_SIZES:
                        results.append(
                            await measure(
                                target,
                                location,
                                expected,
                                bookings,
                                size,
                                args.repetitions,
                                gc_off=args.gc_off,
                            )
                        )
                except DBAPIError as error:
                    hint = "" if target.name == "sqlite" else f"; {SHARED_HINT}"
                    print(f"{target.name}: FAILED while measuring ({_first_line(error)}){hint}")
        finally:
            for target in targets:
                await target.database.dispose()

    print()
    print(
        f"{args.repetitions} repetitions each after {WARMUP} warm-up calls; times in ms;"
        f" load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs;"
        f" garbage collector {'OFF (--gc-off)' if args.gc_off else 'on, as in the bot'}"
    )
    if not results:
        raise SystemExit("nothing was measured")
    print(table(results))
    print(
        "days: bookable days found in the horizon; starts: start times left on the first of them;"
        " full GCs: generation-2 collections inside timed calls (longest, ms)"
    )
    worst = max(r.availability[1] for r in results)
    verdict = "met" if worst <= AIM_MS else "MISSED"
    print(f"aim: availability() p99 <= {AIM_MS:.0f} ms: {verdict} (worst p99 {worst:.2f} ms)")


if __name__ == "__main__":
    asyncio.run(main())
