"""Bot API methods that change or remove existing messages, and callback answers."""

from __future__ import annotations

from typing import Any

from .errors import NOT_MODIFIED, QUERY_TOO_OLD, bad_request
from .formatting import caption_text, message_text
from .markup import Markup, parse_markup
from .models import BotEvent, BotMessage, CallbackAnswer
from .params import Params
from .sending import MARKUP_JSON_ERROR
from .world import ChatState, World


def _target(world: World, p: Params) -> tuple[ChatState, BotMessage]:
    if p.has("inline_message_id"):
        raise bad_request("message to edit not found")
    state = world.resolve_chat(p.get_chat_id())
    message_id = p.get_int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    msg = world.live_bot_message(state, message_id)
    if msg is None:
        if message_id in state.user:
            raise bad_request("message can't be edited")
        raise bad_request("message to edit not found")
    world.require_writable(state)
    return state, msg


def _inline_markup(p: Params) -> Markup | None:
    return parse_markup(p.get_json("reply_markup", error=MARKUP_JSON_ERROR), inline_only=True)


def _commit(
    world: World, state: ChatState, msg: BotMessage, markup: Markup | None
) -> dict[str, Any]:
    msg.inline_keyboard = markup.inline if markup else None
    msg.reply_markup = markup.echo if markup else None
    msg.edited += 1
    msg.edit_date = world.now()
    world.emit(BotEvent("edited", msg.chat_id, message=msg))
    return world.bot_message_json(state, msg)


async def edit_message_text(world: World, p: Params) -> Any:
    """editMessageText; omitting reply_markup removes the inline keyboard, as on Telegram."""
    markup = _inline_markup(p)
    state, msg = _target(world, p)
    text = message_text(p, strict_ampersand=world.strict_html_ampersand)
    if msg.text is None:
        raise bad_request("there is no text in the message to edit")
    echo = markup.echo if markup else None
    if (text.text, text.entities, echo) == (msg.text, msg.entities, msg.reply_markup):
        raise bad_request(NOT_MODIFIED)
    msg.text, msg.entities, msg.html, msg.parse_mode = (
        text.text,
        text.entities,
        text.html,
        text.parse_mode,
    )
    preview = p.get_json("link_preview_options")
    if isinstance(preview, dict):
        msg.link_preview_options = preview
    return _commit(world, state, msg, markup)


async def edit_message_caption(world: World, p: Params) -> Any:
    """editMessageCaption."""
    markup = _inline_markup(p)
    state, msg = _target(world, p)
    if msg.file_id is None:
        raise bad_request("there is no caption in the message to edit")
    caption = caption_text(p, strict_ampersand=world.strict_html_ampersand)
    new = (caption.text, caption.entities) if caption else (None, [])
    echo = markup.echo if markup else None
    if (*new, echo) == (msg.caption, msg.caption_entities, msg.reply_markup):
        raise bad_request(NOT_MODIFIED)
    msg.caption, msg.caption_entities = new
    msg.html = caption.html if caption else None
    msg.parse_mode = caption.parse_mode if caption else None
    return _commit(world, state, msg, markup)


async def edit_message_reply_markup(world: World, p: Params) -> Any:
    """editMessageReplyMarkup; no markup means remove the keyboard."""
    markup = _inline_markup(p)
    state, msg = _target(world, p)
    if (markup.echo if markup else None) == msg.reply_markup:
        raise bad_request(NOT_MODIFIED)
    return _commit(world, state, msg, markup)


def _delete(world: World, state: ChatState, message_id: int) -> bool:
    msg = world.live_bot_message(state, message_id)
    if msg is not None:
        msg.deleted = True
        world.emit(BotEvent("deleted", msg.chat_id, message=msg))
        return True
    return state.user.pop(message_id, None) is not None


async def delete_message(world: World, p: Params) -> Any:
    """deleteMessage: bot messages and, like in private chats, users' messages."""
    state = world.resolve_chat(p.get_chat_id())
    message_id = p.get_int("message_id")
    if message_id is None or not _delete(world, state, message_id):
        raise bad_request("message to delete not found")
    return True


async def delete_messages(world: World, p: Params) -> Any:
    """deleteMessages skips ids it cannot find, as documented."""
    state = world.resolve_chat(p.get_chat_id())
    ids = p.get_json("message_ids")
    if not isinstance(ids, list) or not ids or len(ids) > 100:
        raise bad_request("message_ids must be a non-empty Array of up to 100 Integers")
    for message_id in ids:
        _delete(world, state, int(message_id))
    return True


async def answer_callback_query(world: World, p: Params) -> Any:
    """answerCallbackQuery; each query can be answered exactly once."""
    query_id = p.get_str("callback_query_id") or ""
    text = p.get_str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    tap = world.pending_queries.pop(query_id, None)
    if tap is None:
        raise bad_request(QUERY_TOO_OLD)
    answer = CallbackAnswer(
        query_id=query_id,
        text=text or None,
        show_alert=p.get_bool("show_alert"),
        url=p.get_str("url"),
        user_id=tap.user_id,
        chat_id=tap.chat_id,
        message_id=tap.message_id,
    )
    world.callback_answers.append(answer)
    world.emit(BotEvent("callback_answer", tap.chat_id, answer=answer))
    return True


METHODS = {
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "answerCallbackQuery": answer_callback_query,
}
