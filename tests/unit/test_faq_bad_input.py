"""Odd questions (empty, huge, emoji, RTL, zero-width, HTML) get a reply, never an error."""

from __future__ import annotations

import asyncio
import html
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.context import AppContext
from bot.content.faq import load_faq
from bot.content.synonyms import load_synonyms
from bot.domain.faq import Band, FaqIndex
from tests.unit.test_dialog_flows import Bot, Chat

CONTENT = Path(__file__).parents[2] / "content"
INDEX = FaqIndex(load_faq(CONTENT), load_synonyms(CONTENT))
ODD = {
    "empty": "",
    "blank": " \n\t ",
    "long": "what is a bsn " * 770,  # 10,010 characters
    "emoji": "🙂🇳🇱👍🏽‍♀️",
    "rtl": "ما هو رقم الخدمة المدنية؟ ‏مرحبا‎",
    "rtl override": "\u202ensb a si tahw\u202c",
    "zero width": "wat\u200b is\u200c een\u200d b\u200bs\u200bn\ufeff",
    "html": "<b>bsn</b> <script>alert('x')</script> &amp; <a href='javascript:1'>x</a>",
    "html only": "<i></i><br/>",
    "control": "\x00\x07bsn\x1b[31m",
    "combining": "bs\u0301\u0301\u0301n",
}
UNSAFE = ("<script", "<a href='javascript", "<i></i>", "\x00")


def check(result_band: Band, candidates: tuple[tuple[str, float], ...]) -> None:
    """What every answer must look like, whatever was asked."""
    if result_band is Band.NONE:
        assert candidates == ()
    elif result_band is Band.CLEAR:
        assert len(candidates) == 1
    else:
        assert 1 <= len(candidates) <= 3
    assert len({entry_id for entry_id, _ in candidates}) == len(candidates)
    assert all(0 < score <= 100 for _, score in candidates)
    assert all(entry_id in INDEX.ids() for entry_id, _ in candidates)


@pytest.mark.parametrize("text", ODD.values(), ids=ODD.keys())
def test_the_matcher_takes_odd_input(text: str) -> None:
    result = INDEX.match(text)
    check(result.band, result.candidates)


def test_invisible_characters_do_not_hide_a_word() -> None:
    assert INDEX.match(ODD["zero width"]).best == "bsn-what-is"
    assert INDEX.match(ODD["zero width"]).band is Band.CLEAR


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_the_matcher_takes_any_text(text: str) -> None:
    result = INDEX.match(text)
    check(result.band, result.candidates)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["bsn", "ind", "wat", "is", "de", "30%", "<b>", "🙂", "kvk", "the", "permit", "‏", "x"]
        ),
        max_size=40,
    )
)
def test_the_matcher_takes_any_mix_of_known_words(words: list[str]) -> None:
    result = INDEX.match(" ".join(words))
    check(result.band, result.candidates)


@pytest.fixture(scope="module")
def bot(ctx: AppContext) -> Bot:
    return Bot(ctx)


USERS = itertools.count(8200)


def assert_safe_reply(chat: Chat) -> None:
    """A reply came, the turn went through, and nothing of the input came back as markup."""
    assert chat.last.status == "ok"
    assert chat.last.replies
    for text in chat.texts():
        assert not any(unsafe in text for unsafe in UNSAFE), text


@pytest.mark.parametrize("text", ODD.values(), ids=ODD.keys())
@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_odd_questions_get_a_reply_and_are_never_echoed_unescaped(
    bot: Bot, text: str, lang: str
) -> None:
    chat = Chat(bot, next(USERS), lang)  # type: ignore[arg-type]
    await chat.send(text)
    assert_safe_reply(chat)


async def test_a_question_too_long_to_read_says_so(bot: Bot) -> None:
    chat = Chat(bot, next(USERS), "en")
    await chat.send(ODD["long"])
    assert chat.texts() == [chat.t("errors.too_long", length=len(ODD["long"]), limit=500)]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=600))
def test_any_text_gets_a_safe_reply(ctx: AppContext, text: str) -> None:
    chat = Chat(Bot(ctx), 8299, "en")
    asyncio.run(chat.send(text))
    assert chat.last.status == "ok"
    assert chat.last.replies
    if "<" in text:  # whatever came back, the user's own markup is not in it as markup
        assert all(text not in reply or text == html.escape(text) for reply in chat.texts())
