"""Every rejection matches Telegram's status and description exactly."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from fakebotapi import FakeBotApi, SimUser

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


def ptb_message(description: str) -> str:
    """PTB strips "Bad Request: " and capitalizes the rest."""
    return description.removeprefix("Bad Request: ").capitalize()


async def expect(
    http: httpx.AsyncClient,
    method: str,
    params: dict[str, Any],
    description: str,
    status: int = 400,
) -> None:
    encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    response = await http.post(method, data=encoded)
    assert response.status_code == status
    assert response.json() == {"ok": False, "error_code": status, "description": description}


def keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons)])


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    [
        ("", None, "Bad Request: message text is empty"),
        ("   ", None, "Bad Request: message text is empty"),
        ("x" * 4097, None, "Bad Request: message is too long"),
        ("😀" * 2049, None, "Bad Request: message is too long"),  # 4098 UTF-16 units
        (
            "a < b",
            "HTML",
            'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
        ),
        (
            "<b>bold",
            "HTML",
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        (
            "<b>x</i>",
            "HTML",
            "Bad Request: can't parse entities: Unmatched end tag at byte offset 4, "
            'expected "</b>", found "</i>"',
        ),
        (
            "<div>x</div>",
            "HTML",
            'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0',
        ),
        ("<b></b>", "HTML", "Bad Request: message text is empty"),
        ("x", "Shouty", "Bad Request: unsupported parse_mode"),
    ],
)
async def test_text_rejections(
    http: httpx.AsyncClient,
    bot: telegram.Bot,
    alice: SimUser,
    text: str,
    parse_mode: str | None,
    description: str,
) -> None:
    params: dict[str, Any] = {"chat_id": alice.id, "text": text}
    if parse_mode:
        params["parse_mode"] = parse_mode
    await expect(http, "sendMessage", params, description)
    if text:
        with pytest.raises(telegram.error.BadRequest) as caught:
            await bot.send_message(alice.id, text, parse_mode=parse_mode)
        assert caught.value.message == ptb_message(description)


async def test_html_limit_counts_parsed_text(bot: telegram.Bot, alice: SimUser) -> None:
    await bot.send_message(alice.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_message(alice.id, "&lt;" * 4096, parse_mode="HTML")


async def test_bare_ampersand_is_rejected(bot: telegram.Bot, alice: SimUser) -> None:
    with pytest.raises(telegram.error.BadRequest, match="Can't parse entities"):
        await bot.send_message(alice.id, "Q&A", parse_mode="HTML")


async def test_caption_too_long(http: httpx.AsyncClient, bot: telegram.Bot, alice: SimUser) -> None:
    with pytest.raises(telegram.error.BadRequest) as caught:
        await bot.send_document(alice.id, b"data", filename="a.txt", caption="c" * 1025)
    assert caught.value.message == ptb_message("Bad Request: message caption is too long")


@pytest.mark.parametrize(
    "button",
    [
        InlineKeyboardButton("Too long", callback_data="x" * 65),
        InlineKeyboardButton("Multibyte", callback_data="é" * 33),  # 66 bytes
    ],
)
async def test_bad_callback_data(bot: telegram.Bot, alice: SimUser, button: Any) -> None:
    with pytest.raises(telegram.error.BadRequest) as caught:
        await bot.send_message(alice.id, "pick", reply_markup=keyboard(button))
    assert caught.value.message == ptb_message("Bad Request: BUTTON_DATA_INVALID")


async def test_empty_callback_data_and_actionless_button(
    http: httpx.AsyncClient, alice: SimUser
) -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": ""}]]}
    await expect(
        http,
        "sendMessage",
        {"chat_id": alice.id, "text": "t", "reply_markup": markup},
        "Bad Request: BUTTON_DATA_INVALID",
    )
    markup = {"inline_keyboard": [[{"text": "A"}]]}
    await expect(
        http,
        "sendMessage",
        {"chat_id": alice.id, "text": "t", "reply_markup": markup},
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard",
    )


async def test_edit_rejections(
    fake: FakeBotApi, bot: telegram.Bot, http: httpx.AsyncClient, alice: SimUser
) -> None:
    markup = keyboard(InlineKeyboardButton("A", callback_data="a"))
    sent = await bot.send_message(alice.id, "<b>v1</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(telegram.error.BadRequest) as caught:
        await bot.edit_message_text(
            "<b>v1</b>", alice.id, sent.message_id, parse_mode="HTML", reply_markup=markup
        )
    assert caught.value.message == ptb_message(NOT_MODIFIED)
    with pytest.raises(telegram.error.BadRequest) as caught:
        await bot.edit_message_reply_markup(alice.id, sent.message_id, reply_markup=markup)
    assert caught.value.message == ptb_message(NOT_MODIFIED)

    edited = await bot.edit_message_text("v2", alice.id, sent.message_id)
    assert isinstance(edited, telegram.Message) and edited.reply_markup is None
    stored = fake.chat_messages(alice)[0]
    assert (stored.text, stored.edited, stored.inline_keyboard) == ("v2", 1, None)

    await expect(
        http,
        "editMessageText",
        {"chat_id": alice.id, "message_id": 999, "text": "x"},
        "Bad Request: message to edit not found",
    )
    assert await bot.delete_message(alice.id, sent.message_id) is True
    assert fake.chat_messages(alice) == []
    assert fake.chat_history(alice)[0].deleted
    await expect(
        http,
        "deleteMessage",
        {"chat_id": alice.id, "message_id": sent.message_id},
        "Bad Request: message to delete not found",
    )
    await expect(
        http,
        "editMessageReplyMarkup",
        {"chat_id": alice.id, "message_id": sent.message_id},
        "Bad Request: message to edit not found",
    )


async def test_unknown_chat_and_blocked_user(
    fake: FakeBotApi, http: httpx.AsyncClient, bot: telegram.Bot, alice: SimUser
) -> None:
    await expect(
        http, "sendMessage", {"chat_id": 5555, "text": "hi"}, "Bad Request: chat not found"
    )
    with pytest.raises(telegram.error.BadRequest, match="Chat not found"):
        await bot.send_message(5555, "hi")
    fake.block(alice, notify=False)
    await expect(
        http,
        "sendMessage",
        {"chat_id": alice.id, "text": "hi"},
        "Forbidden: bot was blocked by the user",
        status=403,
    )
    with pytest.raises(telegram.error.Forbidden):
        await bot.send_chat_action(alice.id, "typing")


async def test_callback_query_answered_once(
    fake: FakeBotApi, bot: telegram.Bot, http: httpx.AsyncClient, alice: SimUser
) -> None:
    await bot.send_message(
        alice.id, "pick", reply_markup=keyboard(InlineKeyboardButton("A", callback_data="a"))
    )
    tap = await fake.tap(alice, fake.chat_messages(alice)[0], "A")
    assert await bot.answer_callback_query(tap.query_id, "Thanks", show_alert=True)
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    await expect(http, "answerCallbackQuery", {"callback_query_id": tap.query_id}, too_old)
    await expect(http, "answerCallbackQuery", {"callback_query_id": "nope"}, too_old)
    answer = fake.callback_answers[0]
    assert (answer.text, answer.show_alert, answer.message_id) == ("Thanks", True, tap.message_id)
