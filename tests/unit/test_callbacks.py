"""The callback codec: every kind round-trips, anything malformed or forged unpacks to None."""

from __future__ import annotations

import inspect
import string
from dataclasses import dataclass, fields
from typing import Annotated, Literal, get_args, get_origin, get_type_hints

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot.dialogs.callbacks as callbacks
from bot.content.context import AppContext
from bot.dialogs.callbacks import (
    CALLBACKS,
    MAX_BYTES,
    BookingAction,
    Callback,
    Codec,
    FaqEntry,
    FaqVote,
    FlowAnswer,
    HandoffTopic,
    HrDecide,
    HrDecideListed,
    HrNewLink,
    HrPage,
    Menu,
    Noop,
    PickMember,
    RateHandoff,
    RemoveMember,
    SalaryStart,
    StaffMark,
    TicketAction,
    unpack,
)
from bot.dialogs.prereg import CLEAR, DONE, KEEP, PAUSE, SAME, SKIP
from bot.dialogs.turn import Button
from bot.domain.booking import REFERENCE_ALPHABET, new_reference
from bot.domain.countries import country_codes
from bot.domain.prereg_fields import FIELDS

TEXT = st.text(alphabet=sorted(set(string.printable) - set(string.whitespace) - {":"}), min_size=1)
LONGEST_TELEGRAM_ID = 2**52
LONGEST_DATABASE_ID = 2**31 - 1
LONGEST_REFERENCE = "WXYZ-" + REFERENCE_ALPHABET[-1] * 4  # location prefixes have 2-4 letters
STALE = [
    "",
    ":",
    "zz:1",  # unknown tag
    "a",
    "a:r",  # too few fields
    "a:r:MST-7KQ3:1",  # too many
    "m:book:x",
    "m:nope",  # not one of the Literal's values
    "x:maybe",
    "l:de",
    "n:",  # the calendar filler of the previous layout
    "a:mx:MST-7KQ3:²",  # Unicode digits pass str.isdigit() and crashed int()
    "a:my:MST-7KQ3:١",
    "a:my:MST-7KQ3:１",
    "tk:c:99999999999999999999",  # huge
    "tk:c:2147483648",  # beyond a database id
    "hs:ok:9007199254740992",  # beyond a Telegram id
    "tk:c:01",  # not canonical
    "tk:c:+1",
    "tk:c:-1",
    "tk:c: 1",
    "tk:c:1 ",
    "tk:c:1\n",
    "tk:c:0x1",
    "a:r:MST\n7KQ3",  # a newline inside a text field
    "x:yes\n",
    "x:yes\nupdate id=1 kind=forged",
    "a:r:MST 7KQ3",
    "a:r:MST\t7KQ3",
    "q:",  # empty text
    "q:é",
    "q:" + "a" * (MAX_BYTES - 1),  # 65 bytes
    "hr:ntf:2",
    "hr:ntf:true",
    "hr:ls:",
    "h:r:1:6",
    "h:r:1:0",
    "h:start:1",
    "hs:ok:1:x",
    "v:bsn-what-is:maybe",
    "\ud800",
]


def _field_strategy(hint: object) -> st.SearchStrategy[object]:
    if get_origin(hint) is Annotated:
        return st.integers(0, LONGEST_TELEGRAM_ID)
    if get_origin(hint) is Literal:
        return st.sampled_from(get_args(hint))
    return {
        int: st.integers(0, LONGEST_DATABASE_ID),
        bool: st.booleans(),
        str: TEXT.filter(lambda s: len(s) <= 20),  # three such fields still fit
    }[hint]  # type: ignore[index]


def _kind_strategy(cls: type[Callback]) -> st.SearchStrategy[Callback]:
    hints = get_type_hints(cls, include_extras=True)
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    return st.builds(cls, **{name: _field_strategy(hints[name]) for name in names})


ANY_CALLBACK = st.one_of([_kind_strategy(cls) for cls in CALLBACKS.kinds])


@given(ANY_CALLBACK)
def test_every_kind_comes_back_unchanged(callback: Callback) -> None:
    data = callback.pack()
    assert len(data.encode()) <= MAX_BYTES and data.isascii() and "\n" not in data
    assert unpack(data) == callback


@given(st.one_of(st.text(max_size=80), ANY_CALLBACK.map(lambda c: c.pack() + "\n")))
def test_whatever_unpacks_is_exactly_what_packing_writes(data: str) -> None:
    callback = unpack(data)
    assert callback is None or callback.pack() == data


@given(ANY_CALLBACK, st.data())
def test_a_changed_character_is_refused_or_another_valid_button(
    callback: Callback, draw: st.DataObject
) -> None:
    data = callback.pack()
    at = draw.draw(st.integers(0, len(data) - 1))
    forged = data[:at] + draw.draw(st.characters()) + data[at + 1 :]
    result = unpack(forged)
    assert result is None or result.pack() == forged


@pytest.mark.parametrize("data", STALE)
def test_malformed_forged_and_old_data_is_refused(data: str) -> None:
    assert unpack(data) is None


def test_the_data_of_the_previous_layout_still_works() -> None:
    """Version 1 carries no number: buttons sent before the codec keep working."""
    assert unpack("hs:ok:8141") == HrDecide("ok", 8141)
    assert unpack("hs:rv:8141:l") == HrDecideListed("rv", 8141)
    assert unpack("a:mx:MST-7KQ3:2") == PickMember("MST-7KQ3", 2)
    assert unpack("f:book:day:<2026-01") == FlowAnswer("book", "day", "<2026-01")
    assert unpack("h:r:12:5") == RateHandoff(12, 5)
    assert unpack("hr:ls:0") == HrPage(0)
    assert unpack("m:menu") == Menu("menu")
    assert Noop().pack() == "n"


@pytest.mark.parametrize(
    "callback",
    [
        FlowAnswer("book", "day", "a:b"),  # the separator
        FlowAnswer("book", "day", ""),
        FlowAnswer("book", "day", "a\nb"),
        FlowAnswer("book", "day", "a b"),
        FaqEntry("veelgestelde-vragen-é"),
        FaqEntry("x" * (MAX_BYTES - 1)),  # one byte too long
        TicketAction("c", -1),
        TicketAction("c", 2**31),
        HrDecide("ok", 2**53),
        TicketAction("c", "1"),  # type: ignore[arg-type]
        Menu("nope"),  # type: ignore[arg-type]
        RateHandoff(1, 6),  # type: ignore[arg-type]
    ],
)
def test_a_value_that_would_not_come_back_cannot_be_packed(callback: Callback) -> None:
    with pytest.raises(ValueError):
        callback.pack()
    with pytest.raises(ValueError):
        Button("label", callback)  # so the mistake shows where the button is made


def test_the_longest_real_values_fit(ctx: AppContext) -> None:
    assert len(new_reference("WXYZ")) == len(LONGEST_REFERENCE)
    longest = [
        PickMember(LONGEST_REFERENCE, 99),
        RemoveMember(LONGEST_REFERENCE, 99),
        BookingAction("cy", LONGEST_REFERENCE),
        StaffMark("bsn", LONGEST_REFERENCE),
        HrDecideListed("ok", LONGEST_TELEGRAM_ID),
        HrDecide("rv", LONGEST_TELEGRAM_ID),
        TicketAction("x", LONGEST_DATABASE_ID),
        RateHandoff(LONGEST_DATABASE_ID, 5),
        HrNewLink(LONGEST_DATABASE_ID),
        HrPage(LONGEST_DATABASE_ID),
        *(FaqVote(entry, "n") for entry in ctx.faq.ids()),
        *(HandoffTopic(topic) for topic in ctx.handoff.topics),
        *(SalaryStart(route) for route in ctx.salary_routes),
    ]
    for question in ctx.rules.questions:
        longest += [FlowAnswer("elig", question.id, option) for option in question.options]
    specials = [KEEP, SKIP, SAME, DONE, PAUSE, CLEAR, "<", "submit", "edit99"]
    for key, field in FIELDS.items():
        step = f"e99.{key}"
        values = [
            *field.choices,
            *country_codes(),
            *(m.id for m in ctx.municipalities),
            *specials,
            key,
        ]
        longest += [FlowAnswer("prereg", step, value) for value in values]
    for callback in longest:
        assert unpack(callback.pack()) == callback


def test_an_older_version_of_a_kind_is_stale() -> None:
    @dataclass(frozen=True)
    class Before(Callback):
        TAG = "zz"
        ticket: int

    @dataclass(frozen=True)
    class After(Callback):
        TAG = "zz"
        VERSION = 2
        ticket: int

    old, new = Codec([Before]), Codec([After])
    assert After(7).pack() == "zz2:7"
    assert old.unpack(Before(7).pack()) == Before(7)
    assert new.unpack(Before(7).pack()) is None
    assert old.unpack(After(7).pack()) is None


def test_kinds_that_could_read_the_same_data_are_refused() -> None:
    @dataclass(frozen=True)
    class Wide(Callback):
        TAG = "zz"
        action: str
        ticket: int

    @dataclass(frozen=True)
    class Narrow(Callback):
        TAG = "zz:go"
        ticket: int

    @dataclass(frozen=True)
    class Twin(Callback):
        TAG = "zz"
        reference: str
        ticket: int

    with pytest.raises(TypeError, match="ambiguous"):
        Codec([Wide, Narrow])
    with pytest.raises(TypeError, match="share"):
        Codec([Wide, Twin])


def test_every_kind_is_read_by_the_codec() -> None:
    defined = {
        cls
        for _, cls in inspect.getmembers(callbacks, inspect.isclass)
        if issubclass(cls, Callback)
        and cls is not Callback
        and cls.__module__ == callbacks.__name__
    }
    assert defined == set(CALLBACKS.kinds)
