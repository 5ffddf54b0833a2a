"""A newcomer meets the bot in their language and can switch at any moment."""

from __future__ import annotations

import logging

import pytest

from bot.app import Runtime
from bot.dialogs.callbacks import FaqEntry, FlowAnswer
from bot.dialogs.router import COMMANDS
from bot.storage.unit_of_work import SqlUnitOfWork
from fakebotapi import FakeBotApi
from tests.e2e.conftest import Chat
from tests.e2e.db_checks import table_gone
from tests.e2e.stored import dialog_of

pytestmark = pytest.mark.e2e


async def test_a_dutch_user_is_greeted_in_dutch(fake: FakeBotApi, bot: Runtime) -> None:
    chat = Chat(fake, fake.add_user(2001, "Sanne", "nl-NL"))
    [welcome] = await chat.send("/start")
    assert welcome.content.startswith("Hallo Sanne!")
    assert "✅ Kan ik naar de one-stop shop?" in welcome.buttons()


async def test_an_english_user_is_greeted_in_english(fake: FakeBotApi, bot: Runtime) -> None:
    chat = Chat(fake, fake.add_user(2002, "Priya", "en"))
    [welcome] = await chat.send("/start")
    assert welcome.content.startswith("Hello Priya!")
    assert "✅ Can I use the one-stop shop?" in welcome.buttons()


async def test_other_languages_get_english(fake: FakeBotApi, bot: Runtime) -> None:
    chat = Chat(fake, fake.add_user(2003, "Wei", "zh-hans"))
    [welcome] = await chat.send("/start")
    assert welcome.content.startswith("Hello Wei!")


async def test_the_menu_button_switches_language_and_it_is_remembered(
    fake: FakeBotApi, bot: Runtime
) -> None:
    chat = Chat(fake, fake.add_user(2004, "Tom", "en"))
    await chat.send("/start")
    [changed] = await chat.tap("🌐 Nederlands")
    assert changed.content == "Vanaf nu spreek ik Nederlands."
    [welcome] = await chat.send("/start")
    assert welcome.content.startswith("Hallo Tom!")


async def test_switching_language_mid_flow_continues_at_the_same_step(
    fake: FakeBotApi, bot: Runtime
) -> None:
    chat = Chat(fake, fake.add_user(2005, "Ana", "en"))
    await chat.send("/start")
    await chat.tap("✅ Can I use the one-stop shop?")
    await chat.tap("Another nationality")
    await chat.tap("Highly skilled migrant")
    [question] = await chat.send("/language") and [chat.last]
    assert "Nederlands" in " ".join(question.buttons())
    replies = await chat.tap("🇳🇱 Nederlands")
    texts = [m.content for m in replies]
    assert texts[0] == "Vanaf nu spreek ik Nederlands."
    assert texts[1] == "We gaan verder waar je was:"
    assert "Blijf je langer dan 4 maanden" in texts[2]
    assert replies[2].buttons() == ["Ja", "Nee", "◀ Terug"]
    # The flow goes on in Dutch from the same answers.
    [municipality] = await chat.tap("Ja")
    assert "Waar ga je wonen?" in municipality.content


async def test_help_and_start_resume_the_flow_and_cancel_ends_it(
    fake: FakeBotApi, bot: Runtime
) -> None:
    chat = Chat(fake, fake.add_user(2006, "Ben", "en"))
    await chat.send("/start")
    await chat.tap("✅ Can I use the one-stop shop?")
    await chat.tap("Another nationality")
    await chat.tap("Researcher (EU Directive 2016/801)")
    help_replies = await chat.send("/help")
    assert "How I work" in help_replies[0].content
    assert "Question 3" in help_replies[-1].content
    start_replies = await chat.send("/start")
    assert start_replies[0].content.startswith("Welcome back, Ben")
    assert "Question 3" in start_replies[-1].content
    [cancelled] = await chat.send("/cancel")
    assert cancelled.content == "Stopped. Nothing of that was kept."
    [nothing] = await chat.send("/cancel")
    assert nothing.content == "There is nothing to stop."
    dialog = await dialog_of(bot.database, 2006)
    assert dialog.flow is None and dialog.answers == {}


async def test_commands_are_registered_in_both_languages(fake: FakeBotApi, bot: Runtime) -> None:
    dutch = dict(fake.commands(language_code="nl"))
    english = dict(fake.commands(language_code="en"))
    assert set(dutch) == set(english) == set(COMMANDS)
    assert {"start", "menu", "help", "language", "human", "cancel", "mydata", "delete"} <= set(
        dutch
    )
    assert dutch["cancel"] == "Stop waar je mee bezig bent"
    assert english["cancel"] == "Stop what you are doing"
    assert dict(fake.commands()) == english


async def test_stale_and_forged_buttons_change_nothing(fake: FakeBotApi, bot: Runtime) -> None:
    chat = Chat(fake, fake.add_user(2007, "Eve", "en"))
    await chat.send("/start")
    await chat.tap("✅ Can I use the one-stop shop?")
    await chat.tap("Another nationality")
    await chat.tap("Highly skilled migrant")
    old_prompt = chat.with_button("Yes")
    await chat.send("/help")  # shows question 3 again; the old prompt keeps its buttons
    await chat.tap("Yes")
    # The old prompt's button is stale now: refused, and the current step is shown again.
    replies = await chat.tap("No", old_prompt)
    assert fake.callback_answers[-1].text == "That button is no longer active."
    assert "Question 4" in replies[-1].content
    for forged in [
        FlowAnswer("elig", "municipality", "atlantis").pack(),
        "f:elig:municipality",
        FlowAnswer("zzz", "a", "b").pack(),
        "m:nope",
        FaqEntry("no-such-entry").pack(),
        "v:x",
        "m:menu\nupdate id=1 kind=forged",
        "f:elig:municipality:maastricht\n",
    ]:
        tap = await fake.forge_tap(chat.user, chat.last, forged)
        answer = await fake.wait_for_callback_answer(tap)
        assert answer.text == "That button is no longer active.", forged
        await fake.wait_until_idle()
    dialog = await dialog_of(bot.database, 2007)
    assert dialog.step == "municipality" and "municipality" not in dialog.answers


async def test_user_text_is_never_rendered_as_html(fake: FakeBotApi, bot: Runtime) -> None:
    chat = Chat(fake, fake.add_user(2008, "<b>Bob</b> & <i>co", "en"))
    [welcome] = await chat.send("/start")
    assert welcome.content.startswith("Hello <b>Bob</b> & <i>co!")
    replies = await chat.send("<script>alert(1)</script> what is a <b>BSN</b>?")
    assert replies, "the bot must answer"
    huge = await chat.send("x" * 4000)
    assert "too long" in huge[0].content


async def test_control_characters_in_text_are_dropped_at_the_door(
    fake: FakeBotApi, bot: Runtime
) -> None:
    chat = Chat(fake, fake.add_user(2009, "Nul\x00l", "en"))
    await chat.send("/start")
    # PostgreSQL refuses U+0000 in text: the unanswered question must still be kept, clean.
    [answer] = await chat.send("may my\x00 canary\x07 come\x1b along?\nplease\tnow")
    assert "Sorry, something went wrong" not in answer.content
    async with SqlUnitOfWork(bot.database) as uow:
        [(gap, _, _)] = await uow.faq_gaps.most_frequent()
    assert gap == "may my canary come along?\nplease\tnow"


async def test_a_failing_handler_apologises_and_the_bot_keeps_serving(
    fake: FakeBotApi, bot: Runtime
) -> None:
    chat = Chat(fake, fake.add_user(2009, "Noor", "nl"))
    await chat.send("/start")
    async with table_gone(bot.database, "dialogs"):
        [apology] = await chat.send("/help")
        assert apology.content == "Sorry, er ging bij mij iets mis. Probeer het zo nog eens."
    [help_text] = await chat.send("/help")
    assert "Zo werk ik" in help_text.content


async def test_one_log_line_per_update_without_message_text(
    fake: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    chat = Chat(fake, fake.add_user(2010, "Lars", "en"))
    with caplog.at_level(logging.INFO, logger="bot.updates"):
        await chat.send("/start")
        await chat.send("my secret passport number is X1234567")
        # A newline in callback data cannot write a line of its own into the log.
        tap = await fake.forge_tap(chat.user, chat.last, "m\nupdate id=1 kind=forged")
        await fake.wait_for_callback_answer(tap)
        await fake.wait_until_idle()
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.updates"]
    assert len(lines) == 3 and not any("\n" in line or "forged" in line for line in lines)
    assert "handler=button:stale" in lines[2]
    assert all(
        "kind=" in line and "handler=" in line and "duration_ms=" in line and "outcome=ok" in line
        for line in lines
    )
    assert "handler=command:start" in lines[0] and "handler=question" in lines[1]
    assert not any("X1234567" in r.getMessage() for r in caplog.records)
