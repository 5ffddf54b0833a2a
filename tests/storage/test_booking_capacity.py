"""Capacity is enforced by the database: concurrent bookings never overfill a slot."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, time
from types import MappingProxyType

import pytest

from bot.content.eligibility import load_municipalities
from bot.content.locations import load_locations
from bot.domain.booking import Booking, party_of
from bot.domain.itinerary import Itinerary, plan
from bot.domain.locations import Desk, Location, Step
from bot.services import booking as booking_service
from bot.storage import schema
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork, UnitOfWork
from tests.conftest import CONTENT, POSTGRES_URL, REPO, reset_postgres

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
DAY = date(2026, 12, 3)
PLACES = 10


def ten_place_location() -> Location:
    """The real location reduced to one step at a desk with exactly 10 counters."""
    real = load_locations(CONTENT, tuple(m.id for m in load_municipalities(CONTENT)))["maastricht"]
    desk = real.desks["ind"]
    return replace(
        real,
        desks=MappingProxyType({"ind": Desk("ind", PLACES, desk.hours)}),
        steps=(Step("ind", "ind", 15, False, 0),),
    )


async def attempt_bookings(url: str, first_user: int, count: int) -> int:
    """Starts `count` bookings of the same slot at once; returns how many succeeded."""
    database = Database(url)
    location = ten_place_location()
    itinerary = plan(location, DAY, time(9, 0), 1)
    assert itinerary is not None

    async def one(user_id: int) -> bool:
        async with SqlUnitOfWork(database) as uow:
            try:
                await book_one(uow, location, itinerary, user_id)
            except booking_service.SlotTaken:
                return False
            await uow.commit()
            return True

    try:
        results = await asyncio.gather(*(one(first_user + i) for i in range(count)))
    finally:
        await database.dispose()
    return sum(results)


async def book_one(
    uow: UnitOfWork, location: Location, itinerary: Itinerary, user_id: int
) -> Booking:
    """A booking for one person, with the user's id as chat."""
    return await booking_service.book(
        uow,
        location,
        itinerary,
        user_id=user_id,
        chat_id=user_id,
        party=party_of(False, 0),
        language="en",
        now=NOW,
    )


async def _used(database: Database) -> int:
    location = ten_place_location()
    async with SqlUnitOfWork(database) as uow:
        usage = await uow.bookings.usage(
            location.id, NOW.replace(day=1), NOW.replace(month=12, day=31)
        )
    return max(usage.values())


async def test_fifty_concurrent_bookings_for_ten_places(database: Database) -> None:
    succeeded = await attempt_bookings(database.url, 1, 50)
    assert succeeded == PLACES
    assert await _used(database) == PLACES
    async with SqlUnitOfWork(database) as uow:
        location = ten_place_location()
        active = await uow.bookings.active_on(location.id, DAY)
    assert len(active) == PLACES


async def test_two_processes_race_for_ten_places_on_postgresql() -> None:
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    await reset_postgres(POSTGRES_URL)
    database = Database(POSTGRES_URL)
    await schema.upgrade(database)
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.storage.race_worker",
            POSTGRES_URL,
            str(first),
            "25",
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
        )
        for first in (1000, 2000)
    ]
    outputs = [await asyncio.wait_for(w.communicate(), 120) for w in workers]
    counts = [int(out.decode().strip().split("=")[1]) for out, _ in outputs]
    assert sum(counts) == PLACES, counts
    assert await _used(database) == PLACES
    await database.dispose()


async def test_reschedule_releases_old_places_in_the_same_transaction(database: Database) -> None:
    location = ten_place_location()
    nine = plan(location, DAY, time(9, 0), 1)
    ten = plan(location, DAY, time(10, 0), 1)
    assert nine is not None and ten is not None
    async with SqlUnitOfWork(database) as uow:
        booking = await book_one(uow, location, nine, 1)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        moved = await booking_service.reschedule(uow, location, booking, ten, now=NOW)
        await uow.commit()
    assert moved.reference == booking.reference
    async with SqlUnitOfWork(database) as uow:
        usage = await uow.bookings.usage(
            location.id, NOW.replace(day=1), NOW.replace(month=12, day=31)
        )
    assert set(usage) == set(ten.cells())


async def test_a_failed_reschedule_keeps_the_old_places(database: Database) -> None:
    location = ten_place_location()
    nine = plan(location, DAY, time(9, 0), 1)
    ten = plan(location, DAY, time(10, 0), 1)
    assert nine is not None and ten is not None
    async with SqlUnitOfWork(database) as uow:
        mine = await book_one(uow, location, nine, 1)
        for user in range(2, 2 + PLACES):  # fill ten o'clock completely
            await book_one(uow, location, ten, user)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        with pytest.raises(booking_service.SlotTaken):
            await booking_service.reschedule(uow, location, mine, ten, now=NOW)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        still = await uow.bookings.active_for_user(1)
        usage = await uow.bookings.usage(
            location.id, NOW.replace(day=1), NOW.replace(month=12, day=31)
        )
    assert still is not None and still.start == mine.start
    assert all(usage[cell] == 1 for cell in nine.cells())


async def test_cancel_frees_the_places_and_one_active_booking_per_person(
    database: Database,
) -> None:
    location = ten_place_location()
    nine = plan(location, DAY, time(9, 0), 1)
    assert nine is not None
    async with SqlUnitOfWork(database) as uow:
        booking = await book_one(uow, location, nine, 1)
        with pytest.raises(booking_service.AlreadyBooked):
            await book_one(uow, location, nine, 1)
        await booking_service.cancel(uow, location, booking, NOW)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        usage = await uow.bookings.usage(
            location.id, NOW.replace(day=1), NOW.replace(month=12, day=31)
        )
        again = await book_one(uow, location, nine, 1)
        await uow.commit()
    assert usage == {}
    assert again.reference != booking.reference
