"""The in-memory store of the unit tests answers as the SQL one does, on the same calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.booking import BookedVisit, Booking, PartyMember
from bot.storage import schema
from bot.storage.database import Database
from bot.storage.unit_of_work import Conflict, SqlUnitOfWork, UnitOfWork, UnitOfWorkFactory
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.unit.fakes import MemoryDatabase

pytestmark = pytest.mark.storage
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
CELLS = [("ind", START), ("ind", START + timedelta(minutes=15))]


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
async def units(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[UnitOfWorkFactory]:
    """A unit-of-work factory of each kind, over an empty store."""
    if request.param == "memory":
        yield MemoryDatabase().unit
        return
    if request.param == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("TEST_DATABASE_URL not set")
        await reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'parity.sqlite3'}"
    database = Database(url)
    await schema.upgrade(database)
    yield lambda: SqlUnitOfWork(database)
    await database.dispose()


async def add_booking(uow: UnitOfWork, user_id: int, reference: str) -> Booking:
    return await uow.bookings.add(
        reference=reference,
        user_id=user_id,
        chat_id=user_id,
        location_id="maastricht",
        visits=(BookedVisit("ind", "ind", START, START + timedelta(minutes=30)),),
        party=(PartyMember("main"),),
        language="en",
        now=NOW,
    )


async def test_a_full_cell_is_a_conflict_and_the_savepoint_undoes_the_booking(
    units: UnitOfWorkFactory,
) -> None:
    async with units() as uow:
        first = await add_booking(uow, 1, "MST-AAAA")
        await uow.bookings.hold(first.id, "maastricht", CELLS, {"ind": 1})
        await uow.commit()
    async with units() as uow:
        with pytest.raises(Conflict):
            async with uow.savepoint():
                second = await add_booking(uow, 2, "MST-CCCC")
                await uow.bookings.hold(second.id, "maastricht", CELLS, {"ind": 1})
        assert await uow.bookings.active_for_user(2) is None
        assert not await uow.bookings.reference_taken("MST-CCCC")
        usage = await uow.bookings.usage("maastricht", START, START + timedelta(hours=1))
        assert usage == {cell: 1 for cell in CELLS}
        assert (
            await uow.bookings.usage(
                "maastricht", START, START + timedelta(hours=1), full_at={"ind": 2}
            )
            == {}
        )


async def test_one_active_booking_per_user_and_references_are_unique(
    units: UnitOfWorkFactory,
) -> None:
    async with units() as uow:
        booking = await add_booking(uow, 1, "MST-AAAA")
        with pytest.raises(Conflict):
            async with uow.savepoint():
                await add_booking(uow, 1, "MST-CCCC")
        with pytest.raises(Conflict):
            async with uow.savepoint():
                await add_booking(uow, 2, "MST-AAAA")
        await uow.bookings.change(booking.id, NOW, status="cancelled")
        again = await add_booking(uow, 1, "MST-DDDD")  # once cancelled, a new one may be made
        assert await uow.bookings.reference_taken("MST-AAAA")
        assert (await uow.bookings.active_for_user(1)) == again


async def test_release_gives_back_exactly_what_was_held(units: UnitOfWorkFactory) -> None:
    async with units() as uow:
        booking = await add_booking(uow, 1, "MST-AAAA")
        await uow.bookings.hold(booking.id, "maastricht", reversed(CELLS), {"ind": 3})
        assert await uow.bookings.release(booking.id, "maastricht") == CELLS
        assert await uow.bookings.release(booking.id, "maastricht") == []
        assert await uow.bookings.usage("maastricht", START, START + timedelta(hours=1)) == {}


async def test_changes_without_commit_are_forgotten_and_updates_recorded_once(
    units: UnitOfWorkFactory,
) -> None:
    async with units() as uow:
        assert await uow.chat_state.record_update(7, NOW)
        await uow.eligibility.save(1, "one_stop", "one_stop", {"family": "none"}, NOW)
    async with units() as uow:
        assert await uow.eligibility.get(1) is None
        assert await uow.updates.highest() == 0
        assert await uow.chat_state.record_update(7, NOW)
        assert await uow.chat_state.record_update(3, NOW)
        await uow.commit()
    async with units() as uow:
        assert await uow.updates.highest() == 7
        assert not await uow.chat_state.record_update(7, NOW)


async def test_the_outbox_lifecycle(units: UnitOfWorkFactory) -> None:
    async with units() as uow:
        booking = await add_booking(uow, 1, "MST-AAAA")
        for kind, due in [("evening_before", NOW), ("morning_of", NOW), ("bsn_due", NOW)]:
            await uow.outbox.add(
                chat_id=1,
                user_id=1,
                booking_id=booking.id,
                kind=kind,
                due=due,
                language="en",
                now=NOW,
            )
        assert await uow.outbox.drop(booking.id, ["bsn_due"]) == 1
        lease = timedelta(minutes=5)
        [first] = await uow.outbox.claim_due(NOW, 10, "me", lease)  # one row per chat at a time
        assert first.kind == "evening_before"
        assert await uow.outbox.claim_due(NOW, 10, "other", lease) == []
        assert await uow.outbox.finish(first.id, "sent", NOW, claim="me")
        [second] = await uow.outbox.claim_due(NOW, 10, "me", lease)
        assert second.kind == "morning_of"
        assert await uow.outbox.retry(second.id, NOW + timedelta(hours=1), "timeout", claim="me")
        assert await uow.outbox.counts() == {"sent": 1, "pending": 1, "dropped": 1}
        assert await uow.outbox.pending_due_times() == [NOW + timedelta(hours=1)]
        later = NOW + timedelta(hours=2)
        assert [m.id for m in await uow.outbox.claim_due(later, 10, "stuck", lease)] == [second.id]
        assert await uow.outbox.claim_due(later + lease / 2, 10, "next", lease) == []
        expired = later + lease * 2  # the stuck claim's lease ran out: the row is claimed again
        assert [m.id for m in await uow.outbox.claim_due(expired, 10, "next", lease)] == [second.id]
        assert not await uow.outbox.finish(second.id, "sent", expired, claim="stuck")
        assert await uow.outbox.finish(second.id, "sent", expired, claim="next")


async def test_the_waitlist_is_served_first_come_for_later_days(
    units: UnitOfWorkFactory,
) -> None:
    async with units() as uow:
        early = await add_booking(uow, 1, "MST-AAAA")
        late = await add_booking(uow, 2, "MST-CCCC")
        await uow.waitlist.join(late.id, NOW)
        await uow.waitlist.join(early.id, NOW + timedelta(minutes=1))
        waiting = await uow.waitlist.waiting_later_than("maastricht", date(2026, 12, 1), 5)
        assert [b.id for b in waiting] == [late.id, early.id]
        await uow.waitlist.mark_notified(late.id, NOW)
        assert not await uow.waitlist.is_waiting(late.id)
        await uow.waitlist.join(late.id, NOW)  # joining again waits again
        assert await uow.waitlist.is_waiting(late.id)
        assert await uow.waitlist.waiting_later_than("maastricht", date(2026, 12, 3), 5) == []


async def test_a_row_whose_claims_keep_expiring_ends_failed(units: UnitOfWorkFactory) -> None:
    lease = timedelta(minutes=5)
    async with units() as uow:
        await uow.outbox.add(
            chat_id=801, kind="bsn_due", due=NOW, language="en", now=NOW, user_id=801
        )
        await uow.commit()
    now, claimed = NOW, []
    for attempt in range(7):
        async with units() as uow:
            claimed.append(len(await uow.outbox.claim_due(now, 10, f"c{attempt}", lease)))
            await uow.commit()
        now += lease + timedelta(seconds=1)
    assert claimed == [1, 1, 1, 1, 1, 1, 0]
    async with units() as uow:
        assert await uow.outbox.counts() == {"failed": 1}


async def test_one_digest_waits_or_is_sent_at_a_time(units: UnitOfWorkFactory) -> None:
    async def plan(uow: UnitOfWork, chat_id: int) -> None:
        await uow.outbox.add(chat_id=chat_id, kind="staff_digest", due=NOW, language="en", now=NOW)

    async with units() as uow:
        await plan(uow, -100)
        with pytest.raises(Conflict):  # a second process planning at the same moment
            async with uow.savepoint():
                await plan(uow, -100)
        [digest] = await uow.outbox.claim_due(NOW, 10, "me", timedelta(minutes=5))
        with pytest.raises(Conflict):  # also while the first one is being sent
            async with uow.savepoint():
                await plan(uow, -100)
        assert await uow.outbox.finish(digest.id, "sent", NOW, claim="me")
        await plan(uow, -100)  # once it is sent, the next one is planned
        await uow.commit()
    async with units() as uow:
        assert await uow.outbox.counts() == {"sent": 1, "pending": 1}
