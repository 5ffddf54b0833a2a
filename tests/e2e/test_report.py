"""Reports and metrics end to end: `/report` in the staff chat, `GET /metrics` in webhook mode,
and `onestop report` as a separate process."""

from __future__ import annotations

import asyncio
import io
import os
import sys
import time as wallclock
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from PIL import Image
from prometheus_client.parser import text_string_to_metric_families

from bot.app import Runtime, build_runtime, running
from bot.domain.booking import BookedVisit, party_of
from bot.services.clock import ManualClock
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork, UnitOfWork
from fakebotapi import BotMessage, FakeBotApi, SimGroup
from tests.conftest import REPO
from tests.e2e.conftest import Chat, bot_settings, free_port
from tests.e2e.db_checks import audit_trail

pytestmark = pytest.mark.e2e
AMS = ZoneInfo("Europe/Amsterdam")
STAFF_CHAT = -100950
ADMIN = 9600
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=AMS)  # a Tuesday


async def seed_november(database: Database, visits: int = 12) -> None:
    """Attended visits in November with BSNs, straight into storage."""
    async with SqlUnitOfWork(database) as uow:
        for index in range(visits):
            day = date(2026, 11, 2) + timedelta(days=index % 25)
            start = datetime.combine(day, time(10), AMS)
            booking = await uow.bookings.add(
                reference=f"MST-S{index:03d}",
                user_id=5000 + index,
                chat_id=5000 + index,
                location_id="maastricht",
                visits=(BookedVisit("ind", "ind", start, start + timedelta(minutes=15)),),
                party=party_of(index % 2 == 0, index % 3),
                language="nl" if index % 3 else "en",
                now=start - timedelta(days=7),
            )
            await uow.bookings.change(booking.id, start, attendance="attended")
            await uow.bookings.change(booking.id, start + timedelta(days=1), bsn_issued=True)
        await uow.commit()


@pytest.fixture
async def staff_bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[Runtime]:
    settings = bot_settings(fake, database_url, staff_chat_id=STAFF_CHAT, admin_user_ids=(ADMIN,))
    runtime = build_runtime(settings, clock=ManualClock(NOW))
    async with running(runtime, "polling"):
        yield runtime
        await fake.wait_until_idle(timeout=30)


def documents(fake: FakeBotApi, group: SimGroup) -> list[BotMessage]:
    return [m for m in fake.chat_messages(group) if m.document is not None]


async def ask_report(
    fake: FakeBotApi, group: SimGroup, user_id: int, command: str
) -> list[BotMessage]:
    before = len(documents(fake, group))
    await fake.send_text(fake.user(user_id), command, chat=group)
    await fake.wait_until(lambda: len(documents(fake, group)) >= before + 2, timeout=60)
    await fake.wait_until_idle(timeout=30)
    return documents(fake, group)[before:]


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_staff_get_the_report_as_files_in_their_language(
    fake: FakeBotApi, staff_bot: Runtime, lang: str
) -> None:
    await seed_november(staff_bot.database)
    fake.add_user(ADMIN, "Anna", lang)
    fake.add_user(9601, "Eve", "en")
    group = fake.add_group(
        STAFF_CHAT, "Desk staff", members={ADMIN: "administrator", 9601: "member"}
    )

    png, html = await ask_report(fake, group, ADMIN, "/report 2026-11")
    assert png.document is not None and html.document is not None
    assert png.document.file_name == "report-2026-11-01-2026-11-30.png"
    assert html.document.file_name == "report-2026-11-01-2026-11-30.html"
    image = Image.open(io.BytesIO(png.document.data))
    assert image.format == "PNG" and image.size == (1600, 1200)
    page = html.document.data.decode("utf-8")
    if lang == "en":
        assert "Pilot report 1 November 2026 – 30 November 2026" in png.content
        assert "Visits per week" in page and "Promise kept" in page
    else:
        assert "Pilotrapport 1 november 2026 – 30 november 2026" in png.content
        assert "Bezoeken per week" in page and "Belofte gehouden" in page
    assert '<td class="n">12</td>' in page  # twelve visits
    assert "MST-S" not in page

    # The language can be asked for; no month means this month so far.
    other = "nl" if lang == "en" else "en"
    png, html = await ask_report(fake, group, ADMIN, f"/report {other}")
    assert html.document is not None
    assert html.document.file_name == "report-2026-12-01-2026-12-01.html"
    assert f'<html lang="{other}">' in html.document.data.decode()

    # Someone in the group who is not staff gets no files.
    await fake.send_text(fake.user(9601), "/report", chat=group)
    refused = await fake.wait_for_bot_message(group)
    assert refused.content == "Only the desk's staff can do this, in the staff chat."
    await fake.send_text(fake.user(ADMIN), "/report someday", chat=group)
    usage = await fake.wait_for_bot_message(group)
    assert "/report 2026-11" in usage.content and "maastricht" in usage.content
    await fake.wait_until_idle()
    assert len(documents(fake, group)) == 4

    audit = await audit_trail(staff_bot.database)
    assert [(actor, action) for actor, action, _ in audit] == [(ADMIN, "report"), (ADMIN, "report")]
    assert audit[0][2] == "2026-11-01..2026-11-30 all"


async def test_report_in_a_private_chat_is_refused(fake: FakeBotApi, staff_bot: Runtime) -> None:
    chat = Chat(fake, fake.add_user(ADMIN, "Anna", "en"))
    [refused] = await chat.send("/report")
    assert refused.content == "Only the desk's staff can do this, in the staff chat."


def samples(body: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return found[(name, frozenset(labels.items()))]


async def test_metrics_in_webhook_mode_show_traffic_outbox_and_tickets(
    fake: FakeBotApi, database_url: str
) -> None:
    port = free_port()
    clock = ManualClock(NOW)
    settings = bot_settings(
        fake,
        database_url,
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_secret="metrics-secret",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        staff_chat_id=STAFF_CHAT,
        admin_user_ids=(ADMIN,),
    )
    runtime = build_runtime(settings, clock=clock)
    async with running(runtime, "webhook"), httpx.AsyncClient() as client:
        url = f"http://127.0.0.1:{port}/metrics"
        before = samples((await client.get(url)).text)
        assert value(before, "onestop_updates_total", kind="command", outcome="ok") == 0

        # Traffic: a conversation with a tap, and one update delivered twice.
        chat = Chat(fake, fake.add_user(3101, "Jan", "en"))
        await chat.send("/start")
        await chat.tap("✅ Can I use the one-stop shop?")
        fake.add_user(3102, "Dup", "en")
        update = {
            "update_id": 880001,
            "message": {
                "message_id": 1,
                "date": int(wallclock.time()),
                "chat": {"id": 3102, "type": "private", "first_name": "Dup"},
                "from": {"id": 3102, "is_bot": False, "first_name": "Dup", "language_code": "en"},
                "text": "hello",
            },
        }
        headers = {"X-Telegram-Bot-Api-Secret-Token": "metrics-secret"}
        for _ in range(2):
            posted = await client.post(
                f"http://127.0.0.1:{port}/hook", json=update, headers=headers
            )
            assert posted.status_code == 200
        await fake.wait_until_idle(timeout=20)

        # The outbox: one message each for a reachable user (after one 429), a blocked one, and
        # one due five minutes ago that nobody has sent yet; tickets waiting 10 and 3 minutes.
        ok_user, blocked = fake.add_user(3103, "Ok", "en"), fake.add_user(3104, "Gone", "en")
        now = clock.now()
        async with SqlUnitOfWork(runtime.database) as uow:
            for user in (ok_user, blocked):
                await uow.outbox.add(
                    chat_id=user.id,
                    user_id=user.id,
                    kind="bsn_next_steps",
                    due=now,
                    language="en",
                    now=now,
                    booking_id=await direct_booking(uow, user.id, now),
                )
            await uow.commit()
        fake.block(blocked)
        fake.inject_fault(
            method="sendMessage", status=429, count=1, retry_after=1, chat_id=ok_user.id
        )
        await runtime.dispatcher.tick()
        clock.advance(timedelta(seconds=2))
        await runtime.dispatcher.tick()
        await fake.wait_until_idle()
        await runtime.dispatcher.stop()  # no more wake-ups: the next row must stay due
        async with SqlUnitOfWork(runtime.database) as uow:
            await uow.outbox.add(
                chat_id=ok_user.id,
                kind="evening_before",
                due=clock.now() - timedelta(minutes=5),
                language="en",
                now=now,
            )
            first = await uow.tickets.create(
                3101, 3101, "en", "bsn", "Jan", clock.now() - timedelta(minutes=10)
            )
            await uow.tickets.create(
                3103, 3103, "en", "bsn", "Ok", clock.now() - timedelta(minutes=3)
            )
            second = await uow.tickets.create(
                3104, 3104, "en", "bsn", "Gone", clock.now() - timedelta(minutes=1)
            )
            await uow.tickets.claim(second.id, ADMIN, "Anna", clock.now())
            await uow.commit()
        assert first.id

        response = await client.get(url)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain; version=")
        found = samples(response.text)

    assert value(found, "onestop_updates_total", kind="command", outcome="ok") == 1
    assert value(found, "onestop_updates_total", kind="callback_query", outcome="ok") == 1
    assert value(found, "onestop_updates_total", kind="message", outcome="ok") == 1
    assert value(found, "onestop_updates_total", kind="message", outcome="duplicate") == 1
    assert value(found, "onestop_updates_total", kind="message", outcome="error") == 0
    assert value(found, "onestop_update_duration_seconds_count", kind="command") == 1
    assert value(found, "onestop_update_duration_seconds_count", kind="message") == 2
    assert 0 < value(found, "onestop_update_duration_seconds_sum", kind="command") < 10
    assert value(found, "onestop_update_duration_seconds_bucket", kind="command", le="+Inf") == 1
    # Replies: the welcome, the first question and the answer to "hello".
    assert value(found, "onestop_sends_total", source="reply", outcome="ok") >= 3
    assert value(found, "onestop_sends_total", source="outbox", outcome="ok") == 1
    assert value(found, "onestop_sends_total", source="outbox", outcome="429") == 1
    assert value(found, "onestop_sends_total", source="outbox", outcome="403") == 1
    assert value(found, "onestop_sends_total", source="outbox", outcome="error") == 0
    assert value(found, "onestop_outbox_backlog", kind="evening_before") == 1
    assert value(found, "onestop_outbox_backlog", kind="bsn_next_steps") == 0
    assert value(found, "onestop_outbox_backlog", kind="staff_digest") == 0  # due tomorrow
    assert value(found, "onestop_outbox_oldest_due_age_seconds") == 300
    assert value(found, "onestop_tickets_open", status="open") == 2
    assert value(found, "onestop_tickets_open", status="claimed") == 1
    assert value(found, "onestop_tickets_oldest_unclaimed_age_seconds") == 600
    assert value(found, "onestop_metrics_refresh_errors_total") == 0


async def test_two_runtimes_in_one_process_count_separately(
    fake: FakeBotApi, database_url: str
) -> None:
    one = build_runtime(bot_settings(fake, database_url))
    two = build_runtime(bot_settings(fake, database_url))
    assert one.metrics is not None and two.metrics is not None
    one.metrics.observe_update("command", "ok", 0.01)
    body = (await two.metrics.exposition()).decode()
    assert 'onestop_updates_total{kind="command",outcome="ok"} 0.0' in body
    await one.database.dispose()
    await two.database.dispose()


async def test_the_command_line_writes_both_files(database_url: str, tmp_path: Path) -> None:
    database = Database(database_url)
    from bot.storage import schema

    await schema.upgrade(database)
    await seed_november(database)
    await database.dispose()
    env = {**cli_env(database_url), "DEFAULT_LANGUAGE": "nl"}
    out = tmp_path / "reports"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--location",
        "maastricht",
        "--out",
        str(out),
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, stderr.decode()
    paths = [Path(line) for line in stdout.decode().splitlines()]
    assert [p.name for p in paths] == [
        "report-2026-11-01-2026-11-30-maastricht.html",
        "report-2026-11-01-2026-11-30-maastricht.png",
    ]
    page = paths[0].read_text(encoding="utf-8")
    assert '<html lang="nl">' in page and "Expat Centre Maastricht Region" in page
    with Image.open(paths[1]) as image:
        assert image.size == (1600, 1200)

    for bad, message in (
        (["--from", "2026-11-31", "--to", "2026-12-01"], "--from: '2026-11-31' is not a date"),
        (["--from", "2026-12-01", "--to", "1-12-2026"], "--to: '1-12-2026' is not a date"),
        (["--from", "2026-12-02", "--to", "2026-12-01"], "--to must not be before --from"),
    ):
        failed = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "report",
            *bad,
            "--out",
            str(out),
            cwd=REPO,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(failed.communicate(), 60)
        lines = stderr.decode().strip().splitlines()
        assert failed.returncode == 2 and len(lines) == 1 and message in lines[0], lines
        assert stdout == b""


def cli_env(database_url: str) -> dict[str, str]:
    """The environment of a command-line run: the database, no Telegram needed."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "WEBHOOK_", "DATABASE_", "DEFAULT_"))
    }
    return {**keep, "DATABASE_URL": database_url}


async def direct_booking(uow: UnitOfWork, user_id: int, now: datetime) -> int:
    """A booking for a user, so an outbox message about it can be sent."""
    start = now + timedelta(days=3)
    booking = await uow.bookings.add(
        reference=f"MST-M{user_id % 1000:03d}",
        user_id=user_id,
        chat_id=user_id,
        location_id="maastricht",
        visits=(BookedVisit("ind", "ind", start, start + timedelta(minutes=15)),),
        party=party_of(False, 0),
        language="en",
        now=now,
    )
    return booking.id
