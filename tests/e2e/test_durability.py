"""Conversations live in the database: kill -9, restart, a second process, webhook mode."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import build_runtime, running
from fakebotapi import FakeBotApi
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.e2e.conftest import BotProcess, Chat, bot_settings, child_env, free_port

pytestmark = pytest.mark.e2e
SECRET = "X-Telegram-Bot-Api-Secret-Token"


async def _until(condition: Callable[[], bool], limit: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)


async def _polling(fake: FakeBotApi) -> None:
    """Returns once a (new) bot process is long-polling."""
    before = len(fake.requests_for("getUpdates"))
    await _until(lambda: len(fake.requests_for("getUpdates")) > before)


async def test_sigkill_mid_flow_then_restart_continues_at_the_same_step(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    process = BotProcess(child_env(fake, database_url), tmp_path / "bot.log")
    await process.start()
    try:
        await _polling(fake)
        chat = Chat(fake, fake.add_user(3001, "Kim", "nl"))
        await chat.send("/start")
        await chat.tap("✅ Kan ik naar de one-stop shop?")
        await chat.tap("Een andere nationaliteit")
        await chat.tap("Kennismigrant")
        await chat.tap("Ja")  # more than 4 months
        assert "Waar ga je wonen?" in chat.last.content

        process.kill()
        assert await process.wait() != 0

        await process.start()
        await _polling(fake)
        [brp] = await chat.tap("Maastricht")
        assert "Vraag 5" in brp.content and "BRP" in brp.content
        await chat.tap("Nee")
        await chat.tap("Ja")  # recognised sponsor
        [outcome] = await chat.tap("Nee, alleen ik")
        assert "Je kunt waarschijnlijk naar de one-stop shop" in outcome.content
        # Answers given before the kill decided the outcome too.
        assert "Verblijfsroute: Kennismigrant" in outcome.content
        assert "Langer dan 4 maanden: Ja" in outcome.content
    finally:
        await process.stop()
    assert "Traceback" not in process.log()


async def test_webhook_mode_serves_the_flow_and_health(fake: FakeBotApi, database_url: str) -> None:
    port = free_port()
    settings = bot_settings(
        fake,
        database_url,
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_secret="s3cret-value",
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    async with running(build_runtime(settings), "webhook"):
        assert fake.webhook is not None and fake.webhook.url.endswith("/hook")
        chat = Chat(fake, fake.add_user(3002, "Jan", "en"))
        [welcome] = await chat.send("/start")
        assert welcome.content.startswith("Hello Jan!")
        await chat.tap("✅ Can I use the one-stop shop?")
        await chat.tap("Another nationality")
        [question] = await chat.tap("Student")
        assert "Question 3" in question.content
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200 and health.json() == {"status": "ok"}
            forged = await client.post(
                f"http://127.0.0.1:{port}/hook",
                json={"update_id": 999999},
                headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
            )
            assert forged.status_code == 403


async def test_two_webhook_processes_share_one_conversation(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    await reset_postgres(POSTGRES_URL)
    ports = [free_port(), free_port()]
    processes = []
    for number, port in enumerate(ports):
        env = child_env(
            fake,
            POSTGRES_URL,
            WEBHOOK_URL=f"http://127.0.0.1:{ports[0]}/hook",
            WEBHOOK_SECRET="shared-secret",
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(port),
        )
        processes.append(BotProcess(env, tmp_path / f"bot{number}.log"))
    try:
        for process in processes:
            await process.start("--webhook")
        async with httpx.AsyncClient() as client:
            for port in ports:
                await _until_healthy(client, port)
        fake.webhook_targets = [f"http://127.0.0.1:{port}/hook" for port in ports]
        chat = Chat(fake, fake.add_user(3003, "Mia", "en"))
        await chat.send("/start")
        await chat.tap("✅ Can I use the one-stop shop?")
        await chat.tap("Another nationality")
        await chat.tap("Researcher (EU Directive 2016/801)")
        await chat.tap("Yes")
        await chat.tap("Heerlen")
        await chat.tap("No")
        await chat.tap("Yes")
        [outcome] = await chat.tap("Partner and children")
        assert "You can most likely use the one-stop shop" in outcome.content
        assert "Where you will live: Heerlen" in outcome.content
        assert "Your family members register too" in outcome.content
    finally:
        for process in processes:
            await process.stop()
    handled = [
        process.log().count("level=INFO logger=bot.updates update id=") for process in processes
    ]
    assert all(count >= 3 for count in handled), handled
    assert sum(handled) == 9


async def _until_healthy(client: httpx.AsyncClient, port: int) -> None:
    for _ in range(200):
        try:
            if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError(f"bot on port {port} never became healthy")


async def test_postgres_dropping_connections_does_not_cost_an_update(fake: FakeBotApi) -> None:
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    await reset_postgres(POSTGRES_URL)
    runtime = build_runtime(bot_settings(fake, POSTGRES_URL))
    async with running(runtime, "polling"):
        chat = Chat(fake, fake.add_user(7601, "Pia", "en"))
        await chat.send("/start")
        # A server restart or failover: every connection the bot pooled is gone.
        engine = create_async_engine(POSTGRES_URL)
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        await engine.dispose()
        [answer] = await chat.send("what is a BSN")
        assert "Sorry, something went wrong" not in answer.content
        assert "BSN" in answer.content
        await fake.wait_until_idle()


async def _raw_post(port: int, headers: dict[str, str], body: bytes) -> bytes:
    """Sends the headers and the start of a body, then waits for whatever answer comes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(f"POST /hook HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode() + body)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(200), 5)
    finally:
        writer.close()


async def test_the_webhook_refuses_before_reading_and_never_answers_500(
    fake: FakeBotApi, database_url: str
) -> None:
    port = free_port()
    secret = "s3cret-value"
    settings = bot_settings(
        fake,
        database_url,
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_secret=secret,
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    async with running(build_runtime(settings), "webhook"):
        huge = {"Content-Length": str(50_000_000), "Content-Type": "application/json"}
        # A wrong secret is refused at once, without waiting for 50 MB that never come.
        wrong = await _raw_post(port, {**huge, SECRET: "wrong"}, b"{" * 1000)
        assert wrong.startswith(b"HTTP/1.1 403")
        # The right secret with a body far over any update's size is refused too.
        big = await _raw_post(port, {**huge, SECRET: secret}, b"{" * 1000)
        assert big.startswith((b"HTTP/1.1 400", b"HTTP/1.1 413"))
        async with httpx.AsyncClient() as client:
            for odd in ([], "x", 5, {}, {"update_id": "x"}, {"update_id": 7, "message": 5}):
                answer = await client.post(
                    f"http://127.0.0.1:{port}/hook", json=odd, headers={SECRET: secret}
                )
                assert answer.status_code in (200, 400), odd
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200
