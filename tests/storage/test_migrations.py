"""The schema migrates up, down and up again on both databases."""

from __future__ import annotations

from sqlalchemy import inspect

from bot.storage import schema
from bot.storage.database import Database


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_migrations_go_up_down_and_up_again(database_url: str) -> None:
    db = Database(database_url)
    try:
        await schema.upgrade(db)
        assert await schema.current(db) is not None
        expected = {"users", "dialogs", "processed_updates", "faq_gaps"}
        assert expected <= await _tables(db)

        await schema.downgrade(db, "base")
        assert await schema.current(db) is None
        assert not expected & await _tables(db)

        await schema.upgrade(db)
        assert expected <= await _tables(db)
    finally:
        await db.dispose()


async def test_upgrade_twice_is_harmless(database_url: str) -> None:
    db = Database(database_url)
    try:
        await schema.upgrade(db)
        first = await schema.current(db)
        await schema.upgrade(db)
        assert await schema.current(db) == first
    finally:
        await db.dispose()
