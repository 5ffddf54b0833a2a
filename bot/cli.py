"""The `onestop` command: run, migrate, shell, faq-gaps."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.logs import setup_logging
from bot.reports import cli as report_cli
from bot.settings import Settings, SettingsError, load_settings

EXIT_BAD_SETTINGS = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onestop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="run the bot on Telegram (polling, or webhook with --webhook)"
    )
    run.add_argument("--webhook", action="store_true", help="serve a webhook instead of polling")
    commands.add_parser("migrate", help="apply database migrations and exit")
    shell = commands.add_parser(
        "shell", help="chat with the bot in this terminal, no Telegram needed"
    )
    shell.add_argument(
        "--user-id",
        type=int,
        default=1001,
        help="the simulated Telegram user (default: %(default)s)",
    )
    shell.add_argument(
        "--first-name", default="Alex", help="their first name (default: %(default)s)"
    )
    shell.add_argument(
        "--lang",
        default="en",
        help="the Telegram language_code of the simulated user (default: %(default)s)",
    )
    shell.add_argument(
        "--script", help="replay lines from this file ('-' for stdin) instead of typing"
    )
    shell.add_argument(
        "--downloads",
        default="shell-downloads",
        help="where files the bot sends are saved (default: %(default)s)",
    )
    shell.add_argument("--database", default="", help=_shell_database_help())
    gaps = commands.add_parser(
        "faq-gaps", help="print the most frequent questions without a good answer"
    )
    gaps.add_argument("--limit", type=int, default=20)
    sponsors = commands.add_parser("sponsors", help="manage the recognised-sponsor register")
    sponsor_commands = sponsors.add_subparsers(dest="sponsors_command", required=True)
    sponsor_import = sponsor_commands.add_parser(
        "import",
        help="replace one list of the bundled register with the saved ind.nl page (HTML) or a CSV",
    )
    sponsor_import.add_argument("file", help="the saved register page (.html) or a CSV file")
    sponsor_import.add_argument(
        "--category", default="work", help="which list: work (default) or research"
    )
    sponsor_import.add_argument(
        "--taken-on",
        default="",
        help="date a CSV was published (default: today); a page's own date is used",
    )
    sponsor_import.add_argument("--source", default=None, help="where the register came from")
    sponsor_import.add_argument(
        "--min-rows",
        type=int,
        default=None,
        help="accept a list this small (default: 50 rows for a page, and at least half the"
        " current list)",
    )
    report_cli.add_parser(commands)
    return parser


def _shell_database_help() -> str:
    """Names the database the shell really uses without --database: the settings' default."""
    default = Settings.model_construct().sqlite_path
    return f"database URL (default: DATABASE_URL, else the SQLite file {default})"


def _settings(require_token: bool, **overrides: object) -> Settings:
    try:
        return load_settings(require_token=require_token, **overrides)
    except SettingsError as exc:
        print(f"onestop: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_SETTINGS) from None


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    if args.command == "run":
        settings = _settings(require_token=True)
        if args.webhook and not settings.webhook_url:
            print(
                "onestop: configuration error: WEBHOOK_URL: required for --webhook", file=sys.stderr
            )
            raise SystemExit(EXIT_BAD_SETTINGS)
        setup_logging(settings.log_level)
        from bot.app import build_runtime, serve_forever

        asyncio.run(
            serve_forever(build_runtime(settings), "webhook" if args.webhook else "polling")
        )
    elif args.command == "migrate":
        settings = _settings(require_token=False)
        setup_logging(settings.log_level)
        asyncio.run(_migrate(settings))
    elif args.command == "shell":
        from bot.shell.terminal import run_shell

        overrides: dict[str, object] = {}
        if args.database:
            overrides["database_url"] = args.database
        settings = _settings(require_token=False, **overrides)
        raise SystemExit(asyncio.run(run_shell(settings, args)))
    elif args.command == "faq-gaps":
        settings = _settings(require_token=False)
        asyncio.run(_faq_gaps(settings, args.limit))
    elif args.command == "sponsors":
        settings = _settings(require_token=False)
        _import_sponsors(
            settings, args.file, args.taken_on, args.source, args.category, args.min_rows
        )
    elif args.command == "report":
        report_cli.run(_settings(require_token=False), args)


async def _migrate(settings: Settings) -> None:
    from bot.storage import schema
    from bot.storage.database import Database

    database = Database(settings.database_url)
    try:
        await schema.upgrade(database)
        print(f"database at revision {await schema.current(database)}")
    finally:
        await database.dispose()


def _import_sponsors(
    settings: Settings,
    file: str,
    taken_on: str,
    source: str | None,
    category: str,
    min_rows: int | None,
) -> None:
    """Replaces the bundled register; the running bot reads it at start (restart it after)."""
    from datetime import date
    from pathlib import Path

    from bot.content.sponsors import RegisterError, import_register, load_register

    try:
        day = date.fromisoformat(taken_on) if taken_on else None
    except ValueError:
        print(f"onestop: --taken-on: {taken_on[:40]!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        raise SystemExit(EXIT_BAD_SETTINGS) from None
    try:
        count = import_register(
            Path(file),
            settings.content_dir,
            taken_on=day,
            source_url=source,
            category=category,
            min_rows=min_rows,
        )
    except RegisterError as exc:
        print(f"onestop: {' '.join(str(exc).split())}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_SETTINGS) from None
    imported = load_register(settings.content_dir).list_of(category)
    when = imported.taken_on.isoformat() if imported is not None else "?"
    print(f"imported {count} recognised sponsors, register taken on {when} ({category} list)")
    print("restart the bot to use the new register")


async def _faq_gaps(settings: Settings, limit: int) -> None:
    from bot.storage import schema
    from bot.storage.database import Database
    from bot.storage.unit_of_work import SqlUnitOfWork

    database = Database(settings.database_url)
    try:
        await schema.upgrade(database)
        async with SqlUnitOfWork(database) as uow:
            rows = await uow.faq_gaps.most_frequent(limit)
    finally:
        await database.dispose()
    if not rows:
        print("no unanswered questions recorded")
    for text, language, count in rows:
        print(f"{count:5d}  {language}  {text}")


if __name__ == "__main__":
    main()
