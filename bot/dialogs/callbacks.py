"""What a button means, as a typed value: one codec packs it into callback data and reads it back.

Callback data is `tag:field:field…`, plain ASCII, at most 64 bytes (Telegram's limit). A kind is
named by its tag and its number of fields. Fields are ints (canonical ASCII digits, below 2**31 so
they fit a database id, or below TelegramId's bound), bools ("1" or "0"), Literals (one of their
values) or text (printable ASCII without spaces or ":"). Anything else a client sends unpacks to
None: an old or forged button. When a kind's fields change meaning, raise its VERSION: the number
joins its tag ("a:mx" becomes "a:mx2"), so buttons still out there in the older layout no longer
unpack. Version 1 carries no number, which keeps the buttons already sent working.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, is_dataclass
from typing import Annotated, ClassVar, Literal, get_args, get_origin, get_type_hints

from bot.domain.language import Language

SEPARATOR = ":"
MAX_BYTES = 64
_INT = re.compile(r"0|[1-9][0-9]{0,15}")
_TEXT = re.compile(r"[!-9;-~]+")  # printable ASCII without the space and the separator
_TAG = re.compile(r"[a-z]+(:[a-z]+)?")


@dataclass(frozen=True)
class Below:
    """An int field's bound (exclusive)."""

    limit: int


DATABASE_ID_LIMIT = 2**31  # ticket and hire ids are INTEGER columns
TelegramId = Annotated[int, Below(2**53)]  # user ids have at most 52 significant bits
MenuItem = Literal["elig", "book", "mine", "ask", "human", "hr", "lang", "help", "menu", "prereg"]
Parse = Callable[[str], object]


class Callback:
    """A button's meaning; subclasses are frozen dataclasses with a TAG (and maybe a VERSION)."""

    TAG: ClassVar[str]
    VERSION: ClassVar[int] = 1

    def pack(self) -> str:
        """The callback data; ValueError for a value that would not come back unchanged."""
        kind = _kind(type(self))
        parts = [kind.tag, *(_encode(self, name) for name in kind.names)]
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data longer than {MAX_BYTES} bytes: {data!r}")
        if kind.decode(parts[1:]) != self:
            raise ValueError(f"callback data would not unpack to the same value: {data!r}")
        return data

    @classmethod
    def group(cls) -> str:
        """The tag's first part, naming the handler in the log."""
        return cls.TAG.partition(SEPARATOR)[0]


def _encode(callback: Callback, name: str) -> str:
    value = getattr(callback, name)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int) and value >= 0:
        return str(value)
    if isinstance(value, str):
        return value
    raise ValueError(f"{type(callback).__name__}.{name} cannot be packed: {value!r}")


def _int_parser(limit: int) -> Parse:
    def parse(text: str) -> int | None:
        return int(text) if _INT.fullmatch(text) and int(text) < limit else None

    return parse


def _parse_text(text: str) -> str | None:
    return text if _TEXT.fullmatch(text) else None


def _parse_bool(text: str) -> bool | None:
    return {"1": True, "0": False}.get(text)


def _parser(hint: object) -> Parse:
    """Text to value for one field's type; None means refused."""
    if get_origin(hint) is Annotated:
        base, *extras = get_args(hint)
        bounds = [extra for extra in extras if isinstance(extra, Below)]
        if base is int and len(bounds) == 1:
            return _int_parser(bounds[0].limit)
    if hint is int:
        return _int_parser(DATABASE_ID_LIMIT)
    if hint is str:
        return _parse_text
    if hint is bool:
        return _parse_bool
    if get_origin(hint) is Literal:
        values = get_args(hint)
        if not all(
            (isinstance(v, str) and _TEXT.fullmatch(v)) or (type(v) is int and v >= 0)
            for v in values
        ):
            raise TypeError(f"unsupported Literal values: {values!r}")
        return {str(v): v for v in values}.get
    raise TypeError(f"unsupported callback field type: {hint!r}")


@dataclass(frozen=True)
class _Kind:
    """How one Callback subclass is written: its tag on the wire, field names and parsers."""

    cls: type[Callback]
    make: Callable[..., Callback]
    tag: str
    names: tuple[str, ...]
    parsers: tuple[Parse, ...]

    def decode(self, texts: list[str]) -> Callback | None:
        if len(texts) != len(self.parsers):
            return None
        values = [parse(text) for parse, text in zip(self.parsers, texts, strict=True)]
        if any(value is None for value in values):
            return None
        return self.make(**dict(zip(self.names, values, strict=True)))


_KINDS: dict[type[Callback], _Kind] = {}


def _kind(cls: type[Callback]) -> _Kind:
    known = _KINDS.get(cls)
    if known is not None:
        return known
    if not is_dataclass(cls) or not _TAG.fullmatch(cls.TAG) or cls.VERSION < 1:
        raise TypeError(f"{cls.__name__}: not a dataclass, or a bad TAG or VERSION")
    hints = get_type_hints(cls, include_extras=True)
    names = tuple(f.name for f in fields(cls))
    tag = cls.TAG if cls.VERSION == 1 else f"{cls.TAG}{cls.VERSION}"
    kind = _KINDS[cls] = _Kind(cls, cls, tag, names, tuple(_parser(hints[n]) for n in names))
    return kind


class Codec:
    """Reads callback data back into the kinds it knows."""

    def __init__(self, kinds: Iterable[type[Callback]]) -> None:
        self._kinds: dict[tuple[str, int], _Kind] = {}
        for cls in kinds:
            kind = _kind(cls)
            key = (kind.tag, len(kind.names))
            if key in self._kinds:
                raise TypeError(f"{cls.__name__} and {self._kinds[key].cls.__name__} share {key}")
            self._kinds[key] = kind
        for (tag, size), kind in self._kinds.items():
            head, _, second = tag.partition(SEPARATOR)
            shorter = self._kinds.get((head, size + 1))
            if second and shorter is not None and shorter.parsers[0](second) is not None:
                raise TypeError(f"{kind.cls.__name__} is ambiguous with {shorter.cls.__name__}")

    @property
    def kinds(self) -> tuple[type[Callback], ...]:
        """Every kind this codec reads."""
        return tuple(kind.cls for kind in self._kinds.values())

    def unpack(self, data: str) -> Callback | None:
        """The button's meaning, or None for old, forged or malformed data."""
        if not data.isascii() or len(data) > MAX_BYTES:
            return None
        parts = data.split(SEPARATOR)
        for size in (2, 1):
            if len(parts) >= size:
                kind = self._kinds.get((SEPARATOR.join(parts[:size]), len(parts) - size))
                if kind is not None:
                    return kind.decode(parts[size:])
        return None


@dataclass(frozen=True)
class Menu(Callback):
    """A main menu entry."""

    TAG = "m"
    item: MenuItem


@dataclass(frozen=True)
class PickLanguage(Callback):
    """Switch to this language."""

    TAG = "l"
    lang: Language


@dataclass(frozen=True)
class FlowAnswer(Callback):
    """An answer to a flow's step; the flow and step make a stale button detectable."""

    TAG = "f"
    flow: str
    step: str
    value: str


@dataclass(frozen=True)
class SalaryStart(Callback):
    """Start the salary check for this route."""

    TAG = "s"
    route: str


@dataclass(frozen=True)
class BookingAction(Callback):
    """Reschedule, waitlist, calendar file, cancel (asked, confirmed, kept) or pick a member."""

    TAG = "a"
    action: Literal["r", "w", "i", "c", "cy", "cn", "m"]
    reference: str


@dataclass(frozen=True)
class PickMember(Callback):
    """This member of the party is to be removed: ask to confirm."""

    TAG = "a:mx"
    reference: str
    member: int


@dataclass(frozen=True)
class RemoveMember(Callback):
    """Remove this member of the party (confirmed)."""

    TAG = "a:my"
    reference: str
    member: int


@dataclass(frozen=True)
class StaffMark(Callback):
    """Staff mark a booking: attended, no-show, BSN issued."""

    TAG = "st"
    action: Literal["att", "nos", "bsn"]
    reference: str


@dataclass(frozen=True)
class TicketAction(Callback):
    """Staff claim or close a ticket."""

    TAG = "tk"
    action: Literal["c", "x"]
    ticket: int


@dataclass(frozen=True)
class AskPerson(Callback):
    """Ask for a person: pick a topic."""

    TAG = "h:start"


@dataclass(frozen=True)
class HandoffTopic(Callback):
    """Open a ticket on this topic."""

    TAG = "h:t"
    topic: str


@dataclass(frozen=True)
class LeaveHandoff(Callback):
    """Back to the bot: close this ticket."""

    TAG = "h:b"
    ticket: int


@dataclass(frozen=True)
class RateHandoff(Callback):
    """Rate a closed ticket."""

    TAG = "h:r"
    ticket: int
    rating: Literal[1, 2, 3, 4, 5]


@dataclass(frozen=True)
class Noop(Callback):
    """A calendar cell that does nothing."""

    TAG = "n"


@dataclass(frozen=True)
class FaqEntry(Callback):
    """Show this FAQ entry."""

    TAG = "q"
    entry: str


@dataclass(frozen=True)
class FaqVote(Callback):
    """Was this FAQ entry helpful: y or n."""

    TAG = "v"
    entry: str
    vote: Literal["y", "n"]


@dataclass(frozen=True)
class PreregStart(Callback):
    """Start or continue the pre-registration form."""

    TAG = "p:start"


@dataclass(frozen=True)
class DeleteData(Callback):
    """Erasing everything: ask, yes or no."""

    TAG = "x"
    step: Literal["ask", "yes", "no"]


@dataclass(frozen=True)
class HrButton(Callback):
    """HR's home screen: request access again, home, register, upload, the list of hires."""

    TAG = "hr"
    action: Literal["apply", "home", "reg", "up", "ls"]


@dataclass(frozen=True)
class HrPage(Callback):
    """Another page of the list of hires (edits the list in place)."""

    TAG = "hr:ls"
    page: int


@dataclass(frozen=True)
class HrNewLink(Callback):
    """A new invite link for this hire."""

    TAG = "hr:nl"
    hire: int


@dataclass(frozen=True)
class HrNotify(Callback):
    """Turn HR's notifications on or off."""

    TAG = "hr:ntf"
    on: bool


@dataclass(frozen=True)
class HrDecide(Callback):
    """Staff approve, reject or revoke an HR account from the request (edited in place)."""

    TAG = "hs"
    action: Literal["ok", "no", "rv"]
    user: TelegramId


@dataclass(frozen=True)
class HrDecideListed(Callback):
    """The same decision tapped under /hr_accounts, which stays as it is."""

    TAG = "hs"
    action: Literal["ok", "no", "rv"]
    user: TelegramId
    origin: Literal["l"] = "l"


HrCallback = HrButton | HrPage | HrNewLink | HrNotify
CALLBACKS = Codec(
    [
        Menu,
        PickLanguage,
        FlowAnswer,
        SalaryStart,
        BookingAction,
        PickMember,
        RemoveMember,
        StaffMark,
        TicketAction,
        AskPerson,
        HandoffTopic,
        LeaveHandoff,
        RateHandoff,
        Noop,
        FaqEntry,
        FaqVote,
        PreregStart,
        DeleteData,
        HrButton,
        HrPage,
        HrNewLink,
        HrNotify,
        HrDecide,
        HrDecideListed,
    ]
)
unpack = CALLBACKS.unpack
