"""A real PTB Application, polling and webhook, against the fake."""

from __future__ import annotations

import socket

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from fakebotapi import FakeBotApi

MENU = InlineKeyboardMarkup([[InlineKeyboardButton("English", callback_data="lang:en")]])


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_html("<b>Welcome!</b> Pick a language:", reply_markup=MENU)


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Saved")
    await query.edit_message_text(f"Language: {query.data}")


def build(fake: FakeBotApi) -> Application:  # type: ignore[type-arg]
    app = (
        Application.builder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(choose))
    return app


async def _conversation(fake: FakeBotApi) -> None:
    alice = fake.add_user(1001, "Alice", language_code="nl")
    await fake.send_text(alice, "/start")
    welcome = await fake.wait_for_bot_message(alice.id, timeout=5)
    assert welcome.text == "Welcome! Pick a language:"
    assert welcome.html == "<b>Welcome!</b> Pick a language:"
    tap = await fake.tap(alice, welcome, "English")
    answer = await fake.wait_for_callback_answer(tap, timeout=5)
    assert answer.text == "Saved"
    await fake.wait_until(lambda: welcome.edited == 1, timeout=5)
    assert welcome.text == "Language: lang:en" and welcome.inline_keyboard is None
    await fake.wait_until_idle(quiet=0.05, timeout=5)


async def test_application_polling(fake: FakeBotApi) -> None:
    app = build(fake)
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            await _conversation(fake)
        finally:
            await app.updater.stop()
            await app.stop()
    methods = [r.method for r in fake.requests]
    assert methods[:2] == ["getMe", "deleteWebhook"]


async def test_application_webhook(fake: FakeBotApi) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = build(fake)
    async with app:
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="tg",
            webhook_url=f"http://127.0.0.1:{port}/tg",
            secret_token="topsecret",
        )
        await app.start()
        try:
            assert fake.webhook is not None and fake.webhook.secret_token == "topsecret"
            await _conversation(fake)
        finally:
            await app.updater.stop()
            await app.stop()
    assert fake.webhook_sender.delivered == 2
