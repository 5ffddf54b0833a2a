"""What simulated users do: write, upload, tap buttons, block the bot."""

from __future__ import annotations

from typing import Any

from .files import FileStore
from .models import BotMessage, Button, FileRecord, SimGroup, SimUser, Tap, UserMessage
from .text import auto_entities
from .world import Chat, ChatState, World

MessageRef = BotMessage | UserMessage | int


def _chat_state(world: World, user: SimUser, chat: Chat | None) -> ChatState:
    if world.users.get(user.id) is not user:
        raise ValueError(f"user {user.id} is not registered; call add_user() first")
    target = chat or user
    state = world.chats.get(target.id)
    if state is None:
        raise ValueError(f"chat {target.id} is not registered")
    if isinstance(target, SimUser):
        if target.id != user.id:
            raise ValueError("a user can only write in their own private chat or in a group")
        if user.blocked:
            raise RuntimeError(f"user {user.id} blocked the bot; call unblock() first")
    else:
        if target.kicked:
            raise RuntimeError(f"the bot was removed from group {target.id}")
        target.members.setdefault(user.id, "member")
    return state


def _visible_to_bot(world: World, state: ChatState, text: str | None, reply_to: int | None) -> bool:
    """Privacy mode hides group chatter that is not a command, reply or mention."""
    chat = state.chat
    if not isinstance(chat, SimGroup) or not chat.privacy_mode:
        return True
    if text and (text.startswith("/") or f"@{world.bot_username}".lower() in text.lower()):
        return True
    return reply_to is not None and world.live_bot_message(state, reply_to) is not None


def user_message(
    world: World,
    user: SimUser,
    *,
    chat: Chat | None = None,
    text: str | None = None,
    caption: str | None = None,
    record: FileRecord | None = None,
    reply_to: MessageRef | None = None,
    message_thread_id: int | None = None,
) -> UserMessage:
    """Stores the message and queues a "message" update the bot will receive."""
    state = _chat_state(world, user, chat)
    reply_id = reply_to if isinstance(reply_to, int) or reply_to is None else reply_to.message_id
    message_id = world.next_message_id(state)
    data: dict[str, Any] = {
        "message_id": message_id,
        "from": user.to_json(),
        "chat": state.chat.chat_json(),
        "date": world.now(),
    }
    if message_thread_id is not None:
        data["message_thread_id"] = message_thread_id
        if isinstance(state.chat, SimGroup) and state.chat.is_forum:
            data["is_topic_message"] = True
    if reply_id is not None:
        replied = world.message_json(state, reply_id, nested=True)
        if replied is None:
            raise LookupError(f"message {reply_id} not found in chat {state.chat.id}")
        data["reply_to_message"] = replied
    if text is not None:
        data["text"] = text
        entities = auto_entities(text)
        if entities:
            data["entities"] = entities
    if record is not None:
        if record.kind == "photo":
            data["photo"] = FileStore.photo_json(record)
        else:
            data["document"] = FileStore.document_json(record)
    if caption is not None:
        data["caption"] = caption
        entities = auto_entities(caption)
        if entities:
            data["caption_entities"] = entities
    msg = UserMessage(
        message_id=message_id,
        chat_id=state.chat.id,
        user_id=user.id,
        date=data["date"],
        text=text,
        caption=caption,
        document=record.document() if record and record.kind == "document" else None,
        photo=record.data if record and record.kind == "photo" else None,
        file_id=record.file_id if record else None,
        reply_to_message_id=reply_id,
        message_thread_id=message_thread_id,
    )
    world.add_user_message(state, msg, data)
    if _visible_to_bot(world, state, text or caption, reply_id):
        msg.update_id = world.enqueue("message", data)
    return msg


def tap(
    world: World, user: SimUser, message: BotMessage, label_or_data: str, *, forged: bool = False
) -> Tap:
    """Queues the callback_query Telegram sends when an inline button is pressed.

    With forged=True the data is sent as given, as a modified client could do.
    """
    state = _chat_state(world, user, None if message.chat_id == user.id else _group(world, message))
    current = world.live_bot_message(state, message.message_id)
    if current is None:
        raise LookupError(f"message {message.message_id} in chat {message.chat_id} is deleted")
    button = current.find_button(label_or_data)
    if forged:
        button = Button(text=label_or_data, callback_data=label_or_data)
    if button is None:
        raise LookupError(f"no inline button {label_or_data!r}; available: {current.buttons()}")
    if button.callback_data is None:
        raise ValueError(f"button {button.text!r} has no callback_data (url={button.url!r})")
    query_id = str(4_000_000_000_000_000 + world.next_query_id)
    world.next_query_id += 1
    payload = {
        "id": query_id,
        "from": user.to_json(),
        "message": world.bot_message_json(state, current),
        "chat_instance": str(7_000_000_000_000_000 + state.chat.id),
        "data": button.callback_data,
    }
    update_id = world.enqueue("callback_query", payload)
    result = Tap(
        query_id, user.id, state.chat.id, current.message_id, button.callback_data, update_id
    )
    world.pending_queries[query_id] = result
    return result


def _group(world: World, message: BotMessage) -> SimGroup:
    state = world.chats.get(message.chat_id)
    if state is None or not isinstance(state.chat, SimGroup):
        raise ValueError(f"message {message.message_id} is not in this user's chats")
    return state.chat


def set_blocked(world: World, chat: Chat, blocked: bool, *, notify: bool = True) -> None:
    """Blocking also sends my_chat_member, which bots use to mark users inactive."""
    if isinstance(chat, SimGroup):
        chat.kicked = blocked
        return
    if chat.blocked == blocked:
        return
    chat.blocked = blocked
    if not notify:
        return
    member = {"status": "member", "user": world.bot_json}
    kicked = {"status": "kicked", "user": world.bot_json, "until_date": 0}
    world.enqueue(
        "my_chat_member",
        {
            "chat": chat.chat_json(),
            "from": chat.to_json(),
            "date": world.now(),
            "old_chat_member": member if blocked else kicked,
            "new_chat_member": kicked if blocked else member,
        },
    )
