"""What one update does: the user's input in, the state change and the replies out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from bot.content.catalog import Markup
from bot.content.context import AppContext
from bot.dialogs.callbacks import Callback
from bot.domain.dialog import Dialog
from bot.domain.language import Language
from bot.domain.users import UserProfile
from bot.storage.unit_of_work import UnitOfWork
from bot.uploads.hire_files import UploadError, UploadRows

NOTHING = Markup("")
InputKind = Literal["command", "text", "button", "document", "other"]


@dataclass(frozen=True)
class Incoming:
    """A user's input, free of Telegram types."""

    kind: InputKind
    chat_id: int
    user_id: int
    update_id: int
    text: str = ""
    command: str = ""
    args: str = ""
    data: str = ""
    first_name: str = ""
    telegram_language: str | None = None
    message_id: int | None = None
    private: bool = True
    reply_to_message_id: int | None = None
    thread_id: int | None = None
    has_media: bool = False
    file_name: str = ""  # a document's name as sent
    file_content: bytes | None = None  # downloaded only for small spreadsheet uploads
    upload: UploadRows | UploadError | None = None  # file_content read, before the transaction


@dataclass(frozen=True)
class Button:
    """An inline button: a callback (packed at once, so a bad value fails here) or a link."""

    label: str
    callback: Callback | None = None
    url: str = ""
    data: str = field(init=False, default="")

    def __post_init__(self) -> None:
        if self.callback is not None:
            object.__setattr__(self, "data", self.callback.pack())


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Document:
    """A file the bot sends."""

    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True)
class Reply:
    """One message to send, or the tapped message to edit."""

    text: Markup
    buttons: Keyboard = ()
    edit: bool = False
    document: Document | None = None
    chat_id: int | None = None
    copy_of: int | None = None  # copy this message of the incoming chat (photos, files)
    reply_to: int | None = None
    tag: str = ""  # e.g. "alert:12": the sent message id is remembered for ticket 12
    new_topic: str = ""  # in a forum staff chat: open a topic with this name and post in it
    thread_id: int | None = None
    # Reports on the reply tagged `needs` (e.g. "passed on"): when that one was not delivered,
    # `otherwise` is sent instead, so nobody is told something happened that did not.
    needs: str = ""
    otherwise: Markup = NOTHING


@dataclass
class Turn:
    """The working state of one update; committed before any reply is sent."""

    incoming: Incoming
    profile: UserProfile
    dialog: Dialog
    uow: UnitOfWork
    ctx: AppContext
    now: datetime
    replies: list[Reply] = field(default_factory=list)
    toast: str = ""
    clear_tapped_keyboard: bool = False
    handler: str = "unhandled"
    wakeups: list[datetime] = field(default_factory=list)
    # Slow work that needs no transaction (drawing a report): run after the commit, before sending.
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def lang(self) -> Language:
        """The user's language right now (it may change during the turn)."""
        return self.profile.language

    def t(self, key: str, **params: object) -> Markup:
        """A text in the user's language with parameters escaped."""
        return self.ctx.catalog.text(self.lang, key, **params)

    def label(self, key: str, **params: object) -> str:
        """A button label in the user's language."""
        return self.ctx.catalog.plain(self.lang, key, **params)

    async def language_of(self, user_id: int) -> Language:
        """Another user's language for a message to them; the bot's default if never seen."""
        profile = await self.uow.users.get(user_id)
        return profile.language if profile is not None else self.ctx.default_language

    @property
    def today(self) -> date:
        """Today's date where the bot operates."""
        return self.now.astimezone(self.ctx.zone).date()

    def say(
        self,
        text: Markup,
        buttons: Keyboard = (),
        *,
        edit: bool = False,
        needs: str = "",
        otherwise: Markup = NOTHING,
    ) -> None:
        """Queues a message for the user (or `otherwise` when the reply tagged `needs` failed)."""
        self.replies.append(
            Reply(text=text, buttons=buttons, edit=edit, needs=needs, otherwise=otherwise)
        )

    def tell(
        self,
        chat_id: int,
        text: Markup,
        buttons: Keyboard = (),
        *,
        reply_to: int | None = None,
        tag: str = "",
        copy_of: int | None = None,
        new_topic: str = "",
        thread_id: int | None = None,
    ) -> None:
        """Queues a message (or a copy of the incoming one) for another chat."""
        self.replies.append(
            Reply(
                text=text,
                buttons=buttons,
                chat_id=chat_id,
                reply_to=reply_to,
                tag=tag,
                copy_of=copy_of,
                new_topic=new_topic,
                thread_id=thread_id,
            )
        )

    def send_document(self, document: Document) -> None:
        """Queues a file for the user."""
        self.replies.append(Reply(text=Markup(""), document=document))
