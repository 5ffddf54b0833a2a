"""`onestop report --from DATE --to DATE [--location ID] [--lang nl|en] [--out DIR]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from bot.domain.language import LANGUAGES, Language
from bot.reports.period import MAX_DAYS, Period, PeriodError, parse_day, period_between
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.content.context import AppContext

EXIT_BAD_INPUT = 2


def add_parser(commands: Any) -> None:
    """Adds the `report` subcommand to the `onestop` parser."""
    report = commands.add_parser(
        "report", help="write the pilot report (HTML, and a PNG summary) for a period"
    )
    report.add_argument("--from", dest="first", required=True, metavar="DATE", help="YYYY-MM-DD")
    report.add_argument("--to", dest="last", required=True, metavar="DATE", help="YYYY-MM-DD")
    report.add_argument("--location", default=None, metavar="ID", help="one location only")
    report.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="labels and dates (default: DEFAULT_LANGUAGE)",
    )
    report.add_argument("--out", default=".", metavar="DIR", help="where to write the files")


def _fail(message: str) -> NoReturn:
    print(f"onestop: {message}", file=sys.stderr)
    raise SystemExit(EXIT_BAD_INPUT)


def run(settings: Settings, args: argparse.Namespace) -> None:
    """Checks the arguments, writes both files and prints their paths."""
    first, last = parse_day(args.first), parse_day(args.last)
    if first is None:
        _fail(f"--from: {args.first[:40]!r} is not a date (YYYY-MM-DD)")
    if last is None:
        _fail(f"--to: {args.last[:40]!r} is not a date (YYYY-MM-DD)")
    try:
        period = period_between(first, last)
    except PeriodError as exc:
        if exc.key == "order":
            _fail("--to must not be before --from")
        _fail(f"a report covers at most {MAX_DAYS} days")
    from bot.content.context import AppContext

    ctx = AppContext.load(settings.content_dir, settings.zone, settings.default_language)
    if args.location is not None and args.location not in ctx.locations:
        _fail(f"--location: unknown {args.location[:40]!r} (known: {', '.join(ctx.locations)})")
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"--out: cannot create {args.out!r}: {exc.strerror}")
    lang: Language = args.lang or settings.default_language
    for path in asyncio.run(_write(settings, ctx, period, args.location, lang, out)):
        print(path)


async def _write(
    settings: Settings,
    ctx: AppContext,
    period: Period,
    location: str | None,
    lang: Language,
    out: Path,
) -> list[Path]:
    from bot.reports.build import render
    from bot.reports.figures import Scope, collect
    from bot.services.clock import SystemClock
    from bot.storage import schema
    from bot.storage.database import Database
    from bot.storage.unit_of_work import SqlUnitOfWork

    database = Database(settings.database_url)
    try:
        await schema.upgrade(database)
        async with SqlUnitOfWork(database) as uow:
            figures = await collect(uow.reports, ctx, Scope(period, location), SystemClock().now())
    finally:
        await database.dispose()
    report = render(figures, ctx, lang)  # after the transaction: a running bot need not wait
    html, png = out / report.html_name, out / report.png_name
    html.write_bytes(report.html)
    png.write_bytes(report.png)
    return [html, png]
