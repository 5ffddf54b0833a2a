"""Claims on outbox rows: a lease that expired is given to the next claimer, on every tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.domain.outbox import outbox_kind
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


async def _row(database: Database, chat_id: int = 501) -> None:
    async with SqlUnitOfWork(database) as uow:
        await uow.outbox.add(
            chat_id=chat_id, kind="bsn_due", due=NOW, language="en", now=NOW, user_id=chat_id
        )
        await uow.commit()


async def _claim(database: Database, now: datetime, token: str) -> list[int]:
    async with SqlUnitOfWork(database) as uow:
        claimed = await uow.outbox.claim_due(now, 10, token, LEASE)
        await uow.commit()
    return [m.id for m in claimed]


async def test_a_claim_whose_lease_expired_is_claimed_again(database: Database) -> None:
    await _row(database)
    first = await _claim(database, NOW, "killed")
    assert len(first) == 1
    assert await _claim(database, NOW + LEASE - timedelta(seconds=1), "alive") == []
    assert await _claim(database, NOW + LEASE + timedelta(seconds=1), "alive") == first


async def test_only_the_current_claim_finishes_a_row(database: Database) -> None:
    await _row(database)
    [row] = await _claim(database, NOW, "stuck")
    later = NOW + LEASE + timedelta(minutes=1)
    assert await _claim(database, later, "survivor") == [row]
    async with SqlUnitOfWork(database) as uow:
        assert not await uow.outbox.finish(row, "sent", later, claim="stuck")  # taken over
        assert not await uow.outbox.retry(row, later, "late", claim="stuck")
        assert await uow.outbox.finish(row, "sent", later, claim="survivor")
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        assert await uow.outbox.counts() == {"sent": 1}


async def test_a_claim_takes_one_row_per_chat_the_earliest(database: Database) -> None:
    for chat in (601, 601, 602, 601):
        await _row(database, chat)
    async with SqlUnitOfWork(database) as uow:
        first = await uow.outbox.claim_due(NOW, 10, "one", LEASE)
        await uow.commit()
    assert [(m.id, m.chat_id) for m in first] == [(1, 601), (3, 602)]
    assert await _claim(database, NOW, "two") == []  # 601's first row is still being sent
    async with SqlUnitOfWork(database) as uow:
        assert await uow.outbox.finish(1, "sent", NOW, claim="one")
        await uow.commit()
    assert await _claim(database, NOW, "three") == [2]


async def test_a_row_whose_sender_keeps_dying_ends_failed_instead_of_looping(
    database: Database,
) -> None:
    await _row(database)
    await _row(database, chat_id=502)
    now = NOW
    claims = []
    for attempt in range(7):  # each claimer is "killed": its lease simply runs out
        claims.append(await _claim(database, now, f"doomed-{attempt}"))
        now += LEASE + timedelta(seconds=1)
    assert all(c == [1, 2] for c in claims[:6]), "six attempts, as for any other failure"
    assert claims[6] == [], "after the sixth expired claim the rows are given up"
    async with SqlUnitOfWork(database) as uow:
        assert await uow.outbox.counts() == {"failed": 2}


async def test_a_row_of_a_kind_this_version_does_not_know_is_left_waiting(
    database: Database,
) -> None:
    await _row(database)
    async with SqlUnitOfWork(database) as uow:
        await uow.session.execute(text("UPDATE outbox SET kind = 'from_a_newer_version'"))
        await uow.commit()
    assert await _claim(database, NOW, "old") == []
    async with SqlUnitOfWork(database) as uow:
        assert await uow.outbox.counts() == {"pending": 1}


def test_outbox_kinds_are_typed_when_read_back() -> None:
    assert outbox_kind("ticket_reraise") == "ticket_reraise"
    assert outbox_kind("evening_before") == "evening_before"
    with pytest.raises(ValueError):
        outbox_kind("evening_before\nforged")
