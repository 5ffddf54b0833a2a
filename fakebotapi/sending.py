"""Bot API methods that put new messages into chats."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, Literal
from urllib.parse import urlparse

import httpx

from .errors import ApiError, bad_request
from .formatting import Formatted, caption_text, message_text
from .markup import Markup, parse_markup
from .models import BotEvent, BotMessage, FileRecord
from .params import Params
from .world import ChatState, World

MAX_UPLOAD = 50 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MARKUP_JSON_ERROR = "can't parse reply keyboard markup JSON object"


def reply_target(world: World, state: ChatState, p: Params) -> int | None:
    """Resolves reply_parameters / reply_to_message_id, failing like Telegram."""
    params = p.get_json("reply_parameters")
    allow = p.get_bool("allow_sending_without_reply")
    message_id: int | None = None
    if isinstance(params, dict):
        raw = params.get("message_id")
        message_id = int(raw) if raw is not None else None
        allow = bool(params.get("allow_sending_without_reply", allow))
    elif p.has("reply_to_message_id"):
        message_id = p.get_int("reply_to_message_id")
    if message_id is None:
        return None
    if world.message_json(state, message_id, nested=True) is None:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return message_id


def common_fields(world: World, state: ChatState, p: Params) -> dict[str, Any]:
    """Options every send method shares."""
    return {
        "message_id": world.next_message_id(state),
        "chat_id": state.chat.id,
        "date": world.now(),
        "message_thread_id": p.get_int("message_thread_id"),
        "disable_notification": p.get_bool("disable_notification"),
        "protect_content": p.get_bool("protect_content"),
    }


def markup_fields(markup: Markup | None) -> dict[str, Any]:
    """BotMessage fields derived from a validated reply_markup."""
    if markup is None:
        return {}
    return {
        "inline_keyboard": markup.inline,
        "reply_keyboard": markup.reply,
        "remove_keyboard": markup.remove,
        "reply_markup": markup.echo,
    }


def _markup(p: Params) -> Markup | None:
    return parse_markup(p.get_json("reply_markup", error=MARKUP_JSON_ERROR))


async def send_message(world: World, p: Params) -> Any:
    """sendMessage."""
    markup = _markup(p)
    state = world.resolve_chat(p.get_chat_id())
    text = message_text(p, strict_ampersand=world.strict_html_ampersand)
    world.require_writable(state)
    reply_to = reply_target(world, state, p)
    preview = p.get_json("link_preview_options")
    msg = BotMessage(
        **common_fields(world, state, p),
        text=text.text,
        html=text.html,
        parse_mode=text.parse_mode,
        entities=text.entities,
        reply_to_message_id=reply_to,
        link_preview_options=preview if isinstance(preview, dict) else None,
        **markup_fields(markup),
    )
    return world.add_bot_message(state, msg)


async def _fetch(url: str) -> bytes:
    """Telegram downloads HTTP URLs itself; so do we."""
    try:
        async with httpx.AsyncClient(trust_env=False, timeout=5.0) as client:
            response = await client.get(url)
    except httpx.HTTPError:
        raise bad_request("failed to get HTTP URL content") from None
    if response.status_code != 200:
        raise bad_request("failed to get HTTP URL content")
    return response.content


async def _media_file(world: World, p: Params, kind: Literal["document", "photo"]) -> FileRecord:
    upload = p.files.get(kind)
    ref = p.get_str(kind)
    if upload is None and ref and ref.startswith("attach://"):
        upload = p.files.get(ref[len("attach://") :])
    if upload is not None:
        if len(upload.data) > MAX_UPLOAD:
            raise ApiError(413, "Request Entity Too Large")
        return world.files.add(upload.data, kind, upload.filename, upload.content_type)
    if not ref:
        raise bad_request(f"there is no {kind} in the request")
    if ref.startswith(("http://", "https://")):
        data = await _fetch(ref)
        name = PurePosixPath(urlparse(ref).path).name or None
        return world.files.add(data, kind, name)
    return world.files.require(ref, kind)


async def _send_media(world: World, p: Params, kind: Literal["document", "photo"]) -> Any:
    markup = _markup(p)
    state = world.resolve_chat(p.get_chat_id())
    caption = caption_text(p, strict_ampersand=world.strict_html_ampersand)
    record = await _media_file(world, p, kind)
    world.require_writable(state)
    reply_to = reply_target(world, state, p)
    msg = BotMessage(
        **common_fields(world, state, p),
        reply_to_message_id=reply_to,
        file_id=record.file_id,
        document=record.document() if kind == "document" else None,
        photo=record.data if kind == "photo" else None,
        **caption_fields(caption),
        **markup_fields(markup),
    )
    return world.add_bot_message(state, msg)


def caption_fields(caption: Formatted | None) -> dict[str, Any]:
    """BotMessage fields for a (possibly absent) caption."""
    if caption is None:
        return {}
    return {
        "caption": caption.text,
        "caption_entities": caption.entities,
        "html": caption.html,
        "parse_mode": caption.parse_mode,
    }


async def send_document(world: World, p: Params) -> Any:
    """sendDocument: multipart upload, attach://, URL or an existing file_id."""
    return await _send_media(world, p, "document")


async def send_photo(world: World, p: Params) -> Any:
    """sendPhoto: same sources as sendDocument."""
    return await _send_media(world, p, "photo")


def _source(
    world: World, p: Params, verb: str
) -> tuple[ChatState, dict[str, Any], BotMessage | None]:
    source = world.resolve_chat(p.get_chat_id("from_chat_id"))
    message_id = p.get_int("message_id")
    data = world.message_json(source, message_id, nested=True) if message_id is not None else None
    if data is None:
        raise bad_request(f"message to {verb} not found")
    assert message_id is not None
    return source, data, world.live_bot_message(source, message_id)


def _content(world: World, data: dict[str, Any], original: BotMessage | None) -> dict[str, Any]:
    """The copyable part of a message, whoever sent it."""
    fields: dict[str, Any] = {}
    if "text" in data:
        fields["text"] = data["text"]
        fields["entities"] = list(data.get("entities", []))
    if "caption" in data:
        fields["caption"] = data["caption"]
        fields["caption_entities"] = list(data.get("caption_entities", []))
    file_id = (data.get("document") or {}).get("file_id") or (data.get("photo") or [{}])[-1].get(
        "file_id"
    )
    record = world.files.get(file_id) if file_id else None
    if record is not None:
        fields["file_id"] = record.file_id
        if record.kind == "photo":
            fields["photo"] = record.data
        else:
            fields["document"] = record.document()
    if original is not None:
        fields["html"] = original.html
        fields["parse_mode"] = original.parse_mode
    return fields


async def copy_message(world: World, p: Params) -> Any:
    """copyMessage: same content, no link to the original; returns only the new id."""
    _, data, original = _source(world, p, "copy")
    markup = _markup(p)
    state = world.resolve_chat(p.get_chat_id())
    fields = _content(world, data, original)
    if p.has("caption") and "text" not in fields:
        override = caption_text(p, strict_ampersand=world.strict_html_ampersand)
        if override is not None:
            fields.update(caption_fields(override))
    world.require_writable(state)
    reply_to = reply_target(world, state, p)
    msg = BotMessage(
        **common_fields(world, state, p),
        reply_to_message_id=reply_to,
        **fields,
        **markup_fields(markup),
    )
    world.add_bot_message(state, msg)
    return {"message_id": msg.message_id}


async def forward_message(world: World, p: Params) -> Any:
    """forwardMessage: content plus a forward_origin pointing at the original sender."""
    _, data, original = _source(world, p, "forward")
    state = world.resolve_chat(p.get_chat_id())
    world.require_writable(state)
    origin = {"type": "user", "sender_user": data.get("from", world.bot_json), "date": data["date"]}
    msg = BotMessage(
        **common_fields(world, state, p),
        forward_origin=origin,
        **_content(world, data, original),
    )
    return world.add_bot_message(state, msg)


async def send_chat_action(world: World, p: Params) -> Any:
    """sendChatAction: validated, recorded and shown to listeners."""
    state = world.resolve_chat(p.get_chat_id())
    action = p.get_str("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    world.require_writable(state)
    world.chat_actions.append((state.chat.id, action))
    world.emit(BotEvent("chat_action", state.chat.id, action=action))
    return True


METHODS = {
    "sendMessage": send_message,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
    "sendChatAction": send_chat_action,
}
