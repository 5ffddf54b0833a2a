"""The engine and its per-dialect setup: SQLite serialises writers, PostgreSQL locks per chat."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from bot.storage.crypto import Cipher


class Database:
    """Owns the engine; hands out sessions to units of work."""

    def __init__(self, url: str, cipher: Cipher | None = None) -> None:
        self.url = url
        self.cipher = cipher or Cipher([Fernet.generate_key()])  # tests; the app passes its own
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            _ensure_sqlite_folder(url)
            # One connection: SQLite has one writer anyway, and waiting for the pool is first come,
            # first served, where SQLite's own busy loop lets a writer wait up to 100 ms per try.
            self.engine: AsyncEngine = create_async_engine(
                url,
                connect_args={"timeout": 30},
                pool_size=1,
                max_overflow=0,
                pool_timeout=120,
            )
            _serialise_sqlite_writers(self.engine)
        else:
            # Pre-ping: a round trip per checkout buys that a restart or failover of the server
            # (every pooled connection dropped) costs no update; recycling ages connections out.
            self.engine = create_async_engine(
                url, pool_size=10, max_overflow=10, pool_recycle=1800, pool_pre_ping=True
            )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> AsyncSession:
        """A new session; the caller owns its transaction."""
        return self.sessions()

    async def ping(self) -> bool:
        """Whether the database answers; used by the health check."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def dispose(self) -> None:
        """Closes every pooled connection."""
        await self.engine.dispose()


def _ensure_sqlite_folder(url: str) -> None:
    """Creates var/ (or wherever the file lives) so a fresh clone just works."""
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _serialise_sqlite_writers(engine: AsyncEngine) -> None:
    """Uses BEGIN IMMEDIATE so concurrent transactions wait instead of failing to upgrade."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
