"""The PTB handlers: every private input goes through Conversations, then out through the sender."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from telegram import BotCommand, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.chat.inputs import incoming_from, with_upload
from bot.chat.processor import current_record
from bot.chat.sender import deliver
from bot.content.catalog import Catalog
from bot.dialogs.router import COMMANDS
from bot.dialogs.runner import Conversations
from bot.domain.language import LANGUAGES

log = logging.getLogger(__name__)


def install(
    application: Application,  # type: ignore[type-arg]
    conversations: Conversations,
    staff_chat_id: int | None,
    wake: Callable[[datetime], None],
) -> None:
    """Registers the handlers in the order they are tried."""

    async def on_input(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs the input through the dialogs and sends the result."""
        record = current_record()
        incoming = incoming_from(update)
        if incoming is None:
            return
        if not incoming.private and incoming.chat_id != staff_chat_id:
            record.handler = "group:ignored"
            return
        incoming = await with_upload(incoming, update)
        outcome = await conversations.handle(incoming)
        record.handler, record.outcome = outcome.handler, outcome.status
        query_id = update.callback_query.id if update.callback_query is not None else None
        for due in outcome.wakeups:
            wake(due)
        tagged = await deliver(context.bot, incoming, outcome, query_id)
        await conversations.remember_sent(tagged)

    # 1. Taps on inline buttons, from any message the bot sent.
    application.add_handler(CallbackQueryHandler(on_input))
    # 2. Everything users write in private chats, and commands in the staff chat.
    application.add_handler(
        MessageHandler(~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED, on_input)
    )
    application.add_error_handler(_on_error)


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Last resort: logs an error that escaped the handlers (never the message text)."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "handler_error update_id=%s error=%s",
        update_id,
        type(context.error).__name__,
        exc_info=context.error,
    )


async def register_commands(application: Application, catalog: Catalog) -> None:  # type: ignore[type-arg]
    """Publishes the command list in each language, English as the default."""
    for lang in LANGUAGES:
        commands = [BotCommand(name, catalog.plain(lang, f"commands.{name}")) for name in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=lang)
        if lang == "en":
            await application.bot.set_my_commands(commands)
