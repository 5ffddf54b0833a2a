"""The end-to-end rig: the production Application over HTTP against our fake Bot API."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Runtime, build_runtime, running
from bot.settings import Settings, load_settings
from fakebotapi import BotMessage, FakeBotApi, SimUser
from tests.conftest import REPO

TOKEN = "424242:E2E-TEST-TOKEN"


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    """A fresh emulator per test."""
    api = FakeBotApi(token=TOKEN, bot_username="onestop_e2e_bot")
    await api.start()
    yield api
    await api.stop()


def bot_settings(fake: FakeBotApi, database_url: str, **extra: object) -> Settings:
    """Settings as the deployment would give them, pointing at the emulator."""
    return load_settings(
        telegram_bot_token=fake.token,
        telegram_api_url=fake.root_url,
        database_url=database_url,
        **extra,
    )


@pytest.fixture
async def bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[Runtime]:
    """The bot in polling mode, as `onestop run` runs it."""
    runtime = build_runtime(bot_settings(fake, database_url))
    async with running(runtime, "polling"):
        yield runtime
        await fake.wait_until_idle(timeout=20)


class Chat:
    """A simulated user's side of a private chat, read like a transcript."""

    def __init__(self, fake: FakeBotApi, user: SimUser) -> None:
        self.fake = fake
        self.user = user
        self._seen = 0

    async def send(self, text: str) -> list[BotMessage]:
        """Writes a message and returns the bot's new messages."""
        await self.fake.send_text(self.user, text)
        await self.fake.wait_for_bot_message(self.user, timeout=20)  # every message gets a reply
        return await self._settle()

    async def tap(self, label: str, message: BotMessage | None = None) -> list[BotMessage]:
        """Taps a button on the given message, or on the newest message that has it."""
        target = message or self.with_button(label)
        tap = await self.fake.tap(self.user, target, label)
        await self.fake.wait_for_callback_answer(tap, timeout=20)  # every tap is answered
        return await self._settle()

    def with_button(self, label: str) -> BotMessage:
        """The newest bot message that shows this button."""
        for message in reversed(self.fake.chat_messages(self.user)):
            if label in message.buttons():
                return message
        raise AssertionError(f"no message with button {label!r}; last: {self.last.content[:200]}")

    @property
    def last(self) -> BotMessage:
        """The bot's newest message."""
        return self.fake.chat_messages(self.user)[-1]

    def transcript(self) -> str:
        """Everything the bot said, for assertion messages."""
        return "\n---\n".join(m.content for m in self.fake.chat_messages(self.user))

    async def _settle(self) -> list[BotMessage]:
        await self.fake.wait_until_idle(timeout=20)
        history = [m for m in self.fake.chat_history(self.user) if m.message_id > self._seen]
        if history:
            self._seen = max(m.message_id for m in history)
        return [m for m in history if not m.deleted]


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BotProcess:
    """`python -m bot run` in a child process, for kill -9 and two-process tests."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, *args: str) -> None:
        """Starts the bot and returns once it asked for updates or set its webhook."""
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            *args,
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=log,
        )
        log.close()

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind."""
        assert self.process is not None
        self.process.kill()

    async def wait(self) -> int:
        assert self.process is not None
        return await self.process.wait()

    async def stop(self) -> None:
        """SIGTERM and wait, killing if it hangs."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def awake_content(folder: Path) -> Path:
    """A copy of content/ whose quiet hours are a minute twelve hours from now.

    For tests and benchmarks that send reminders at the real time of day, which may be night.
    """
    target = folder / "content"
    shutil.copytree(REPO / "content", target)
    reminders = target / "reminders.toml"
    start = datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(hours=12)
    quiet = f'start = "{start:%H:%M}"\nend = "{start + timedelta(minutes=1):%H:%M}"'
    text = re.sub(r'start = "[0-9:]+"\nend = "[0-9:]+"', quiet, reminders.read_text("utf-8"))
    reminders.write_text(text, "utf-8")
    return target


def child_env(fake: FakeBotApi, database_url: str, **extra: str) -> dict[str, str]:
    """A clean environment for a child bot process."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "WEBHOOK_", "DATABASE_"))
    }
    return {
        **keep,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.root_url,
        "DATABASE_URL": database_url,
        **extra,
    }
