"""Applies alembic migrations from the bot itself, at start and from `onestop migrate`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from bot.storage.database import Database

SCRIPTS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x6F6E6573746F70  # "onestop"; far outside Telegram's chat id range


def alembic_config(connection: Connection | None = None) -> Config:
    """A config that needs no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(database: Database, revision: str = "head") -> None:
    """Brings the schema up to date; concurrent starters wait for each other."""

    def _upgrade(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        command.upgrade(alembic_config(connection), revision)

    async with database.engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def downgrade(database: Database, revision: str) -> None:
    """Steps the schema back (tests and emergencies only)."""

    def _downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), revision)

    async with database.engine.begin() as connection:
        await connection.run_sync(_downgrade)


async def current(database: Database) -> str | None:
    """The revision the database is at."""
    from alembic.runtime.migration import MigrationContext

    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.engine.connect() as connection:
        return await connection.run_sync(_current)
