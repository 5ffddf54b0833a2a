"""getUpdates long polling, offsets, filters and the webhook conflict."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import telegram

from fakebotapi import FakeBotApi, SimUser


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await fake.send_text(alice, "/start")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 2
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "/start"
    assert message.entities[0].type == "bot_command" and message.entities[0].offset == 0
    assert message.from_user is not None and message.from_user.language_code == "en"


async def test_empty_poll_waits_for_timeout(http: httpx.AsyncClient) -> None:
    started = time.monotonic()
    response = await http.post("getUpdates", data={"timeout": "0.3"})
    assert response.json() == {"ok": True, "result": []}
    assert time.monotonic() - started >= 0.25


async def test_offset_confirms_and_limit_caps(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    for text in ("one", "two", "three"):
        await fake.send_text(alice, text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    again = await bot.get_updates()
    assert len(again) == 3  # nothing confirmed yet
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert fake.pending_update_count == 1
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()
    assert fake.pending_update_count == 0


async def test_allowed_updates_filters_new_updates(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    await fake.send_text(alice, "ignored")
    assert await bot.get_updates() == ()
    await bot.get_updates(allowed_updates=[])
    await fake.send_text(alice, "seen")
    assert len(await bot.get_updates()) == 1


async def test_get_updates_conflicts_with_webhook(
    fake: FakeBotApi, bot: telegram.Bot, http: httpx.AsyncClient
) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")
    response = await http.post("getUpdates")
    assert response.status_code == 409
    assert response.json() == {
        "ok": False,
        "error_code": 409,
        "description": "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    }
    with pytest.raises(telegram.error.Conflict):
        await bot.get_updates()
    assert await bot.delete_webhook() is True
    assert await bot.get_updates() == ()


async def test_block_sends_my_chat_member_and_forbids(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    fake.block(alice)
    updates = await bot.get_updates()
    member = updates[0].my_chat_member
    assert member is not None and member.new_chat_member.status == "kicked"
    with pytest.raises(telegram.error.Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "hello?")
    fake.unblock(alice)
    await bot.send_message(alice.id, "welcome back")


async def test_wait_helpers(fake: FakeBotApi, bot: telegram.Bot, alice: SimUser) -> None:
    async def echo_bot() -> None:
        offset = None
        while True:
            for update in await bot.get_updates(offset=offset, timeout=1):
                offset = update.update_id + 1
                if update.message and update.message.text:
                    await bot.send_message(update.message.chat.id, update.message.text.upper())

    task = asyncio.create_task(echo_bot())
    try:
        sent = await fake.send_text(alice, "ping")
        reply = await fake.wait_for_bot_message(alice.id, timeout=3)
        assert reply.text == "PING" and reply.message_id > sent.message_id
        await fake.send_text(alice, "again")
        await fake.wait_until_idle(quiet=0.1, timeout=3)
        assert [m.text for m in fake.chat_messages(alice)] == ["PING", "AGAIN"]
        last = fake.last_bot_message(alice)
        assert last is not None
        with pytest.raises(TimeoutError):
            await fake.wait_for_bot_message(alice.id, after_message_id=last.message_id, timeout=0.1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
