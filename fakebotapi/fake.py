"""FakeBotApi: the in-process Telegram Bot API emulator tests and the shell drive."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any

from .dispatch import Dispatcher
from .limits import Fault, RateLimiter, RateLimits
from .models import (
    BotEvent,
    BotMessage,
    CallbackAnswer,
    FileRecord,
    RequestRecord,
    SimGroup,
    SimUser,
    Tap,
    UserMessage,
    WebhookState,
)
from .server import HttpServer
from .simulate import MessageRef, set_blocked, tap, user_message
from .webhook import WebhookSender
from .world import Chat, ChatState, World, scope_key

ChatRef = SimUser | SimGroup | int


def _chat_id(chat: ChatRef) -> int:
    return chat if isinstance(chat, int) else chat.id


class FakeBotApi:
    """Emulates Telegram's Bot API over real HTTP inside the caller's event loop."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "onestop_test_bot",
        *,
        bot_first_name: str = "OneStop",
        enforce_rate_limits: bool = False,
        rate_limits: RateLimits | None = None,
        clock: Callable[[], float] | None = None,
        strict_html_ampersand: bool = True,
        request_log_size: int = 100_000,
        webhook_retry_delay: float = 0.05,
    ) -> None:
        self.world = World(token, bot_username, bot_first_name, clock, strict_html_ampersand)
        self.limiter = RateLimiter(rate_limits or RateLimits())
        self.dispatcher = Dispatcher(
            self.world,
            self.limiter,
            enforce_rate_limits=enforce_rate_limits,
            request_log_size=request_log_size,
        )
        self.webhook_sender = WebhookSender(self.world, retry_delay=webhook_retry_delay)
        self._http = HttpServer(self.dispatcher)
        self._host = "127.0.0.1"
        self._started = False

    # lifecycle -----------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Binds (port 0 = ephemeral, see .port) and starts webhook delivery."""
        if self._started:
            raise RuntimeError("FakeBotApi already started")
        self._host = host
        self.world.closing = False
        self._http.start(host, port)
        self.webhook_sender.start()
        self._started = True

    async def stop(self) -> None:
        """Releases long polls, stops delivery and closes every connection."""
        if not self._started:
            return
        self._started = False
        self.world.closing = True
        self.world.update_notifier.notify()
        await asyncio.sleep(0)
        await self.webhook_sender.stop()
        await self._http.stop()

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The bound port."""
        return self._http.port

    @property
    def root_url(self) -> str:
        """e.g. http://127.0.0.1:PORT."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """PTB's base_url (token is appended by PTB)."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's base_file_url."""
        return f"{self.root_url}/file/bot"

    @property
    def token(self) -> str:
        """The only token the server accepts."""
        return self.world.token

    @property
    def bot_id(self) -> int:
        """The bot's user id (the token's numeric prefix)."""
        return self.world.bot_id

    # participants --------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
    ) -> SimUser:
        """Registers a user and their private chat (chat id == user id)."""
        user = SimUser(user_id, first_name, last_name, username, language_code)
        self.world.add_chat(user)
        return user

    def continue_update_ids(self, after: int) -> None:
        """Numbers the next updates above `after` (a bot that already applied ids up to it)."""
        self.world.next_update_id = max(self.world.next_update_id, after + 1)

    def add_group(
        self,
        chat_id: int,
        title: str,
        is_forum: bool = False,
        *,
        username: str | None = None,
        privacy_mode: bool = False,
        members: dict[int, str] | None = None,
    ) -> SimGroup:
        """Registers a group the bot is in; members maps user id -> status for getChatMember."""
        group = SimGroup(
            chat_id, title, is_forum, username, privacy_mode, members=dict(members or {})
        )
        self.world.add_chat(group)
        return group

    def set_member(self, group: SimGroup, user: SimUser, status: str = "member") -> None:
        """Status as getChatMember reports it (member, administrator, creator, left, kicked)."""
        group.members[user.id] = status

    def user(self, user_id: int) -> SimUser:
        """A registered user by id."""
        return self.world.users[user_id]

    def block(self, chat: SimUser | SimGroup, *, notify: bool = True) -> None:
        """User blocks the bot (403 afterwards; my_chat_member sent), or bot kicked from a group."""
        set_blocked(self.world, chat, True, notify=notify)

    def unblock(self, chat: SimUser | SimGroup, *, notify: bool = True) -> None:
        """Undoes block()."""
        set_blocked(self.world, chat, False, notify=notify)

    # user actions --------------------------------------------------------

    async def send_text(
        self,
        user: SimUser,
        text: str,
        *,
        chat: Chat | None = None,
        reply_to: MessageRef | None = None,
        message_thread_id: int | None = None,
    ) -> UserMessage:
        """The user writes text (commands get bot_command entities)."""
        return user_message(
            self.world,
            user,
            chat=chat,
            text=text,
            reply_to=reply_to,
            message_thread_id=message_thread_id,
        )

    async def send_document(
        self,
        user: SimUser,
        file_name: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: Chat | None = None,
        reply_to: MessageRef | None = None,
    ) -> UserMessage:
        """The user uploads a file the bot can getFile and download."""
        record = self.world.files.add(data, "document", file_name, mime_type, origin="user")
        return user_message(
            self.world, user, chat=chat, caption=caption, record=record, reply_to=reply_to
        )

    async def send_photo(
        self,
        user: SimUser,
        data: bytes,
        *,
        caption: str | None = None,
        chat: Chat | None = None,
        reply_to: MessageRef | None = None,
    ) -> UserMessage:
        """The user sends a photo."""
        record = self.world.files.add(data, "photo", origin="user")
        return user_message(
            self.world, user, chat=chat, caption=caption, record=record, reply_to=reply_to
        )

    async def tap(self, user: SimUser, message: BotMessage, label_or_data: str) -> Tap:
        """Presses an inline button by label (or callback_data); raises LookupError if absent."""
        return tap(self.world, user, message, label_or_data)

    async def forge_tap(self, user: SimUser, message: BotMessage, data: str) -> Tap:
        """Sends a callback query with arbitrary data for a message, like a tampered client."""
        return tap(self.world, user, message, data, forged=True)

    async def press(self, user: SimUser, message: BotMessage, label: str) -> UserMessage:
        """Presses a reply-keyboard button, which sends its label as text."""
        if label not in [key for row in message.reply_keyboard or [] for key in row]:
            raise LookupError(f"no reply keyboard button {label!r}; available: {message.buttons()}")
        chat = None if message.chat_id == user.id else self.world.chats[message.chat_id].chat
        return await self.send_text(user, label, chat=chat)

    # inspection ----------------------------------------------------------

    def _state(self, chat: ChatRef) -> ChatState:
        state = self.world.chats.get(_chat_id(chat))
        if state is None:
            raise KeyError(f"chat {_chat_id(chat)} is not registered")
        return state

    def chat_messages(self, chat: ChatRef) -> list[BotMessage]:
        """The bot's live messages in the chat, oldest first, edits applied."""
        return [msg for msg in self._state(chat).bot.values() if not msg.deleted]

    def chat_history(self, chat: ChatRef) -> list[BotMessage]:
        """Every bot message ever sent in the chat, deleted ones flagged."""
        return list(self._state(chat).bot.values())

    def user_messages(self, chat: ChatRef) -> list[UserMessage]:
        """What simulated users wrote in the chat (not deleted by the bot)."""
        return [msg for msg, _ in self._state(chat).user.values()]

    def last_bot_message(self, chat: ChatRef) -> BotMessage | None:
        """The newest live bot message in the chat."""
        state = self._state(chat)
        for message_id in reversed(state.bot_ids):
            msg = state.bot[message_id]
            if not msg.deleted:
                return msg
        return None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """Answered callback queries in answer order."""
        return self.world.callback_answers

    @property
    def chat_actions(self) -> list[tuple[int, str]]:
        """(chat_id, action) of every sendChatAction."""
        return list(self.world.chat_actions)

    def commands(self, scope: Any = None, language_code: str = "") -> list[tuple[str, str]]:
        """Commands set for exactly this scope (dict/BotCommandScope, None=default) and language."""
        stored = self.world.commands.get((scope_key(scope), language_code), [])
        return [(item["command"], item["description"]) for item in stored]

    def menu_button(self, chat: ChatRef | None = None) -> dict[str, Any] | None:
        """The stored menu button for a chat (None = the default one)."""
        return self.world.menu_buttons.get(None if chat is None else _chat_id(chat))

    def file(self, file_id: str) -> FileRecord:
        """Any stored file (uploaded by the bot or a user) by file_id."""
        record = self.world.files.get(file_id)
        if record is None:
            raise KeyError(file_id)
        return record

    @property
    def files(self) -> list[FileRecord]:
        """All stored files; origin says who uploaded, downloads counts file URL fetches."""
        return self.world.files.all()

    @property
    def webhook(self) -> WebhookState | None:
        """The registered webhook, if any."""
        return self.world.webhook

    @property
    def webhook_targets(self) -> list[str] | None:
        """Delivery URLs used round-robin instead of the registered one (load balancer)."""
        return self.webhook_sender.targets

    @webhook_targets.setter
    def webhook_targets(self, targets: list[str] | None) -> None:
        self.webhook_sender.targets = list(targets) if targets else None

    @property
    def pending_update_count(self) -> int:
        """Updates not yet confirmed (polling) or delivered (webhook)."""
        return len(self.world.updates)

    # traffic, limits, faults --------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """The request log (bounded by request_log_size)."""
        return list(self.dispatcher.requests)

    def requests_for(self, method: str) -> list[RequestRecord]:
        """Log entries for one method (case-insensitive)."""
        key = method.lower()
        return [r for r in self.dispatcher.requests if r.method.lower() == key]

    @property
    def status_counts(self) -> Counter[int]:
        """Responses by HTTP status (every 429 included)."""
        return self.dispatcher.status_counts

    @property
    def too_many_requests(self) -> int:
        """All 429s returned, injected or enforced."""
        return self.dispatcher.status_counts[429]

    @property
    def rate_limit_hits(self) -> int:
        """429s caused by rate-limit enforcement only."""
        return self.limiter.hits

    def reset_counters(self) -> None:
        """Fresh log and counters, e.g. between benchmark phases."""
        self.dispatcher.requests.clear()
        self.dispatcher.status_counts.clear()
        self.limiter.hits = 0

    @property
    def enforce_rate_limits(self) -> bool:
        """Toggle flood control at runtime."""
        return self.dispatcher.enforce_rate_limits

    @enforce_rate_limits.setter
    def enforce_rate_limits(self, value: bool) -> None:
        self.dispatcher.enforce_rate_limits = value

    @property
    def latency(self) -> float:
        """Extra seconds before each non-getUpdates call is served (simulated RTT)."""
        return self.dispatcher.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.dispatcher.latency = seconds

    def inject_fault(
        self,
        method: str | None = None,
        status: int = 502,
        count: int | None = 1,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        chat_id: int | str | None = None,
    ) -> Fault:
        """The next `count` matching calls (None = until clear_faults) fail with `status`."""
        fault = Fault(
            method.lower() if method else None, status, count, retry_after, description, chat_id
        )
        return self.dispatcher.faults.add(fault)

    def clear_faults(self) -> None:
        """Back to normal service."""
        self.dispatcher.faults.clear()

    # listeners and waiting ----------------------------------------------

    def add_listener(self, listener: Callable[[BotEvent], None]) -> None:
        """Called synchronously on every bot-side change (sent/edited/deleted/action/answer)."""
        self.world.listeners.append(listener)

    def remove_listener(self, listener: Callable[[BotEvent], None]) -> None:
        """Stops notifications."""
        self.world.listeners.remove(listener)

    async def wait_for_bot_message(
        self,
        chat: ChatRef,
        *,
        after_message_id: int | None = None,
        predicate: Callable[[BotMessage], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - public test API, deadline-based
    ) -> BotMessage:
        """First live bot message newer than after_message_id (default: the chat's latest
        user message) that satisfies predicate; checks existing ones first."""
        state = self._state(chat)
        after = state.last_user_message_id if after_message_id is None else after_message_id
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for msg in state.bot_messages_after(after):
                if not msg.deleted and (predicate is None or predicate(msg)):
                    return msg
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [m.content[:80] for m in self.chat_messages(chat)[-3:]]
                raise TimeoutError(
                    f"no matching bot message in chat {state.chat.id} after #{after} "
                    f"within {timeout}s; latest: {recent}"
                )
            await state.notifier.wait(remaining)

    async def wait_for_callback_answer(
        self,
        tap: Tap,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 - public test API
    ) -> CallbackAnswer:
        """The bot's answer to a tap."""

        def answered() -> CallbackAnswer | None:
            for answer in reversed(self.world.callback_answers):
                if answer.query_id == tap.query_id:
                    return answer
            return None

        await self.wait_until(lambda: answered() is not None, timeout=timeout)
        result = answered()
        assert result is not None
        return result

    async def wait_until(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 - public test API
    ) -> None:
        """Re-checks condition on every bot-side change (and every 50 ms)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s")
            await self.world.changed.wait(min(remaining, 0.05))

    def is_idle(self) -> bool:
        """No undelivered update, no Bot API call in flight, no webhook POST running."""
        world = self.world
        return world.inflight == 0 and not self.webhook_sender.busy and not world.has_unfetched()

    async def wait_until_idle(
        self,
        *,
        quiet: float = 0.15,
        timeout: float = 10.0,  # noqa: ASYNC109 - public test API
    ) -> None:
        """Waits until is_idle() and no bot call/update fetch happened for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            if self.is_idle():
                silent = now - self.world.last_activity
                if silent >= quiet:
                    return
                pause = quiet - silent
            else:
                pause = 0.01
            if now + pause > deadline:
                raise TimeoutError(
                    f"bot not idle within {timeout}s (in flight: {self.world.inflight}, "
                    f"pending updates: {len(self.world.updates)})"
                )
            await asyncio.sleep(pause)
