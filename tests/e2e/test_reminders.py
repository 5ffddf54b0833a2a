"""The BSN timeline end to end with a controllable clock, restarts and two processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Runtime, build_runtime, running
from bot.services.clock import ManualClock
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork, UnitOfWork
from fakebotapi import FakeBotApi, SimUser
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.e2e.conftest import (
    BotProcess,
    Chat,
    awake_content,
    bot_settings,
    child_env,
    free_port,
)
from tests.e2e.stored import active_booking, messages_for
from tests.e2e.test_booking import become_eligible, book_first_free

pytestmark = pytest.mark.e2e
STAFF_CHAT = -100700
AMS = ZoneInfo("Europe/Amsterdam")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), AMS)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 30, 10, 0, tzinfo=AMS))  # a Monday


@pytest.fixture
async def timed_bot(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> AsyncIterator[Runtime]:
    settings = bot_settings(
        fake, database_url, staff_chat_id=STAFF_CHAT, admin_user_ids=(9101, 9102)
    )
    runtime = build_runtime(settings, clock=clock)
    async with running(runtime, "polling"):
        yield runtime
        await fake.wait_until_idle(timeout=20)


async def advance_to(
    runtime: Runtime, clock: ManualClock, fake: FakeBotApi, moment: datetime
) -> int:
    clock.set(moment)
    sent = await runtime.dispatcher.tick()
    await fake.wait_until_idle()
    return sent


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_the_whole_bsn_timeline(
    fake: FakeBotApi, timed_bot: Runtime, clock: ManualClock, lang: str
) -> None:
    user = Chat(fake, fake.add_user(6001, "Yara", lang))
    staff = fake.add_user(9101, "Sophie", "en")
    group = fake.add_group(STAFF_CHAT, "Desk staff", members={9101: "member"})
    await become_eligible(user, lang, family="none")
    await user.tap("📅 Book the appointment" if lang == "en" else "📅 Afspraak maken")
    await book_first_free(user, lang)
    booking = await active_booking(timed_bot.database, user.user.id)
    reference, day = booking.reference, booking.day
    assert await messages_for(timed_bot.database, booking.id) == [
        ("evening_before", "pending"),
        ("morning_of", "pending"),
    ]

    # Nothing is due yet: a tick sends nothing.
    assert await advance_to(timed_bot, clock, fake, local(day - timedelta(days=1), 17, 59)) in (
        0,
        1,
    )
    before = len(fake.chat_messages(user.user))
    await advance_to(timed_bot, clock, fake, local(day - timedelta(days=1), 18, 0))
    evening = fake.chat_messages(user.user)[before]
    assert reference in evening.content and "Mosae Forum 10" in evening.content
    assert (
        "Tomorrow is your one-stop visit" if lang == "en" else "Morgen is je one-stop bezoek"
    ) in evening.content

    await advance_to(timed_bot, clock, fake, local(day, 8, 0))
    morning = fake.chat_messages(user.user)[-1]
    assert ("Today at" if lang == "en" else "Vandaag om") in morning.content

    # Staff mark the visit attended from the agenda: the BSN clock starts.
    clock.set(local(day, 13, 0))
    await fake.send_text(staff, f"/agenda {day.isoformat()}", chat=group)
    agenda = await fake.wait_for_bot_message(group)
    await fake.wait_until_idle()
    tap = await fake.tap(staff, agenda, f"✔ {reference}")
    await fake.wait_for_callback_answer(tap)
    marked = await fake.wait_for_bot_message(group, after_message_id=agenda.message_id)
    assert f"{reference}: marked attended by Sophie" in marked.content
    await fake.wait_until_idle()
    await timed_bot.dispatcher.tick()
    await fake.wait_until_idle()
    expected = fake.chat_messages(user.user)[-1]
    assert ("is expected by" if lang == "en" else "wordt verwacht uiterlijk") in expected.content
    due_day = timed_bot.ctx.working_days["maastricht"].add(
        day, timed_bot.ctx.reminders.bsn_working_days
    )

    # On the due date, unmarked: the newcomer hears staff were alerted; staff get the alert.
    await advance_to(timed_bot, clock, fake, local(due_day, 9, 0))
    assert (
        "Staff have been alerted" if lang == "en" else "De medewerkers zijn gewaarschuwd"
    ) in fake.chat_messages(user.user)[-1].content
    await advance_to(timed_bot, clock, fake, local(due_day, 17, 0))
    alert = fake.chat_messages(group)[-1]
    assert f"BSN overdue: {reference}" in alert.content

    # Staff mark it issued from the alert: the newcomer gets the next steps, never the BSN.
    tap = await fake.tap(staff, alert, f"🆔 {reference}")
    await fake.wait_for_callback_answer(tap)
    await fake.wait_until_idle()
    await timed_bot.dispatcher.tick()
    await fake.wait_until_idle()
    steps = fake.chat_messages(user.user)[-1]
    assert "DigiD" in steps.content and (
        "30% ruling" in steps.content or "30%-regeling" in steps.content
    )

    messages = await messages_for(timed_bot.database, booking.id)
    sent = [kind for kind, status in messages if status == "sent"]
    for kind in [
        "evening_before",
        "morning_of",
        "bsn_expected",
        "bsn_due",
        "staff_bsn_overdue",
        "bsn_next_steps",
    ]:
        assert sent.count(kind) == 1, (kind, sent)
    assert ("insurance_deadline", "pending") in messages


async def test_a_no_show_gets_an_offer_instead_of_bsn_reminders(
    fake: FakeBotApi, timed_bot: Runtime, clock: ManualClock
) -> None:
    user = Chat(fake, fake.add_user(6002, "Nils", "en"))
    staff = fake.add_user(9102, "Tim", "en")
    group = fake.add_group(STAFF_CHAT, "Desk staff", members={9102: "member"})
    await become_eligible(user, "en", family="none")
    await user.tap("📅 Book the appointment")
    await book_first_free(user, "en")
    booking = await active_booking(timed_bot.database, user.user.id)
    reference = booking.reference
    await fake.send_text(staff, f"/bsn_issued {reference}", chat=group)
    refused = await fake.wait_for_bot_message(group)
    assert "not marked attended yet" in refused.content
    await fake.send_text(staff, f"/agenda {booking.day.isoformat()}", chat=group)
    agenda = await fake.wait_for_bot_message(group, after_message_id=refused.message_id)
    await fake.wait_until_idle()
    tap = await fake.tap(staff, agenda, f"✖ {reference}")
    await fake.wait_for_callback_answer(tap)
    await fake.wait_until_idle()
    await timed_bot.dispatcher.tick()
    await fake.wait_until_idle()
    offer = fake.chat_messages(user.user)[-1]
    assert "We missed you" in offer.content and "📅 Choose a new date" in offer.buttons()
    messages = await messages_for(timed_bot.database, booking.id)
    assert not any(k.startswith("bsn") and s == "pending" for k, s in messages)


async def _booked_day(runtime: Runtime, user_id: int) -> date:
    return (await active_booking(runtime.database, user_id)).day


async def test_cancel_drops_and_reschedule_moves_the_reminders(
    fake: FakeBotApi, timed_bot: Runtime, clock: ManualClock
) -> None:
    user = Chat(fake, fake.add_user(6003, "Rosa", "en"))
    await become_eligible(user, "en", family="none")
    await user.tap("📅 Book the appointment")
    await book_first_free(user, "en")
    first = await _booked_day(timed_bot, 6003)
    await user.tap("🗓 My appointment")
    await user.tap("🔁 Change date or time")
    await book_first_free(user, "en", day_index=2)
    booking = await active_booking(timed_bot.database, 6003)
    second = booking.day
    async with SqlUnitOfWork(timed_bot.database) as uow:
        rows = await uow.outbox.for_booking(booking.id)
    pending = [(k, d.astimezone(AMS)) for k, d, s in rows if s == "pending"]
    assert ("evening_before", local(second - timedelta(days=1), 18)) in pending
    assert all(d.date() != first - timedelta(days=1) for k, d in pending if k == "evening_before")
    await user.tap("🗓 My appointment")
    await user.tap("❌ Cancel the appointment")
    await user.tap("Yes, cancel it")
    statuses = {
        s
        for k, s in await messages_for(timed_bot.database, booking.id)
        if k in ("evening_before", "morning_of")
    }
    assert statuses == {"dropped"}


async def test_429_is_honoured_and_403_is_marked_undeliverable(
    fake: FakeBotApi, timed_bot: Runtime, clock: ManualClock
) -> None:
    ok_user = fake.add_user(6101, "Ok", "en")
    blocked = fake.add_user(6102, "Gone", "en")
    now = clock.now()
    bookings = []
    async with SqlUnitOfWork(timed_bot.database) as uow:
        for user in (ok_user, blocked):
            booking = await _direct_booking(uow, user.id, now)
            bookings.append(booking)
            await uow.outbox.add(
                chat_id=user.id,
                user_id=user.id,
                booking_id=booking,
                kind="bsn_next_steps",
                due=now,
                language="en",
                now=now,
            )
        await uow.commit()
    fake.block(blocked)
    fake.inject_fault(method="sendMessage", status=429, count=1, retry_after=3, chat_id=ok_user.id)
    await timed_bot.dispatcher.tick()
    await fake.wait_until_idle()
    assert fake.chat_messages(ok_user) == []
    assert [await messages_for(timed_bot.database, b) for b in bookings] == [
        [("bsn_next_steps", "pending")],
        [("bsn_next_steps", "undeliverable")],
    ]
    clock.advance(timedelta(seconds=3))
    await timed_bot.dispatcher.tick()
    await fake.wait_until_idle()
    assert len(fake.chat_messages(ok_user)) == 1
    assert [await messages_for(timed_bot.database, b) for b in bookings] == [
        [("bsn_next_steps", "sent")],
        [("bsn_next_steps", "undeliverable")],
    ]


async def _direct_booking(uow: UnitOfWork, user_id: int, now: datetime) -> int:
    """A booking row for delivery tests that do not need the booking dialog."""
    from bot.domain.booking import BookedVisit, party_of

    start = now + timedelta(days=3)
    booking = await uow.bookings.add(
        reference=f"TST-{user_id % 10000:04d}",
        user_id=user_id,
        chat_id=user_id,
        location_id="maastricht",
        visits=(BookedVisit("ind", "ind", start, start + timedelta(minutes=15)),),
        party=party_of(False, 0),
        language="en",
        now=now,
    )
    return booking.id


async def seed_due_messages(database: Database, users: list[SimUser]) -> None:
    """One booking and one message due a minute ago per user, written straight to storage."""
    from bot.storage import schema

    await schema.upgrade(database)
    now = datetime.now(UTC)
    async with SqlUnitOfWork(database) as uow:
        for user in users:
            booking = await _direct_booking(uow, user.id, now)
            await uow.outbox.add(
                chat_id=user.id,
                user_id=user.id,
                booking_id=booking,
                kind="bsn_next_steps",
                due=now - timedelta(minutes=1),
                language="en",
                now=now,
            )
        await uow.commit()


async def test_restart_after_kill_sends_each_reminder_once(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    users = [fake.add_user(6200 + i, f"U{i}", "en") for i in range(20)]
    database = Database(database_url)
    await seed_due_messages(database, users)
    fake.latency = 0.2  # slow sends, so the kill lands in the middle of the batch
    content = str(awake_content(tmp_path))  # quiet hours apply at send time: keep them away
    process = BotProcess(
        child_env(fake, database_url, ONESTOP_CONTENT_DIR=content), tmp_path / "bot.log"
    )
    await process.start()
    try:
        await fake.wait_until(
            lambda: sum(len(fake.chat_messages(u)) for u in users) >= 3, timeout=60
        )
        process.kill()
        await process.wait()
        fake.latency = 0.0
        await process.start()
        await fake.wait_until(
            lambda: all(len(fake.chat_messages(u)) >= 1 for u in users), timeout=120
        )
        await asyncio.sleep(1)
    finally:
        await process.stop()
        await database.dispose()
    counts = [len(fake.chat_messages(u)) for u in users]
    assert counts == [1] * len(users), counts


async def test_two_processes_never_send_a_row_twice(fake: FakeBotApi, tmp_path: Path) -> None:
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    await reset_postgres(POSTGRES_URL)
    # More rows than one claim takes (100), sent slowly: the second process must claim the rest.
    users = [fake.add_user(6300 + i, f"U{i}", "en") for i in range(160)]
    fake.latency = 0.05
    database = Database(POSTGRES_URL)
    await seed_due_messages(database, users)
    await database.dispose()
    processes = []
    content = str(awake_content(tmp_path))  # quiet hours apply at send time: keep them away
    for number in range(2):
        env = child_env(
            fake,
            POSTGRES_URL,
            ONESTOP_CONTENT_DIR=content,
            WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/hook",
            WEBHOOK_SECRET="shared-secret",
            WEBHOOK_LISTEN="127.0.0.1",
        )
        env["WEBHOOK_PORT"] = env["WEBHOOK_URL"].rsplit(":", 1)[1].split("/")[0]
        processes.append(BotProcess(env, tmp_path / f"bot{number}.log"))
    try:
        for process in processes:
            await process.start("--webhook")
        await fake.wait_until(
            lambda: all(len(fake.chat_messages(u)) >= 1 for u in users), timeout=120
        )
        await asyncio.sleep(1.5)
    finally:
        for process in processes:
            await process.stop()
    counts = [len(fake.chat_messages(u)) for u in users]
    assert counts == [1] * len(users), counts
    logs = [p.log() for p in processes]
    assert all("outbox_sent" in log for log in logs), "both processes took part"


async def test_a_missed_evening_reminder_is_dropped_after_the_visit_began(
    fake: FakeBotApi, timed_bot: Runtime, clock: ManualClock
) -> None:
    user = Chat(fake, fake.add_user(6004, "Late", "en"))
    await become_eligible(user, "en", family="none")
    await user.tap("📅 Book the appointment")
    await book_first_free(user, "en")
    booking = await active_booking(timed_bot.database, 6004)
    before = len(fake.chat_messages(user.user))
    # The bot was "down" from before the evening reminder until after the visit started.
    await advance_to(timed_bot, clock, fake, local(booking.day, 15, 0))
    assert len(fake.chat_messages(user.user)) == before
    statuses = dict(await messages_for(timed_bot.database, booking.id))
    assert statuses["evening_before"] == "dropped" and statuses["morning_of"] == "dropped"


async def test_the_morning_digest_lists_visits_due_bsns_and_undeliverable(
    fake: FakeBotApi, timed_bot: Runtime, clock: ManualClock
) -> None:
    fake.add_group(STAFF_CHAT, "Desk staff")
    user = Chat(fake, fake.add_user(6005, "Dee", "nl"))
    await become_eligible(user, "nl", family="none")
    await user.tap("📅 Afspraak maken")
    await book_first_free(user, "nl")
    day = await _booked_day(timed_bot, 6005)
    await advance_to(timed_bot, clock, fake, local(day, 8, 45))
    digests = [m for m in fake.chat_messages(STAFF_CHAT) if "Good morning" in m.content]
    assert digests, fake.chat_messages(STAFF_CHAT)
    assert "Visits today: 1" in digests[-1].content
    assert "Undeliverable reminders" in digests[-1].content
    async with SqlUnitOfWork(timed_bot.database) as uow:
        waiting = await uow.outbox.pending_payloads("staff_digest")
    assert len(waiting) == 1  # the next one is scheduled


async def test_a_reminder_that_comes_due_in_quiet_hours_waits_for_their_end(
    fake: FakeBotApi, timed_bot: Runtime, clock: ManualClock
) -> None:
    user = fake.add_user(6105, "Night", "en")
    monday, tuesday = date(2026, 11, 30), date(2026, 12, 1)
    async with SqlUnitOfWork(timed_bot.database) as uow:
        booking = await _direct_booking(uow, user.id, clock.now())
        await uow.outbox.add(
            chat_id=user.id,
            user_id=user.id,
            booking_id=booking,
            kind="bsn_next_steps",
            due=local(monday, 20, 55),  # planned before quiet hours (21:00-08:00)
            language="en",
            now=clock.now(),
        )
        await uow.commit()
    # The bot was down at 20:55 and catches up at 23:00: nobody is woken up.
    await advance_to(timed_bot, clock, fake, local(monday, 23, 0))
    assert fake.chat_messages(user) == []
    assert await messages_for(timed_bot.database, booking) == [("bsn_next_steps", "pending")]
    await advance_to(timed_bot, clock, fake, local(tuesday, 7, 59))
    assert fake.chat_messages(user) == []
    await advance_to(timed_bot, clock, fake, local(tuesday, 8, 0))
    assert len(fake.chat_messages(user)) == 1
    assert await messages_for(timed_bot.database, booking) == [("bsn_next_steps", "sent")]
