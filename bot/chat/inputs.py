"""Turns a Telegram update into the plain Incoming the dialogs understand."""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Document, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.dialogs.turn import Incoming
from bot.uploads.hire_files import MAX_UPLOAD_BYTES

log = logging.getLogger(__name__)
UPLOAD_SUFFIXES = (".csv", ".xlsx")
# C0 control characters but newline and tab: PostgreSQL refuses U+0000 in text, and none of them
# means anything in a message, a name or a file name.
_CONTROLS = dict.fromkeys(c for c in range(0x20) if chr(c) not in "\n\t")


def clean(text: str) -> str:
    """The text without control characters (newlines and tabs are kept)."""
    return text.translate(_CONTROLS)


def incoming_from(update: Update) -> Incoming | None:
    """The user's input, or None for updates the bot does not act on; control characters gone."""
    incoming = _incoming(update)
    if incoming is None:
        return None
    return replace(
        incoming,
        text=clean(incoming.text),
        command=clean(incoming.command),
        args=clean(incoming.args),
        data=clean(incoming.data),
        first_name=clean(incoming.first_name),
        file_name=clean(incoming.file_name),
    )


def _incoming(update: Update) -> Incoming | None:
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
        name = (message.document.file_name or "") if message.document is not None else ""
        return replace(
            base, kind="document", text=message.caption or "", has_media=True, file_name=name
        )
    return replace(base, text=message.caption or "")


def wants_download(incoming: Incoming, document: Document | None) -> bool:
    """Only spreadsheets small enough for a hires upload are fetched, in private chats."""
    return (
        document is not None
        and incoming.private
        and incoming.file_name.lower().endswith(UPLOAD_SUFFIXES)
        and (document.file_size or 0) <= MAX_UPLOAD_BYTES
    )


async def with_upload(incoming: Incoming, update: Update) -> Incoming:
    """The Incoming with a spreadsheet's bytes; unchanged when there is none or it fails."""
    document = update.message.document if update.message is not None else None
    if document is None or not wants_download(incoming, document):
        return incoming
    try:
        file = await document.get_file()
        content = bytes(await file.download_as_bytearray())
    except (TelegramError, OSError) as exc:
        log.warning(
            "upload_download_failed update_id=%s error=%s", incoming.update_id, type(exc).__name__
        )
        return incoming
    if len(content) > MAX_UPLOAD_BYTES:
        return incoming
    return replace(incoming, file_content=content)


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
