"""Simulated users, groups, clock and listeners."""

from __future__ import annotations

import pytest
import telegram

from fakebotapi import BotEvent, FakeBotApi, SimUser


async def test_privacy_mode_hides_group_chatter(fake: FakeBotApi, bot: telegram.Bot) -> None:
    staff = fake.add_group(-100900, "Staff", privacy_mode=True)
    bob = fake.add_user(2002, "Bob")
    hidden = await fake.send_text(bob, "just chatting", chat=staff)
    command = await fake.send_text(bob, "/stats@onestop_test_bot", chat=staff)
    assert hidden.update_id is None and command.update_id is not None
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["/stats@onestop_test_bot"]
    member = await bot.get_chat_member(staff.id, bob.id)
    assert member.status == "member"
    fake.set_member(staff, bob, "administrator")
    assert (await bot.get_chat_member(staff.id, bob.id)).status == "administrator"


async def test_forum_threads(fake: FakeBotApi, bot: telegram.Bot, alice: SimUser) -> None:
    forum = fake.add_group(-100901, "Cases", is_forum=True)
    await fake.send_text(alice, "in a topic", chat=forum, message_thread_id=7)
    update = (await bot.get_updates())[0]
    assert update.message is not None and update.message.message_thread_id == 7
    sent = await bot.send_message(forum.id, "reply in topic", message_thread_id=7)
    assert sent.is_topic_message and fake.chat_messages(forum)[0].message_thread_id == 7


async def test_injected_clock_and_listeners() -> None:
    fake = FakeBotApi(clock=lambda: 1_700_000_000.5)
    events: list[BotEvent] = []
    fake.add_listener(events.append)
    async with fake:
        alice = fake.add_user(1, "Alice")
        async with telegram.Bot(fake.token, base_url=fake.base_url) as bot:
            sent = await bot.send_message(alice.id, "hi")
            await bot.edit_message_text("hi!", alice.id, sent.message_id)
            await bot.send_chat_action(alice.id, "typing")
            await bot.delete_message(alice.id, sent.message_id)
    assert int(sent.date.timestamp()) == 1_700_000_000
    assert [e.kind for e in events] == ["sent", "edited", "chat_action", "deleted"]
    assert events[0].message is events[-1].message  # one object, updated in place
    assert events[0].message is not None and events[0].message.deleted


async def test_user_misuse_is_reported(fake: FakeBotApi, alice: SimUser) -> None:
    stranger = SimUser(5, "Stranger")
    with pytest.raises(ValueError, match="add_user"):
        await fake.send_text(stranger, "hi")
    fake.block(alice, notify=False)
    with pytest.raises(RuntimeError, match="unblock"):
        await fake.send_text(alice, "hi")
