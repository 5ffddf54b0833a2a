"""Shared fixtures: real databases (SQLite and PostgreSQL) and the real content."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.storage import schema
from bot.storage.database import Database

if TYPE_CHECKING:
    from bot.content.context import AppContext

# PTB in the timedelta mode build_runtime chooses, also for tests that use PTB without the bot.
os.environ.setdefault("PTB_TIMEDELTA", "1")
REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


async def reset_postgres(url: str) -> None:
    """Gives a test an empty public schema."""
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        # Sessions left by a killed bot process would otherwise block the drop.
        await conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind; PostgreSQL comes from TEST_DATABASE_URL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL must be set in CI")
        pytest.skip("TEST_DATABASE_URL not set")
    await reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated database of each kind."""
    db = Database(database_url)
    await schema.upgrade(db)
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
def ctx() -> AppContext:
    """The real content, loaded once."""
    from zoneinfo import ZoneInfo

    from bot.content.context import AppContext

    return AppContext.load(CONTENT, ZoneInfo("Europe/Amsterdam"), "en")
