"""Greetings, thanks, navigation words and a typed yes/no go where a user expects, not the FAQ."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.content.context import AppContext
from bot.content.smalltalk import load_smalltalk_phrases
from bot.domain.language import Language
from bot.domain.smalltalk import Intent, SmallTalk
from tests.conftest import CONTENT
from tests.unit.test_dialog_flows import Bot, Chat

PHRASES = load_smalltalk_phrases(CONTENT / "smalltalk.toml")


@pytest.fixture
def bot(ctx: AppContext) -> Iterator[Bot]:
    yield Bot(ctx)


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        (intent, text)
        for intent, by_lang in PHRASES.items()
        for texts in by_lang.values()
        for text in texts
    ],
)
def test_every_listed_phrase_has_its_intent_however_typed(
    ctx: AppContext, intent: Intent, text: str
) -> None:
    assert ctx.smalltalk.intent(text) is intent
    assert ctx.smalltalk.intent(f"  {text.upper()}!! 👋") is intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Hallo!", Intent.GREETING),
        ("Goedemorgen", Intent.GREETING),
        ("thnaks", Intent.THANKS),  # one typo in a long enough phrase
        ("Dank je wel 🙏", Intent.THANKS),
        ("menu", Intent.MENU),
        ("Mijn afspraak", Intent.MINE),
        ("my appointment?", Intent.MINE),
        ("afspraak maken", Intent.BOOK),
        ("Medewerker", Intent.HUMAN),
        ("agent", Intent.HUMAN),
        ("JA", Intent.YES),
        ("nope", Intent.NO),
    ],
)
def test_examples_from_the_issue(ctx: AppContext, text: str, intent: Intent) -> None:
    assert ctx.smalltalk.intent(text) is intent


@pytest.mark.parametrize(
    "text",
    [
        "hello, what is a bsn",  # a greeting with a question is a question
        "thanks, and how long does the bsn take",
        "bsn?",
        "book a flight to Lisbon",
        "helo",  # too short to forgive a typo: 'help' is one letter away
        "",
        "🙂🙂",
        "‮",
    ],
)
def test_questions_and_noise_are_not_small_talk(ctx: AppContext, text: str) -> None:
    assert ctx.smalltalk.intent(text) is None


def test_a_phrase_in_two_intents_is_refused() -> None:
    with pytest.raises(ValueError, match="both"):
        SmallTalk({Intent.YES: ["ok"], Intent.THANKS: ["OK!"]})


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_a_greeting_gets_the_menu_and_thanks_a_friendly_word(
    bot: Bot, lang: Language
) -> None:
    chat = Chat(bot, 8101, lang)
    await chat.send("hoi" if lang == "nl" else "hello!")
    assert chat.texts() == [chat.t("smalltalk.hello", name="Ana")]
    assert chat.label("menu.eligibility") in chat.labels()
    assert chat.last.handler == "smalltalk:greeting"
    await chat.send("bedankt" if lang == "nl" else "thx")
    assert chat.texts() == [chat.t("smalltalk.welcome")]
    assert chat.labels() == [chat.label("menu.back_to_menu")]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("menu", "menu.title"),
        ("help", "help.text"),
        ("hulp", "help.text"),
        ("my appointment", "booking.mine.none"),
        ("mijn afspraak", "booking.mine.none"),
        ("book", "booking.need_eligibility"),
        ("afspraak maken", "booking.need_eligibility"),
        ("human", "handoff.unavailable"),  # no staff chat in the test content: how to reach people
        ("medewerker", "handoff.unavailable"),
    ],
)
async def test_navigation_words_go_where_the_menu_would(bot: Bot, text: str, key: str) -> None:
    chat = Chat(bot, 8102, "en")
    await chat.send(text)
    assert chat.texts() == [chat.t(key)]
    assert chat.last.handler.startswith("smalltalk:")
    async with bot.uow() as uow:
        assert await uow.faq_gaps.most_frequent() == []


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_yes_typed_where_buttons_are_shown_asks_again_with_a_hint(
    bot: Bot, lang: Language
) -> None:
    chat = Chat(bot, 8103, lang)
    await chat.command("start")
    await chat.tap(chat.label("menu.eligibility"))
    question = chat.last.replies[-1]
    await chat.send("ja" if lang == "nl" else "yes")
    assert chat.texts()[:2] == [chat.t("smalltalk.use_buttons"), chat.t("start.resume")]
    assert chat.last.replies[-1] == question
    await chat.send("nee" if lang == "nl" else "no")
    assert chat.last.replies[-1] == question


async def test_yes_with_nothing_asked_shows_the_menu(bot: Bot) -> None:
    chat = Chat(bot, 8104, "en")
    await chat.send("yes")
    assert chat.texts() == [chat.t("smalltalk.nothing_asked")]
    assert chat.label("menu.eligibility") in chat.labels()


async def test_menu_typed_in_a_flow_shows_the_menu_then_the_question(bot: Bot) -> None:
    chat = Chat(bot, 8105, "en")
    await chat.command("start")
    await chat.tap(chat.label("menu.eligibility"))
    question = chat.last.replies[-1]
    await chat.send("menu")
    assert chat.texts()[0] == chat.t("menu.title")
    assert chat.last.replies[-1] == question
