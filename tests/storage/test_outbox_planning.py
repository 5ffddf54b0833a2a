"""The rules that plan outbox rows (digest, re-raise, purge) work once, however often called."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.content.context import AppContext
from bot.domain.outbox import OutboxMessage
from bot.services import digest, followups, handoff, privacy
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork

pytestmark = pytest.mark.storage
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Amsterdam
STAFF = -100500


@pytest.fixture
def staffed(ctx: AppContext) -> AppContext:
    return replace(ctx, staff_chat_id=STAFF)


async def _pending(database: Database) -> list[tuple[str, int, str]]:
    async with database.engine.connect() as conn:
        found = await conn.execute(
            text("SELECT kind, chat_id, payload FROM outbox WHERE status = 'pending' ORDER BY id")
        )
        return [(str(k), int(c), str(p)) for k, c, p in found.all()]


async def test_the_digest_is_planned_once(database: Database, staffed: AppContext) -> None:
    async with SqlUnitOfWork(database) as uow:
        first = await digest.plan_next(uow, staffed, NOW)
        again = await digest.plan_next(uow, staffed, NOW)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        later = await digest.plan_next(uow, staffed, NOW + timedelta(hours=1))
        await uow.commit()
    assert first is not None and first > NOW
    assert again is None and later is None
    assert [(k, c) for k, c, _ in await _pending(database)] == [("staff_digest", STAFF)]


async def test_two_processes_planning_at_once_make_one_digest(
    database: Database, staffed: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with SqlUnitOfWork(database) as uow:
        assert await digest.plan_next(uow, staffed, NOW) is not None
        await uow.commit()

    async def looked_too_early(kind: str) -> bool:
        return False  # this process checked before the other one's digest was committed

    async with SqlUnitOfWork(database) as uow:
        monkeypatch.setattr(uow.outbox, "has_open_kind", looked_too_early)
        assert await digest.plan_next(uow, staffed, NOW) is None
        await uow.commit()
    assert [(k, c) for k, c, _ in await _pending(database)] == [("staff_digest", STAFF)]


async def test_no_digest_without_a_staff_chat(database: Database, ctx: AppContext) -> None:
    async with SqlUnitOfWork(database) as uow:
        assert await digest.plan_next(uow, replace(ctx, staff_chat_id=None), NOW) is None
        await uow.commit()
    assert await _pending(database) == []


async def test_a_ticket_is_raised_again_once(database: Database, staffed: AppContext) -> None:
    async with SqlUnitOfWork(database) as uow:
        due = await handoff.plan_reraise(uow, staffed, 41, NOW)
        assert await handoff.plan_reraise(uow, staffed, 41, NOW) is None
        assert await handoff.plan_reraise(uow, staffed, 42, NOW) == due  # another ticket
        await uow.commit()
    assert due is not None and due > NOW
    pending = await _pending(database)
    assert [(k, c) for k, c, _ in pending] == [("ticket_reraise", STAFF)] * 2
    assert ["41" in p for _, _, p in pending] == [True, False]


async def test_what_a_sent_row_sets_in_motion_happens_once(
    database: Database, staffed: AppContext
) -> None:
    sent_digest = OutboxMessage(1, STAFF, None, None, "staff_digest", NOW, "en")
    sent_reraise = OutboxMessage(2, STAFF, None, None, "ticket_reraise", NOW, "en", {"ticket": 7})
    async with SqlUnitOfWork(database) as uow:
        wakes = []
        for _ in range(2):
            for message in (sent_digest, sent_reraise):
                wakes += await followups.after_delivery(uow, staffed, message, "sent", NOW)
        assert await followups.after_delivery(uow, staffed, sent_reraise, "failed", NOW) == []
        await uow.commit()
    assert len(wakes) == 2
    assert sorted(k for k, _, _ in await _pending(database)) == ["staff_digest", "ticket_reraise"]


async def test_the_purge_deletes_once(database: Database, ctx: AppContext) -> None:
    async with SqlUnitOfWork(database) as uow:
        await uow.recent.add(11, "old text", NOW - timedelta(days=ctx.purge_after_days + 5), 5)
        await uow.recent.add(11, "new text", NOW, 5)
        await uow.faq_gaps.record("old gap?", "en", NOW - timedelta(days=ctx.purge_after_days + 1))
        await uow.faq_gaps.record("new gap?", "en", NOW)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        first = await privacy.purge_expired(uow, ctx, NOW)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        second = await privacy.purge_expired(uow, ctx, NOW)
        await uow.commit()
        assert await uow.recent.last(11, 5) == ["new text"]
        assert await uow.faq_gaps.most_frequent() == [("new gap?", "en", 1)]
    assert first["messages"] == 1 and first["faq_gaps"] == 1
    assert set(second.values()) == {0}
