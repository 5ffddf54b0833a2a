"""Repositories keep what they are given, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.domain.dialog import Dialog
from bot.domain.users import UserProfile
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def test_a_dialog_survives_a_new_unit_of_work(database: Database) -> None:
    dialog = Dialog().start("elig", "route").advance("stay_long", route="hsm", name="Zoë 李小龙")
    async with SqlUnitOfWork(database) as uow:
        await uow.dialogs.save(42, 7, dialog, NOW)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        loaded = await uow.dialogs.get(42)
    assert loaded.flow == "elig"
    assert loaded.step == "stay_long"
    assert loaded.answers == {"route": "hsm", "name": "Zoë 李小龙"}
    assert loaded.history == ("route",)
    assert loaded.version == 1


async def test_leaving_without_commit_keeps_nothing(database: Database) -> None:
    async with SqlUnitOfWork(database) as uow:
        await uow.users.save(UserProfile(5, "nl", True), NOW)
    async with SqlUnitOfWork(database) as uow:
        assert await uow.users.get(5) is None


async def test_user_language_is_remembered_and_updated(database: Database) -> None:
    async with SqlUnitOfWork(database) as uow:
        await uow.users.save(UserProfile(5, "nl", False), NOW)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        await uow.users.save(UserProfile(5, "en", True), NOW + timedelta(minutes=1))
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        assert await uow.users.get(5) == UserProfile(5, "en", True)


async def test_processed_updates_are_recognised_and_pruned(database: Database) -> None:
    async with SqlUnitOfWork(database) as uow:
        assert await uow.chat_state.record_update(100, NOW - timedelta(days=3))
        assert await uow.chat_state.record_update(101, NOW)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        assert not await uow.chat_state.record_update(101, NOW)  # a redelivery is refused
    async with SqlUnitOfWork(database) as uow:
        assert await uow.updates.prune(NOW - timedelta(days=2)) == 1
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        assert await uow.chat_state.record_update(100, NOW)  # forgotten, so accepted again
        await uow.commit()


async def test_faq_gaps_are_counted_case_insensitively(database: Database) -> None:
    async with SqlUnitOfWork(database) as uow:
        for text in ["Where do I park?", "where do I park?", "  WHERE DO I PARK?", "Pizza?"]:
            await uow.faq_gaps.record(text, "en", NOW)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        rows = await uow.faq_gaps.most_frequent()
    assert rows[0] == ("where do i park?", "en", 3)
    assert ("pizza?", "en", 1) in rows


async def test_chat_lock_applies_one_transaction_at_a_time(database: Database) -> None:
    """Two concurrent read-modify-write cycles on one chat never lose an update."""

    async def bump() -> None:
        async with SqlUnitOfWork(database) as uow:
            await uow.lock_chat(9)
            dialog = await uow.dialogs.get(9)
            count = int(dialog.answers.get("count", 0))
            await asyncio.sleep(0.01)
            await uow.dialogs.save(9, 9, Dialog(answers={"count": count + 1}), NOW)
            await uow.commit()

    await asyncio.gather(*(bump() for _ in range(8)))
    async with SqlUnitOfWork(database) as uow:
        assert (await uow.dialogs.get(9)).answers["count"] == 8
