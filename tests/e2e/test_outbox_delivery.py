"""The outbox sender against the fake Bot API: failures stay per row, waits stay per chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.chat import dispatcher as dispatcher_module
from bot.chat.dispatcher import LEASE, MAX_ATTEMPTS, Dispatcher, rate_limited_bot
from bot.content.context import AppContext
from bot.dialogs.reminder_texts import Rendered, render
from bot.domain.outbox import OutboxMessage
from bot.services.clock import ManualClock
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork, UnitOfWork
from fakebotapi import FakeBotApi
from tests.e2e.db_checks import delivery_state
from tests.e2e.test_reminders import _direct_booking

pytestmark = pytest.mark.e2e
AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 30, 10, 0, tzinfo=AMS))


@pytest.fixture
async def sender(
    fake: FakeBotApi, database: Database, ctx: AppContext, clock: ManualClock
) -> AsyncIterator[Dispatcher]:
    """A dispatcher without its scheduler: the test says when to tick."""
    dispatcher = Dispatcher(rate_limited_bot(fake.token, fake.root_url), database, ctx, clock)
    await dispatcher.bot.initialize()
    yield dispatcher
    await dispatcher.bot.shutdown()


async def due_rows(database: Database, now: datetime, chats: list[int]) -> None:
    """One booking per chat and one message due now per entry of `chats` (repeats allowed)."""
    async with SqlUnitOfWork(database) as uow:
        bookings: dict[int, int] = {}
        for chat in chats:
            if chat not in bookings:
                booking = await uow.bookings.active_for_user(chat)
                found = booking.id if booking else await _direct_booking(uow, chat, now)
                bookings[chat] = found
            await uow.outbox.add(
                chat_id=chat,
                user_id=chat,
                booking_id=bookings[chat],
                kind="bsn_next_steps",
                due=now,
                language="en",
                now=now,
            )
        await uow.commit()


async def test_a_render_failure_is_retried_then_failed_and_spares_the_other_rows(
    fake: FakeBotApi,
    database: Database,
    sender: Dispatcher,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    users = [fake.add_user(7001 + i, f"R{i}", "en") for i in range(3)]
    broken = users[1].id
    await due_rows(database, clock.now(), [u.id for u in users])

    async def failing(
        uow: UnitOfWork, ctx: AppContext, message: OutboxMessage, now: datetime
    ) -> Rendered | None:
        if message.chat_id == broken:
            raise KeyError("a template placeholder")
        return await render(uow, ctx, message, now)

    monkeypatch.setattr(dispatcher_module, "render", failing)
    assert await sender.tick() == 3
    await fake.wait_until_idle()
    assert [len(fake.chat_messages(u)) for u in users] == [1, 0, 1]
    assert await delivery_state(database) == {
        users[0].id: ("sent", 1),
        broken: ("pending", 1),
        users[2].id: ("sent", 1),
    }
    for attempt in range(2, MAX_ATTEMPTS + 1):
        clock.advance(timedelta(minutes=11))  # past the longest backoff
        assert await sender.tick() == 1
        status = "failed" if attempt == MAX_ATTEMPTS else "pending"
        assert (await delivery_state(database))[broken] == (status, attempt)
    assert fake.chat_messages(users[1]) == []
    assert sender.stats["sent"] == 2


async def test_a_row_whose_sender_died_is_sent_by_a_later_tick(
    fake: FakeBotApi, database: Database, sender: Dispatcher, clock: ManualClock
) -> None:
    user = fake.add_user(7101, "Orphan", "en")
    await due_rows(database, clock.now(), [user.id])
    async with SqlUnitOfWork(database) as uow:  # a process claims the row and is killed
        assert len(await uow.outbox.claim_due(clock.now(), 10, "dead", LEASE)) == 1
        await uow.commit()
    assert await sender.tick() == 0  # its lease still runs
    clock.advance(LEASE + timedelta(seconds=1))
    assert await sender.tick() == 1
    await fake.wait_until_idle()
    assert len(fake.chat_messages(user)) == 1
    # the dead claim counts as an attempt (so a row that kills its sender cannot loop forever)
    assert await delivery_state(database) == {user.id: ("sent", 2)}


async def test_waiting_for_a_chat_does_not_hold_a_send_slot(
    fake: FakeBotApi,
    database: Database,
    ctx: AppContext,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    busy = fake.add_user(7201, "Busy", "en")
    other = fake.add_user(7202, "Other", "en")
    monkeypatch.setattr(dispatcher_module, "CONCURRENT_SENDS", 1)
    dispatcher = Dispatcher(rate_limited_bot(fake.token, fake.root_url), database, ctx, clock)
    await dispatcher.bot.initialize()
    try:
        await due_rows(database, clock.now(), [busy.id])
        assert await dispatcher.tick() == 1
        await due_rows(database, clock.now(), [busy.id, other.id])  # busy's due first
        assert await dispatcher.tick() == 2
    finally:
        await dispatcher.bot.shutdown()
    await fake.wait_until_idle()
    order = [r.chat_id for r in fake.requests_for("sendMessage") if r.status == 200]
    # Busy's second message waits for its chat's second without the only send slot.
    assert order == [busy.id, other.id, busy.id]


async def test_a_batch_takes_one_row_per_chat_and_sends_them_all(
    fake: FakeBotApi, database: Database, sender: Dispatcher, clock: ManualClock
) -> None:
    users = [fake.add_user(7301 + i, f"M{i}", "en") for i in range(2)]
    await due_rows(database, clock.now(), [u.id for u in users for _ in range(3)])
    assert await sender.tick() == 6
    await fake.wait_until_idle()
    assert [len(fake.chat_messages(u)) for u in users] == [3, 3]
    assert fake.too_many_requests == 0
