"""The emulated Telegram state: chats, messages, files, pending updates."""

from __future__ import annotations

import json
import logging
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from .errors import bad_request, forbidden
from .files import FileStore
from .models import (
    BotEvent,
    BotMessage,
    CallbackAnswer,
    SimGroup,
    SimUser,
    Tap,
    UserMessage,
    WebhookState,
)
from .notify import Notifier

logger = logging.getLogger(__name__)

UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
DEFAULT_UPDATES = UPDATE_TYPES - {"chat_member", "message_reaction", "message_reaction_count"}

Chat = SimUser | SimGroup


class ChatState:
    """Per-chat message store; ids ascend, so bisect finds "newer than" cheaply."""

    __slots__ = ("bot", "bot_ids", "chat", "last_user_message_id", "next_id", "notifier", "user")

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.next_id = 1
        self.bot: dict[int, BotMessage] = {}
        self.bot_ids: list[int] = []
        self.user: dict[int, tuple[UserMessage, dict[str, Any]]] = {}
        self.last_user_message_id = 0
        self.notifier = Notifier()

    def bot_messages_after(self, message_id: int) -> Iterator[BotMessage]:
        """Bot messages with a larger id, oldest first, including deleted ones."""
        ids = self.bot_ids
        for index in range(bisect_right(ids, message_id), len(ids)):
            yield self.bot[ids[index]]


def scope_key(scope: Any) -> str:
    """Canonical JSON of a BotCommandScope so equal scopes share commands."""
    if scope is None:
        scope = {"type": "default"}
    elif hasattr(scope, "to_dict"):
        scope = scope.to_dict()
    if not isinstance(scope, dict):
        raise bad_request("can't parse BotCommandScope JSON object")
    data = dict(scope)
    chat_id = data.get("chat_id")
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        data["chat_id"] = int(chat_id)
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


class World:
    """All mutable emulator state; single-threaded, so no locks are needed."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_first_name: str,
        clock: Callable[[], float] | None = None,
        strict_html_ampersand: bool = True,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.clock: Callable[[], float] = clock or time.time
        self.strict_html_ampersand = strict_html_ampersand
        self.bot_json: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.users: dict[int, SimUser] = {}
        self.chats: dict[int, ChatState] = {}
        self.usernames: dict[str, int] = {}
        self.files = FileStore()
        self.updates: deque[dict[str, Any]] = deque()
        self.next_update_id = 1
        self.fetched_up_to = 0
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATES
        self.update_notifier = Notifier()
        self.webhook: WebhookState | None = None
        self.pending_queries: dict[str, Tap] = {}
        self.next_query_id = 1
        self.callback_answers: list[CallbackAnswer] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.chat_actions: deque[tuple[int, str]] = deque(maxlen=10_000)
        self.changed = Notifier()
        self.listeners: list[Callable[[BotEvent], None]] = []
        self.inflight = 0
        self.last_activity = time.monotonic()
        self.closing = False

    def now(self) -> int:
        """Unix time for date fields, from the injectable clock."""
        return int(self.clock())

    # chats ---------------------------------------------------------------

    def add_chat(self, chat: Chat) -> ChatState:
        """Registering a chat is what makes "chat not found" go away."""
        if isinstance(chat, SimUser):
            self.users[chat.id] = chat
        state = self.chats.get(chat.id)
        if state is None:
            state = self.chats[chat.id] = ChatState(chat)
        else:
            state.chat = chat
        if chat.username:
            self.usernames[chat.username.lower()] = chat.id
        return state

    def resolve_chat(self, chat_id: int | str | None) -> ChatState:
        """Looks a chat up by id or @username, failing like Telegram."""
        if isinstance(chat_id, str):
            found = self.usernames.get(chat_id.lstrip("@").lower())
            chat_id = found
        state = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if state is None:
            raise bad_request("chat not found")
        return state

    @staticmethod
    def require_writable(state: ChatState) -> None:
        """Blocked users and kicked bots get Telegram's 403s."""
        chat = state.chat
        if isinstance(chat, SimUser):
            if chat.blocked:
                raise forbidden("bot was blocked by the user")
        elif chat.kicked:
            raise forbidden(f"bot was kicked from the {chat.type} chat")

    # updates -------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any]) -> int | None:
        """Queues an update unless the bot's allowed_updates filters it out."""
        if kind not in self.allowed_updates:
            return None
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append({"update_id": update_id, kind: payload})
        self.update_notifier.notify()
        return update_id

    def set_allowed_updates(self, allowed: Any) -> None:
        """An empty list restores the default set, as documented."""
        if not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON array")
        chosen = frozenset(str(kind) for kind in allowed) & UPDATE_TYPES
        self.allowed_updates = chosen or DEFAULT_UPDATES

    def confirm(self, offset: int | None) -> None:
        """getUpdates offset semantics: forget everything below it (negative = keep last N)."""
        if offset is None:
            return
        updates = self.updates
        if offset > 0:
            while updates and updates[0]["update_id"] < offset:
                updates.popleft()
        elif offset < 0:
            while len(updates) > -offset:
                updates.popleft()

    def peek_updates(self, limit: int) -> list[dict[str, Any]]:
        """The oldest pending updates, without confirming them."""
        return list(islice(self.updates, limit))

    def mark_fetched(self, batch: list[dict[str, Any]]) -> None:
        """Lets wait_until_idle tell "handed to the bot" from "still queued"."""
        if batch:
            self.fetched_up_to = max(self.fetched_up_to, batch[-1]["update_id"])
            self.last_activity = time.monotonic()

    def confirm_delivered(self, update_id: int) -> None:
        """Webhook success removes the head only if nobody dropped it meanwhile."""
        if self.updates and self.updates[0]["update_id"] == update_id:
            self.updates.popleft()
        self.fetched_up_to = max(self.fetched_up_to, update_id)
        self.last_activity = time.monotonic()

    def drop_pending(self) -> None:
        """drop_pending_updates=True on setWebhook/deleteWebhook."""
        if self.updates:
            self.fetched_up_to = max(self.fetched_up_to, self.updates[-1]["update_id"])
        self.updates.clear()

    def has_unfetched(self) -> bool:
        """Any update the bot has not received yet."""
        if not self.updates:
            return False
        if self.webhook is not None:
            return True
        return bool(self.updates[-1]["update_id"] > self.fetched_up_to)

    # messages ------------------------------------------------------------

    def next_message_id(self, state: ChatState) -> int:
        """Message ids are per chat and shared by both directions."""
        message_id = state.next_id
        state.next_id += 1
        return message_id

    def message_json(self, state: ChatState, message_id: int, *, nested: bool = False) -> Any:
        """Any live message in the chat as Telegram JSON, or None."""
        bot = state.bot.get(message_id)
        if bot is not None:
            return None if bot.deleted else self.bot_message_json(state, bot, nested=nested)
        user = state.user.get(message_id)
        if user is None:
            return None
        if nested:
            return {k: v for k, v in user[1].items() if k != "reply_to_message"}
        return user[1]

    def bot_message_json(
        self, state: ChatState, msg: BotMessage, *, nested: bool = False
    ) -> dict[str, Any]:
        """Full Message JSON so PTB parses what the bot sent back."""
        data: dict[str, Any] = {
            "message_id": msg.message_id,
            "from": self.bot_json,
            "chat": state.chat.chat_json(),
            "date": msg.date,
        }
        if msg.message_thread_id is not None:
            data["message_thread_id"] = msg.message_thread_id
            if isinstance(state.chat, SimGroup) and state.chat.is_forum:
                data["is_topic_message"] = True
        if msg.forward_origin is not None:
            data["forward_origin"] = msg.forward_origin
        if msg.reply_to_message_id is not None and not nested:
            replied = self.message_json(state, msg.reply_to_message_id, nested=True)
            if replied is not None:
                data["reply_to_message"] = replied
        if msg.edit_date is not None:
            data["edit_date"] = msg.edit_date
        if msg.protect_content:
            data["has_protected_content"] = True
        if msg.text is not None:
            data["text"] = msg.text
            if msg.entities:
                data["entities"] = msg.entities
        record = self.files.get(msg.file_id) if msg.file_id else None
        if record is not None:
            if record.kind == "photo":
                data["photo"] = self.files.photo_json(record)
            else:
                data["document"] = self.files.document_json(record)
        if msg.caption is not None:
            data["caption"] = msg.caption
            if msg.caption_entities:
                data["caption_entities"] = msg.caption_entities
        if msg.link_preview_options is not None:
            data["link_preview_options"] = msg.link_preview_options
        if msg.reply_markup is not None:
            data["reply_markup"] = msg.reply_markup
        return data

    def add_bot_message(self, state: ChatState, msg: BotMessage) -> dict[str, Any]:
        """Stores a sent message and tells waiters; returns its JSON for the response."""
        state.bot[msg.message_id] = msg
        state.bot_ids.append(msg.message_id)
        self.emit(BotEvent("sent", msg.chat_id, message=msg))
        return self.bot_message_json(state, msg)

    def live_bot_message(self, state: ChatState, message_id: int) -> BotMessage | None:
        """The bot's message unless it was deleted."""
        msg = state.bot.get(message_id)
        return None if msg is None or msg.deleted else msg

    def add_user_message(self, state: ChatState, msg: UserMessage, data: dict[str, Any]) -> None:
        """Keeps what users sent so replies, copies and forwards can reference it."""
        state.user[msg.message_id] = (msg, data)
        state.last_user_message_id = msg.message_id

    # events --------------------------------------------------------------

    def emit(self, event: BotEvent) -> None:
        """Wakes chat waiters, global waiters and listeners (a broken listener is logged)."""
        state = self.chats.get(event.chat_id)
        if state is not None:
            state.notifier.notify()
        self.changed.notify()
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("fakebotapi listener failed")
