"""A spreadsheet a user sends reaches the dialogs with its bytes, via the real Telegram layer."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot.app import Runtime, build_runtime, running
from bot.dialogs.runner import Outcome
from bot.dialogs.turn import Incoming
from bot.uploads.hire_files import MAX_UPLOAD_BYTES
from fakebotapi import FakeBotApi
from tests.e2e.conftest import bot_settings

pytestmark = pytest.mark.e2e
CSV = "Naam;E-mail;Aankomstdatum;Verblijfsroute;Gemeente\nZoë;z@x.nl;2027-01-01;hsm;Beek\n"


@pytest.fixture
async def recording_bot(
    fake: FakeBotApi, database_url: str
) -> AsyncIterator[tuple[Runtime, list[Incoming]]]:
    """The production bot, remembering every Incoming handed to Conversations."""
    runtime = build_runtime(bot_settings(fake, database_url))
    seen: list[Incoming] = []
    original = runtime.conversations.handle

    async def recording(incoming: Incoming) -> Outcome:
        seen.append(incoming)
        return await original(incoming)

    runtime.conversations.handle = recording  # type: ignore[method-assign]
    async with running(runtime, "polling"):
        yield runtime, seen
        await fake.wait_until_idle(timeout=20)


async def upload(fake: FakeBotApi, seen: list[Incoming], name: str, data: bytes) -> Incoming:
    user = fake.add_user(4001, "Hanna", "nl")
    before = len(seen)
    await fake.send_document(user, name, data)
    await fake.wait_until(lambda: len(seen) > before, timeout=20)
    await fake.wait_until_idle(timeout=20)
    return seen[-1]


@pytest.mark.parametrize("name", ["hires.csv", "Hires.CSV", "hires.xlsx", "HIRES.XLSX"])
async def test_a_spreadsheet_arrives_with_its_bytes(
    fake: FakeBotApi, recording_bot: tuple[Runtime, list[Incoming]], name: str
) -> None:
    _, seen = recording_bot
    data = CSV.encode("utf-8-sig")
    incoming = await upload(fake, seen, name, data)
    assert (incoming.kind, incoming.file_name, incoming.file_content) == ("document", name, data)
    [record] = [f for f in fake.files if f.origin == "user"]
    assert record.downloads == 1


@pytest.mark.parametrize("name", ["passport.pdf", "hires.xls", "hires.csv.txt"])
async def test_other_documents_are_named_but_not_downloaded(
    fake: FakeBotApi, recording_bot: tuple[Runtime, list[Incoming]], name: str
) -> None:
    _, seen = recording_bot
    incoming = await upload(fake, seen, name, b"%PDF-1.4 not a sheet")
    assert (incoming.kind, incoming.file_name, incoming.file_content) == ("document", name, None)
    assert [f.downloads for f in fake.files if f.origin == "user"] == [0]


async def test_a_spreadsheet_over_the_limit_is_not_downloaded(
    fake: FakeBotApi, recording_bot: tuple[Runtime, list[Incoming]]
) -> None:
    _, seen = recording_bot
    incoming = await upload(fake, seen, "big.csv", b"x" * (MAX_UPLOAD_BYTES + 1))
    assert (incoming.file_name, incoming.file_content) == ("big.csv", None)
    assert [f.downloads for f in fake.files if f.origin == "user"] == [0]


async def test_a_failed_download_still_reaches_the_dialogs_without_bytes(
    fake: FakeBotApi,
    recording_bot: tuple[Runtime, list[Incoming]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, seen = recording_bot
    fake.inject_fault("getFile", status=500, count=1)
    with caplog.at_level(logging.WARNING, logger="bot.chat.inputs"):
        incoming = await upload(fake, seen, "hires.csv", CSV.encode())
    assert (incoming.kind, incoming.file_name, incoming.file_content) == (
        "document",
        "hires.csv",
        None,
    )
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.chat.inputs"]
    assert line.startswith("upload_download_failed update_id=")
    assert "hires.csv" not in line and "Zoë" not in line
    user = fake.user(4001)
    assert fake.chat_messages(user), "the update was still answered"
