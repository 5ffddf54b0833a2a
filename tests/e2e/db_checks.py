"""Checks about the storage itself (what rows exist, what is encrypted at rest, the audit trail).

The only place the end-to-end tests look at tables directly; everything else is read through the
bot's repositories (tests/e2e/stored.py) or its commands.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import Table, func, select, text

from bot.storage.database import Database
from bot.storage.tables import Base


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


async def row_count(database: Database, table: str) -> int:
    """How many rows a table holds."""
    async with database.engine.connect() as conn:
        count = await conn.execute(select(func.count()).select_from(_table(table)))
        return int(count.scalar_one())


async def tables_with_rows(database: Database, *tables: str) -> list[str]:
    """Those of the tables that are not empty."""
    return [table for table in tables if await row_count(database, table)]


async def capacity_in_use(database: Database) -> int:
    """Places taken over all desks and slots: 0 once every booking gave its places back."""
    usage = _table("slot_usage")
    async with database.engine.connect() as conn:
        total = (await conn.execute(select(func.coalesce(func.sum(usage.c.used), 0)))).scalar_one()
    return int(total)


async def stored_text(database: Database, table: str) -> str:
    """Every value of every row exactly as stored, to prove what is not kept in plain text."""
    async with database.engine.connect() as conn:
        rows = (await conn.execute(select(_table(table)))).all()
    return "\n".join(repr(tuple(row)) for row in rows)


async def audit_trail(database: Database) -> list[tuple[int, str, str]]:
    """(actor, action, subject) of every audit entry, oldest first."""
    audit = _table("audit_log")
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            select(audit.c.actor_id, audit.c.action, audit.c.subject).order_by(audit.c.id)
        )
        return [(int(actor), str(action), str(subject)) for actor, action, subject in rows.all()]


async def delivery_state(database: Database) -> dict[int, tuple[str, int]]:
    """(status, attempts) of the outbox row of each chat (for tests where a chat has one row)."""
    outbox = _table("outbox")
    async with database.engine.connect() as conn:
        rows = await conn.execute(select(outbox.c.chat_id, outbox.c.status, outbox.c.attempts))
        return {int(chat): (str(status), int(attempts)) for chat, status, attempts in rows.all()}


@asynccontextmanager
async def table_gone(database: Database, table: str) -> AsyncIterator[None]:
    """Makes a table unreachable for a while, so every query on it fails."""
    _table(table)  # only tables of the schema
    async with database.engine.begin() as conn:
        await conn.execute(text(f"ALTER TABLE {table} RENAME TO {table}_away"))
    try:
        yield
    finally:
        async with database.engine.begin() as conn:
            await conn.execute(text(f"ALTER TABLE {table}_away RENAME TO {table}"))
