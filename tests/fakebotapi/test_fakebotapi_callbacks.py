"""Inline button taps become callback queries PTB can parse."""

from __future__ import annotations

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup

from fakebotapi import Button, FakeBotApi, SimUser

LANGUAGES = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("English", callback_data="lang:en"),
            InlineKeyboardButton("Nederlands", callback_data="lang:nl"),
        ],
        [InlineKeyboardButton("Website", url="https://example.org")],
    ]
)


async def test_tap_produces_callback_query(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    await bot.send_message(alice.id, "Choose a language", reply_markup=LANGUAGES)
    msg = await fake.wait_for_bot_message(alice.id, timeout=1)
    assert msg.buttons() == ["English", "Nederlands", "Website"]
    assert msg.inline_keyboard is not None
    assert msg.inline_keyboard[1] == [Button("Website", url="https://example.org")]

    first = await fake.tap(alice, msg, "English")
    second = await fake.tap(alice, msg, "lang:nl")
    assert first.query_id != second.query_id
    updates = await bot.get_updates()
    queries = [u.callback_query for u in updates]
    assert all(isinstance(q, telegram.CallbackQuery) for q in queries)
    query = queries[0]
    assert query is not None and query.id == first.query_id
    assert query.data == "lang:en" and query.from_user.id == alice.id
    assert isinstance(query.message, telegram.Message)
    assert query.message.text == "Choose a language"
    assert query.message.reply_markup == LANGUAGES
    assert queries[1] is not None and queries[1].data == "lang:nl"

    await query.answer("Language set")
    answer = await fake.wait_for_callback_answer(first, timeout=1)
    assert answer.text == "Language set" and not answer.show_alert


async def test_tap_sees_current_content_and_rejects_missing_buttons(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    sent = await bot.send_message(alice.id, "v1", reply_markup=LANGUAGES)
    msg = fake.chat_messages(alice)[0]
    with pytest.raises(ValueError, match="no callback_data"):
        await fake.tap(alice, msg, "Website")
    done = InlineKeyboardMarkup([[InlineKeyboardButton("Done", callback_data="done")]])
    await bot.edit_message_text("v2", alice.id, sent.message_id, reply_markup=done)
    with pytest.raises(LookupError, match="English"):
        await fake.tap(alice, msg, "English")
    await fake.tap(alice, msg, "Done")
    query = (await bot.get_updates())[-1].callback_query
    assert query is not None and isinstance(query.message, telegram.Message)
    assert query.message.text == "v2" and query.message.edit_date is not None
    await bot.delete_message(alice.id, sent.message_id)
    with pytest.raises(LookupError, match="deleted"):
        await fake.tap(alice, msg, "Done")


async def test_reply_keyboard_press_sends_text(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    await bot.send_message(
        alice.id, "Yes or no?", reply_markup=ReplyKeyboardMarkup([["Yes", "No"]])
    )
    msg = fake.chat_messages(alice)[0]
    await fake.press(alice, msg, "Yes")
    updates = await bot.get_updates()
    assert updates[0].message is not None and updates[0].message.text == "Yes"
    with pytest.raises(LookupError):
        await fake.press(alice, msg, "Maybe")
