"""Times the work issues 5, 6 and 9 added: a pre-registration answer, an HR upload, a report.

Run from the repository root:

    .venv/bin/python benchmarks/forms_and_reports.py [--answers 400] [--bookings 2000]

- pre-registration answer: `Conversations.handle` (the production service: lock, load, route,
  decrypt the form, validate, encrypt and save it, commit) for a typed answer on a fresh SQLite
  file, p50/p99 over --answers answers, next to a `/help` command in the same rig (the cheapest
  turn) so the cost of the encrypted form shows; no network, so not comparable to an echo bot;
- HR upload: parsing and checking every row of a 500-row CSV and XLSX (the most a file may hold);
- report: the queries and the drawing of a month with --bookings visits (SQLite), as `/report`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import text

from bot.content.context import AppContext
from bot.dialogs.router import route
from bot.dialogs.runner import Conversations
from bot.dialogs.turn import Incoming
from bot.domain.booking import BookedVisit, PartyMember
from bot.domain.dialog import Dialog
from bot.domain.hires import check_hire_row
from bot.domain.prereg import Person
from bot.reports.build import render
from bot.reports.figures import Scope, collect
from bot.reports.period import Period
from bot.services.clock import ManualClock
from bot.storage import schema
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork
from bot.uploads.hire_files import parse_upload

CONTENT = Path(__file__).resolve().parents[1] / "content"
NOW = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1000:6.2f} ms  p99 {p99 * 1000:6.2f} ms"


async def _seed(database: Database, ctx: AppContext, bookings: int) -> int:
    location = next(iter(ctx.locations))
    first_id = 0
    async with SqlUnitOfWork(database) as uow:
        for number in range(bookings):
            day = date(2026, 12, 1) + timedelta(days=number % 28)
            start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
            booking = await uow.bookings.add(
                reference=f"MST-{number:05d}",
                user_id=10_000 + number,
                chat_id=10_000 + number,
                location_id=location,
                visits=(BookedVisit("ind", "ind", start, start + timedelta(minutes=30)),),
                party=(PartyMember("main"),) * (1 + number % 3),
                language="nl" if number % 3 else "en",
                now=start - timedelta(days=10),
            )
            first_id = first_id or booking.id
        await uow.commit()
    async with database.engine.begin() as conn:  # SQLite: one no-show in ten, BSN after 0-5 days
        await conn.execute(
            text(
                "UPDATE bookings SET attendance = CASE WHEN id % 10 = 0 THEN 'no_show' "
                "ELSE 'attended' END, bsn_issued_at = CASE WHEN id % 10 = 0 THEN NULL "
                "ELSE datetime(start_at, '+' || (id % 6) || ' days') END"
            )
        )
    return first_id


async def prereg_answers(ctx: AppContext, folder: Path, count: int) -> None:
    database = Database(f"sqlite+aiosqlite:///{folder / 'forms.sqlite3'}")
    await schema.upgrade(database)
    booking_id = await _seed(database, ctx, 1)
    user = 10_000
    async with SqlUnitOfWork(database) as uow:
        await uow.prereg.create(booking_id, user, [Person("main")], NOW)
        await uow.commit()
    conversations = Conversations(lambda: SqlUnitOfWork(database), ctx, ManualClock(NOW), route)
    timings: dict[str, list[float]] = {"answer": [], "help": []}
    for number in range(count):
        async with SqlUnitOfWork(database) as uow:
            dialog = Dialog().start("prereg", "0.surname", {"b": booking_id})
            await uow.dialogs.save(user, user, dialog, NOW)
            await uow.commit()
        for kind, incoming in (
            ("answer", Incoming("text", user, user, 2 * number + 1, text=f"Ødegaard-{number}")),
            ("help", Incoming("command", user, user, 2 * number + 2, command="help")),
        ):
            started = time.perf_counter()
            outcome = await conversations.handle(incoming)
            timings[kind].append(time.perf_counter() - started)
            assert outcome.status == "ok", outcome
    await database.dispose()
    print(f"pre-registration answer (SQLite)  {_ms(timings['answer'])}   n={count}")
    print(f"/help in the same rig (baseline)  {_ms(timings['help'])}")


def _rows(ctx: AppContext) -> list[list[str]]:
    header = ["Name", "E-mail", "Phone", "Arrival date", "Residence route", "Municipality"]
    header += ["Family members", "Language"]
    rows = [header]
    for number in range(500):
        rows.append(
            [
                f"Hire Number{chr(65 + number % 26)}",
                f"hire{number}@example.org",
                "+31 6 12345678",
                (date.today() + timedelta(days=number % 60)).isoformat(),
                "hsm" if number % 2 else "researcher",
                "Maastricht",
                str(number % 4),
                "nl" if number % 2 else "en",
            ]
        )
    return rows


def uploads(ctx: AppContext) -> None:
    rows = _rows(ctx)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    for name, content in (
        ("hires.csv", buffer.getvalue().encode()),
        ("hires.xlsx", out.getvalue()),
    ):
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            parsed = parse_upload(content, name, catalog=ctx.catalog)
            drafts = [
                check_hire_row(
                    values, row=row, today=date.today(), municipalities=ctx.municipalities
                )
                for row, values in parsed
            ]
            timings.append(time.perf_counter() - started)
        valid = sum(1 for d in drafts if not isinstance(d, list))
        best = min(timings) * 1000
        print(
            f"upload {name:10s} {len(content) // 1024:4d} kB  500 rows parsed and checked in "
            f"{best:6.1f} ms (best of 5), {valid} valid"
        )


async def report(ctx: AppContext, folder: Path, bookings: int) -> None:
    database = Database(f"sqlite+aiosqlite:///{folder / 'report.sqlite3'}")
    await schema.upgrade(database)
    await _seed(database, ctx, bookings)
    scope = Scope(Period(date(2026, 12, 1), date(2026, 12, 31)))
    started = time.perf_counter()
    async with SqlUnitOfWork(database) as uow:
        figures = await collect(uow.reports, ctx, scope, NOW)
    queried = time.perf_counter() - started
    started = time.perf_counter()
    made = await asyncio.to_thread(render, figures, ctx, "en")
    drawn = time.perf_counter() - started
    await database.dispose()
    print(
        f"report of a month with {bookings} visits: queries {queried * 1000:.0f} ms, drawing "
        f"{drawn * 1000:.0f} ms (PNG {len(made.png) // 1024} kB, HTML {len(made.html) // 1024} kB)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--bookings", type=int, default=2000)
    args = parser.parse_args()
    ctx = AppContext.load(CONTENT, ZoneInfo("Europe/Amsterdam"), "en")
    with tempfile.TemporaryDirectory() as folder:
        await prereg_answers(ctx, Path(folder), args.answers)
        uploads(ctx)
        await report(ctx, Path(folder), args.bookings)


if __name__ == "__main__":
    asyncio.run(main())
