"""Pre-registration storage: encrypted at rest, key rotation, export, erase and purge."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from bot.chat.dispatcher import Dispatcher, rate_limited_bot
from bot.content.context import AppContext
from bot.dialogs.reminder_texts import render
from bot.domain.booking import BookedVisit, PartyMember
from bot.domain.outbox import OutboxMessage
from bot.domain.prereg import Person
from bot.services.clock import ManualClock
from bot.storage.crypto import Cipher
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork, UnitOfWork

pytestmark = pytest.mark.storage
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
PASSPORT = "XK9912345"
SURNAME = "Ødegaard-Quintessa"


async def _book(uow: UnitOfWork, user_id: int, day: date, reference: str) -> int:
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    booking = await uow.bookings.add(
        reference=reference,
        user_id=user_id,
        chat_id=user_id,
        location_id="maastricht",
        visits=(BookedVisit("ind", "ind", start, start + timedelta(minutes=30)),),
        party=(PartyMember("main"), PartyMember("child")),
        language="en",
        now=NOW,
    )
    return booking.id


async def _fill(db: Database, user_id: int = 7, day: date = date(2026, 12, 10)) -> int:
    async with SqlUnitOfWork(db) as uow:
        booking_id = await _book(uow, user_id, day, f"MST-{user_id:04d}")
        persons = [
            Person("main", {"surname": SURNAME, "document_number": PASSPORT}),
            Person("child", {"given_names": "李小龙"}),
        ]
        await uow.prereg.create(booking_id, user_id, persons, NOW)
        await uow.commit()
    return booking_id


def _pg_dump(url: str) -> bytes:
    parsed = make_url(url)
    command = [
        "pg_dump",
        "-h",
        parsed.host or "127.0.0.1",
        "-p",
        str(parsed.port or 5432),
        "-U",
        parsed.username or "postgres",
        "--data-only",
        parsed.database or "test",
    ]
    return subprocess.run(command, check=True, capture_output=True, timeout=60).stdout


def _raw_sqlite(url: str) -> bytes:
    """The database file with its write-ahead log, where fresh rows live until a checkpoint."""
    path = Path(make_url(url).database or "")
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def test_personal_fields_are_not_in_the_raw_database(database: Database) -> None:
    await _fill(database)
    raw = _raw_sqlite(database.url) if database.is_sqlite else _pg_dump(database.url)
    assert b"MST-0007" in raw  # the dump is real: the booking reference is stored in clear
    for secret in (PASSPORT, SURNAME, "李小龙"):
        assert secret.encode("utf-8") not in raw
    assert "Ødegaard".encode() not in raw and "Ødegaard".encode("utf-16-le") not in raw


async def test_old_keys_still_decrypt_and_new_writes_use_the_new_key(database_url: str) -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    first = Database(database_url, Cipher([old]))
    from bot.storage import schema

    await schema.upgrade(first)
    booking_id = await _fill(first)
    await first.dispose()

    rotated = Database(database_url, Cipher([new, old]))
    async with SqlUnitOfWork(rotated) as uow:
        form = await uow.prereg.get(booking_id)
        assert form is not None and form.persons[0].answers["document_number"] == PASSPORT
        await uow.prereg.save(form.with_answer(0, "email", "zoe@example.org"), NOW)
        await uow.commit()
    await rotated.dispose()

    only_new = Database(database_url, Cipher([new]))
    async with SqlUnitOfWork(only_new) as uow:
        form = await uow.prereg.get(booking_id)
        assert form is not None and form.persons[0].answers["email"] == "zoe@example.org"
    await only_new.dispose()

    only_old = Database(database_url, Cipher([old]))
    async with SqlUnitOfWork(only_old) as uow:
        with pytest.raises(ValueError):
            await uow.prereg.get(booking_id)
    await only_old.dispose()


async def test_export_shows_the_form_and_erase_removes_everything(database: Database) -> None:
    booking_id = await _fill(database, user_id=8)
    other = await _fill(database, user_id=9)
    async with SqlUnitOfWork(database) as uow:
        await uow.recent.add(8, "my passport number is in my bag", NOW, 5)
        await uow.eligibility.save(8, "one_stop", "one_stop", {"route": "hsm"}, NOW)
        data = await uow.personal.export(8, 8)
        await uow.commit()
    [booking] = data["bookings"]
    assert booking["reference"] == "MST-0008"
    assert booking["pre_registration"]["persons"][0]["answers"]["document_number"] == PASSPORT
    assert data["recent_messages"][0]["text"] == "my passport number is in my bag"
    assert data["eligibility"]["outcome"] == "one_stop"

    async with SqlUnitOfWork(database) as uow:
        counts = await uow.personal.erase(8, 8, NOW)
        await uow.commit()
    assert counts["bookings"] == 1 and counts["messages"] == 1 and counts["eligibility"] == 1
    async with SqlUnitOfWork(database) as uow:
        assert await uow.prereg.get(booking_id) is None
        assert await uow.prereg.get(other) is not None  # someone else's data is untouched
        empty = await uow.personal.export(8, 8)
    assert empty["bookings"] == [] and empty["recent_messages"] == []
    assert empty["eligibility"] is None


async def test_purge_deletes_forms_of_visits_past_the_retention_period(
    database: Database,
) -> None:
    old = await _fill(database, user_id=10, day=date(2026, 10, 1))
    recent = await _fill(database, user_id=11, day=date(2026, 11, 20))
    long_ago = NOW - timedelta(days=40)
    async with SqlUnitOfWork(database) as uow:
        await uow.recent.add(11, "old text", long_ago, 5)
        await uow.recent.add(11, "new text", NOW, 5)
        for user, status, when in (
            (21, "revoked", long_ago),  # purged: refused or revoked long enough ago
            (22, "rejected", NOW),  # kept: decided recently
            (23, "approved", long_ago),  # kept: in use
        ):
            await uow.hr_accounts.request(user, user, "10000001", f"hr{user}@x.example", "en", when)
            await uow.hr_accounts.decide(user, status, 9, when, only_from=("pending",))
        counts = await uow.personal.purge(date(2026, 11, 1), NOW - timedelta(days=30))
        await uow.commit()
    assert counts["forms"] == 1 and counts["messages"] == 1 and counts["hr_accounts"] == 1
    async with SqlUnitOfWork(database) as uow:
        assert await uow.prereg.get(old) is None
        assert await uow.prereg.get(recent) is not None
        assert await uow.recent.last(11, 5) == ["new text"]
        assert await uow.hr_accounts.get(21) is None
        assert await uow.hr_accounts.get(22) is not None and await uow.hr_accounts.get(23)


async def test_the_dispatcher_purges_at_start_and_schedules_a_daily_purge(
    database: Database, ctx: AppContext
) -> None:
    old = await _fill(database, user_id=12, day=date(2026, 10, 1))
    recent = await _fill(database, user_id=13, day=date(2026, 11, 20))
    clock = ManualClock(NOW)  # 1 December: the October visit is more than 30 days ago
    dispatcher = Dispatcher(rate_limited_bot("1:TEST", "http://127.0.0.1:9"), database, ctx, clock)
    await dispatcher.start()
    try:
        assert dispatcher.scheduled("purge")
    finally:
        await dispatcher.stop()
    async with SqlUnitOfWork(database) as uow:
        assert await uow.prereg.get(old) is None
        assert await uow.prereg.get(recent) is not None


async def test_the_evening_reminder_carries_the_personal_checklist(
    database: Database, ctx: AppContext
) -> None:
    booking_id = await _fill(database, user_id=14, day=date(2026, 12, 2))
    async with SqlUnitOfWork(database) as uow:
        form = await uow.prereg.get(booking_id)
        assert form is not None
        form = form.with_answer(0, "given_names", "Yui").with_answer(0, "birth_country", "JP")
        await uow.prereg.save(form, NOW)
        message = OutboxMessage(1, 14, 14, booking_id, "evening_before", NOW, "en")
        rendered = await render(uow, ctx, message, NOW)
    assert rendered is not None
    translation = ctx.catalog.plain("en", "checklist.birth_certificate_translation", name="")
    assert translation.split("{name}")[0][:30] in str(rendered[0])
    assert "Yui" in str(rendered[0])  # named per person, not the general list
