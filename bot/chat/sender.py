"""Sends what a turn decided, after its transaction committed."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.chat.processor import current_record
from bot.dialogs.runner import Outcome
from bot.dialogs.turn import Incoming, Keyboard, Reply

log = logging.getLogger(__name__)
MAX_RETRY_AFTER = 30.0


def retry_after_seconds(exc: RetryAfter) -> float:
    """Telegram's wait as seconds (PTB gives an int or a timedelta, depending on its settings)."""
    wait = exc.retry_after
    return float(wait if isinstance(wait, int | float) else wait.total_seconds())


def markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    """Telegram's inline keyboard for our buttons."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.data)
                for b in row
            ]
            for row in buttons
        ]
    )


async def deliver(
    bot: Bot, incoming: Incoming, outcome: Outcome, callback_query_id: str | None
) -> list[tuple[str, int, int | None]]:
    """Answers the tap, tidies the tapped message, sends the replies; returns tagged ids."""
    if callback_query_id is not None:
        await _safely(bot.answer_callback_query(callback_query_id, text=outcome.toast or None))
    if outcome.clear_tapped_keyboard and incoming.message_id is not None:
        await _safely(
            bot.edit_message_reply_markup(incoming.chat_id, incoming.message_id, reply_markup=None)
        )
    tagged: list[tuple[str, int, int | None]] = []
    for reply in outcome.replies:
        if reply.needs and not any(tag == reply.needs for tag, _, _ in tagged):
            reply = replace(reply, text=reply.otherwise, needs="")
        sent = await _send(bot, incoming, reply)
        if reply.tag and sent is not None:
            tagged.append((reply.tag, *sent))
    return tagged


_FORUMS: dict[tuple[int, int], tuple[bool, float]] = {}
FORUM_CHECK_SECONDS = 600.0


async def _is_forum(bot: Bot, chat_id: int) -> bool:
    """Whether the chat has topics (asked again every ten minutes: groups can switch)."""
    key = (id(bot), chat_id)
    known = _FORUMS.get(key)
    if known is None or time.monotonic() - known[1] > FORUM_CHECK_SECONDS:
        try:
            known = (bool((await bot.get_chat(chat_id)).is_forum), time.monotonic())
        except TelegramError:
            return False
        _FORUMS[key] = known
    return known[0]


async def _thread_for(bot: Bot, chat_id: int, reply: Reply) -> int | None:
    """The topic to post in: the reply's own, or a new one when asked and the chat is a forum."""
    if reply.thread_id is not None:
        return reply.thread_id
    if reply.new_topic and await _is_forum(bot, chat_id):
        try:
            topic = await bot.create_forum_topic(chat_id, reply.new_topic[:128])
        except TelegramError as exc:
            log.warning("topic_not_created reason=%s", exc)
            return None
        return topic.message_thread_id
    return None


async def _send(bot: Bot, incoming: Incoming, reply: Reply) -> tuple[int, int | None] | None:
    chat_id = reply.chat_id if reply.chat_id is not None else incoming.chat_id
    thread = await _thread_for(bot, chat_id, reply)
    replying = (
        ReplyParameters(reply.reply_to, allow_sending_without_reply=True)
        if reply.reply_to
        else None
    )
    for attempt in range(3):
        try:
            if reply.copy_of is not None:
                copied = await bot.copy_message(
                    chat_id,
                    incoming.chat_id,
                    reply.copy_of,
                    caption=reply.text or None,
                    parse_mode=ParseMode.HTML,
                    reply_parameters=replying,
                    message_thread_id=thread,
                )
                _note("ok")
                return copied.message_id, thread
            if reply.document is not None:
                await bot.send_document(
                    chat_id,
                    InputFile(reply.document.content, filename=reply.document.filename),
                    caption=reply.document.caption or None,
                    parse_mode=ParseMode.HTML,
                )
            elif reply.edit and incoming.message_id is not None:
                await bot.edit_message_text(
                    reply.text,
                    chat_id,
                    incoming.message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup(reply.buttons),
                )
            else:
                message = await bot.send_message(
                    chat_id,
                    reply.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup(reply.buttons),
                    reply_parameters=replying,
                    message_thread_id=thread,
                )
                _note("ok")
                return message.message_id, thread
            _note("ok")
            return None
        except RetryAfter as exc:
            _note("429")
            wait = retry_after_seconds(exc)
            if attempt == 2 or wait > MAX_RETRY_AFTER:
                log.warning("send_dropped reason=retry_after chat_kind=%s", _chat_kind(chat_id))
                return None
            await asyncio.sleep(wait)
        except Forbidden:
            _note("403")
            log.info("send_refused reason=forbidden chat_kind=%s", _chat_kind(chat_id))
            return None
        except BadRequest as exc:
            _note("error")
            log.warning("send_rejected reason=%s", exc.message)
            return None
        except TelegramError:
            _note("error")
            raise
    return None


def _note(outcome: str) -> None:
    """Tells the update's record how a send went (ok, 429, 403, error), for the metrics."""
    current_record().sends.append(outcome)


async def _safely(call: object) -> None:
    """Runs a cosmetic call whose failure must not stop the replies."""
    try:
        await call  # type: ignore[misc]
    except TelegramError as exc:
        log.debug("cosmetic_call_failed reason=%s", exc)


def _chat_kind(chat_id: int) -> str:
    return "group" if chat_id < 0 else "private"
