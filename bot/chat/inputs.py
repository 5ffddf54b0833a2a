"""Turns a Telegram update into the plain Incoming the dialogs understand."""

from __future__ import annotations

from dataclasses import replace

from telegram import MessageEntity, Update
from telegram.constants import ChatType

from bot.dialogs.turn import Incoming


def incoming_from(update: Update) -> Incoming | None:
    """The user's input, or None for updates the bot does not act on."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    base = Incoming(
        kind="other",
        chat_id=chat.id,
        user_id=user.id,
        update_id=update.update_id,
        first_name=user.first_name or "",
        telegram_language=user.language_code,
        private=chat.type == ChatType.PRIVATE,
    )
    query = update.callback_query
    if query is not None:
        message_id = query.message.message_id if query.message is not None else None
        return replace(base, kind="button", data=query.data or "", message_id=message_id)
    message = update.message
    if message is None:
        return None
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    thread = message.message_thread_id if message.is_topic_message else None
    base = replace(
        base, message_id=message.message_id, reply_to_message_id=reply_to, thread_id=thread
    )
    text = message.text or ""
    entity = message.entities[0] if message.entities else None
    if (
        text
        and entity is not None
        and entity.type == MessageEntity.BOT_COMMAND
        and entity.offset == 0
    ):
        command = text[1 : entity.length].split("@", 1)[0].lower()
        args = text[entity.length :].strip()
        return replace(base, kind="command", command=command, args=args, text=text)
    if text:
        return replace(base, kind="text", text=text)
    if message.document is not None or message.photo:
        return replace(base, kind="document", text=message.caption or "", has_media=True)
    return replace(base, text=message.caption or "")


def update_kind(update: Update) -> str:
    """A short name for the log line."""
    if update.callback_query is not None:
        return "callback_query"
    if update.message is not None:
        if update.message.text and update.message.text.startswith("/"):
            return "command"
        return "message"
    if update.edited_message is not None:
        return "edited_message"
    if update.my_chat_member is not None:
        return "my_chat_member"
    return "other"
