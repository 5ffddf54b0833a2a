"""A bare python-telegram-bot echo bot: the baseline the onestop bot's throughput is held to."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

AGAIN = "🔁 Again"
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton(AGAIN, callback_data="again")]])
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the text back with one button, so a load generator can also tap."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await context.bot.send_message(message.chat_id, message.text, reply_markup=KEYBOARD)


async def _tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers the tap and sends a message, as the onestop bot does for a menu tap."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    await query.answer()
    await context.bot.send_message(
        query.message.chat.id, f"tapped {query.data}", reply_markup=KEYBOARD
    )


def build_echo_application(
    token: str, base_url: str, base_file_url: str
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The smallest bot that answers both input kinds, handling updates concurrently."""
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .concurrent_updates(True)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, _echo))
    application.add_handler(CallbackQueryHandler(_tapped))
    return application
