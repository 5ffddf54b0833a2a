"""Protocol basics: identity, envelopes, encodings, message round trips."""

from __future__ import annotations

import json

import httpx
import pytest
import telegram
from telegram import ReplyKeyboardMarkup, ReplyKeyboardRemove

from fakebotapi import FakeBotApi, SimUser


async def test_get_me_through_ptb(bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "onestop_test_bot", True)


async def test_wrong_token_is_401_and_unknown_method_404(fake: FakeBotApi) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        wrong = await client.post(f"{fake.root_url}/bot999:NOPE/getMe")
        unknown = await client.post(f"{fake.root_url}/bot{fake.token}/doSomethingOdd")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    bad = telegram.Bot("999:NOPE", base_url=fake.base_url)
    try:
        with pytest.raises(telegram.error.InvalidToken):
            await bad.initialize()
    finally:
        await bad.shutdown()  # a failed initialize leaves its HTTP client open


async def test_send_message_round_trip(fake: FakeBotApi, bot: telegram.Bot, alice: SimUser) -> None:
    first = await bot.send_message(alice.id, "Hello")
    second = await bot.send_message(
        alice.id,
        "<b>Bold</b> &amp; <i>it</i>",
        parse_mode="HTML",
        reply_to_message_id=first.message_id,
        reply_markup=ReplyKeyboardMarkup([["Yes", "No"]]),
        disable_notification=True,
        protect_content=True,
    )
    assert second.message_id == first.message_id + 1
    assert second.from_user is not None and second.from_user.id == fake.bot_id
    assert second.text == "Bold & it"
    assert [e.type for e in second.entities] == ["bold", "italic"]
    assert second.reply_to_message is not None
    assert second.reply_to_message.message_id == first.message_id
    assert second.reply_markup is None  # reply keyboards are not echoed by Telegram

    messages = fake.chat_messages(alice.id)
    assert [m.text for m in messages] == ["Hello", "Bold & it"]
    stored = messages[1]
    assert stored.html == "<b>Bold</b> &amp; <i>it</i>"
    assert stored.parse_mode == "HTML"
    assert stored.reply_keyboard == [["Yes", "No"]]
    assert stored.buttons() == ["Yes", "No"]
    assert stored.reply_to_message_id == first.message_id
    assert stored.disable_notification and stored.protect_content

    await bot.send_message(alice.id, "bye", reply_markup=ReplyKeyboardRemove())
    assert fake.chat_messages(alice.id)[-1].remove_keyboard


async def test_json_body_and_get_query_are_accepted(fake: FakeBotApi, alice: SimUser) -> None:
    base = f"{fake.root_url}/bot{fake.token}"
    async with httpx.AsyncClient(trust_env=False) as client:
        as_json = await client.post(
            f"{base}/sendMessage",
            content=json.dumps({"chat_id": alice.id, "text": "json", "disable_notification": True}),
            headers={"Content-Type": "application/json"},
        )
        as_query = await client.get(
            f"{base}/sendmessage", params={"chat_id": alice.id, "text": "q"}
        )
    assert as_json.status_code == 200 and as_json.json()["ok"] is True
    assert as_query.json()["result"]["text"] == "q"
    assert [m.text for m in fake.chat_messages(alice)] == ["json", "q"]


async def test_request_log_and_status_counts(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    await bot.send_message(alice.id, "one")
    with pytest.raises(telegram.error.BadRequest):
        await bot.send_message(424242, "nobody")
    sends = fake.requests_for("sendMessage")
    assert [(r.chat_id, r.status) for r in sends] == [(alice.id, 200), (424242, 400)]
    assert fake.status_counts[400] == 1
    assert fake.status_counts[200] >= 2  # getMe from initialize() too


async def test_group_message_and_reply_to_bot(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    staff = fake.add_group(chat_id=-100123, title="Staff")
    sent = await bot.send_message(staff.id, "Question from a user")
    msg = fake.chat_messages(staff.id)[0]
    user_msg = await fake.send_text(alice, "my answer", chat=staff, reply_to=msg)
    updates = await bot.get_updates(timeout=1)
    message = updates[-1].message
    assert message is not None and message.chat.type == "supergroup"
    assert message.reply_to_message is not None
    assert message.reply_to_message.message_id == sent.message_id
    assert message.message_id == user_msg.message_id


async def test_copy_and_forward(fake: FakeBotApi, bot: telegram.Bot, alice: SimUser) -> None:
    staff = fake.add_group(chat_id=-100555, title="Staff")
    question = await fake.send_text(alice, "Where do I register?")
    copied = await bot.copy_message(staff.id, alice.id, question.message_id)
    forwarded = await bot.forward_message(staff.id, alice.id, question.message_id)
    assert forwarded.forward_origin is not None
    assert forwarded.text == "Where do I register?"
    stored = fake.chat_messages(staff)
    assert [m.message_id for m in stored] == [copied.message_id, forwarded.message_id]
    assert [m.text for m in stored] == ["Where do I register?"] * 2
    assert stored[1].forward_origin is not None and stored[0].forward_origin is None


async def test_commands_menu_button_and_chat(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    await bot.set_my_commands([("start", "Begin"), ("help", "Help")])
    await bot.set_my_commands([("start", "Beginnen")], language_code="nl")
    scope = telegram.BotCommandScopeChat(alice.id)
    await bot.set_my_commands([("admin", "Admin")], scope=scope)
    assert fake.commands() == [("start", "Begin"), ("help", "Help")]
    assert fake.commands(language_code="nl") == [("start", "Beginnen")]
    assert fake.commands(scope={"type": "chat", "chat_id": alice.id}) == [("admin", "Admin")]
    assert [c.command for c in await bot.get_my_commands(language_code="nl")] == ["start"]
    await bot.delete_my_commands(language_code="nl")
    assert fake.commands(language_code="nl") == []
    with pytest.raises(telegram.error.BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Bad Command", "x")])

    await bot.set_chat_menu_button(alice.id, telegram.MenuButtonCommands())
    assert fake.menu_button(alice) == {"type": "commands"}
    assert isinstance(await bot.get_chat_menu_button(alice.id), telegram.MenuButtonCommands)
    chat = await bot.get_chat(alice.id)
    assert (chat.id, chat.first_name) == (alice.id, "Alice")
    await bot.send_chat_action(alice.id, "typing")
    assert fake.chat_actions == [(alice.id, "typing")]
    assert await bot.close() is True
