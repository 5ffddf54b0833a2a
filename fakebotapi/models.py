"""Plain dataclasses that tests and the shell inspect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple


@dataclass(frozen=True, slots=True)
class Button:
    """An inline keyboard button reduced to what tests assert on."""

    text: str
    callback_data: str | None = None
    url: str | None = None


class Document(NamedTuple):
    """Unpackable as (file_name, mime_type, data) for terse assertions."""

    file_name: str | None
    mime_type: str | None
    data: bytes


@dataclass(slots=True)
class SimUser:
    """A simulated Telegram user; its private chat id equals its user id."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    blocked: bool = False

    @property
    def chat_id(self) -> int:
        """Private chats share the user's id, as on Telegram."""
        return self.id

    def to_json(self) -> dict[str, Any]:
        """Telegram User object for updates."""
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_json(self) -> dict[str, Any]:
        """Telegram Chat object of the user's private chat."""
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass(slots=True)
class SimGroup:
    """A simulated group or supergroup the bot is a member of."""

    id: int
    title: str
    is_forum: bool = False
    username: str | None = None
    privacy_mode: bool = False
    kicked: bool = False
    members: dict[int, str] = field(default_factory=dict)
    supergroup: bool | None = None
    topics: dict[int, str] = field(default_factory=dict)
    closed_topics: set[int] = field(default_factory=set)

    @property
    def chat_id(self) -> int:
        """Uniform with SimUser so helpers accept either."""
        return self.id

    @property
    def type(self) -> str:
        """Explicit, else inferred like Telegram ids: -100… (and forums) are supergroups."""
        if self.supergroup is None:
            return "supergroup" if self.is_forum or str(self.id).startswith("-100") else "group"
        return "supergroup" if self.supergroup else "group"

    def chat_json(self) -> dict[str, Any]:
        """Telegram Chat object for messages in this group."""
        data: dict[str, Any] = {"id": self.id, "type": self.type, "title": self.title}
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass(slots=True)
class BotMessage:
    """A message the bot sent, kept current: edits applied in place, deletes flagged."""

    message_id: int
    chat_id: int
    date: int
    text: str | None = None
    html: str | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    inline_keyboard: list[list[Button]] | None = None
    reply_keyboard: list[list[str]] | None = None
    remove_keyboard: bool = False
    reply_markup: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None
    document: Document | None = None
    photo: bytes | None = None
    file_id: str | None = None
    forward_origin: dict[str, Any] | None = None
    link_preview_options: dict[str, Any] | None = None
    disable_notification: bool = False
    protect_content: bool = False
    edited: int = 0
    edit_date: int | None = None
    deleted: bool = False

    @property
    def content(self) -> str:
        """Text or caption, whichever the message carries."""
        return self.text if self.text is not None else (self.caption or "")

    def buttons(self) -> list[str]:
        """Flat list of inline (or else reply keyboard) labels in reading order."""
        if self.inline_keyboard is not None:
            return [b.text for row in self.inline_keyboard for b in row]
        if self.reply_keyboard is not None:
            return [label for row in self.reply_keyboard for label in row]
        return []

    def callback_data(self) -> list[str]:
        """All callback_data values, to assert on routing without labels."""
        rows = self.inline_keyboard or []
        return [b.callback_data for row in rows for b in row if b.callback_data is not None]

    def find_button(self, label_or_data: str) -> Button | None:
        """Labels win over callback_data so tests read like a user would tap."""
        rows = self.inline_keyboard or []
        flat = [b for row in rows for b in row]
        for b in flat:
            if b.text == label_or_data:
                return b
        for b in flat:
            if b.callback_data == label_or_data:
                return b
        return None


@dataclass(slots=True)
class UserMessage:
    """A message a simulated user sent; update_id is None when privacy mode hid it."""

    message_id: int
    chat_id: int
    user_id: int
    date: int
    text: str | None = None
    caption: str | None = None
    document: Document | None = None
    photo: bytes | None = None
    file_id: str | None = None
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None
    update_id: int | None = None


@dataclass(slots=True)
class Tap:
    """A pressed inline button; its query id is what answerCallbackQuery must echo."""

    query_id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    update_id: int | None


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """What the bot answered to a callback query."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    user_id: int
    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One Bot API call, for tests and benchmarks to audit traffic."""

    method: str
    chat_id: int | str | None
    status: int
    timestamp: float
    duration: float


@dataclass(slots=True)
class FileRecord:
    """A stored file reachable through getFile and the file download URL."""

    file_id: str
    file_unique_id: str
    file_path: str
    kind: Literal["document", "photo"]
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0
    origin: Literal["bot", "user"] = "bot"
    downloads: int = 0

    def document(self) -> Document:
        """The tuple form BotMessage.document uses."""
        return Document(self.file_name, self.mime_type, self.data)


@dataclass(frozen=True, slots=True)
class BotEvent:
    """A bot-side change, pushed to listeners such as the terminal shell."""

    kind: Literal["sent", "edited", "deleted", "chat_action", "callback_answer"]
    chat_id: int
    message: BotMessage | None = None
    action: str | None = None
    answer: CallbackAnswer | None = None


@dataclass(slots=True)
class WebhookState:
    """The registered webhook plus delivery diagnostics getWebhookInfo reports."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(frozen=True, slots=True)
class Described:
    """A successful result that also carries Telegram's optional description."""

    result: Any
    description: str
