"""The route decides the visit, end to end in both languages: an EU citizen books without an IND
step, an ICT worker with one, a researcher's host is found only in the research register, and a
start-up founder's partner books without being asked for an employer."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from bot.app import Runtime
from bot.dialogs.callbacks import FlowAnswer
from fakebotapi import FakeBotApi
from tests.e2e.conftest import Chat
from tests.e2e.test_booking import book_first_free, day_buttons, t

pytestmark = pytest.mark.e2e
LANGS = ["en", "nl"]


async def answer(chat: Chat, lang: str, *keys: str) -> None:
    """Opens the check and taps the answers (option keys, or a municipality by name)."""
    await chat.send("/start")
    await chat.tap(t(lang, "menu.eligibility"))
    for key in keys:
        await chat.tap(key if key[0].isupper() else t(lang, f"eligibility.options.{key}"))


def weekdays(chat: Chat) -> set[int]:
    """The weekdays (0 = Monday) of the bookable days in the calendar on screen."""
    calendar = chat.last
    month = [line for line in calendar.content.splitlines() if line]
    assert month, chat.transcript()
    found: set[int] = set()
    for row in calendar.inline_keyboard or []:
        for column, button in enumerate(row):
            if button.text in day_buttons(calendar):
                found.add(column)
    return found


@pytest.mark.parametrize("lang", LANGS)
async def test_an_eu_citizen_books_without_an_ind_step(
    fake: FakeBotApi, bot: Runtime, lang: str
) -> None:
    chat = Chat(fake, fake.add_user(6001 + (lang == "nl"), "Lena", lang))
    await answer(chat, lang, "nationality.eu", "eu_route.eu_employee", "yes_no.yes", "Heerlen",
                 "sponsor.yes", "family.none")  # fmt: skip
    result = chat.last.content
    assert t(lang, "eligibility.outcomes.one_stop_eu.title") in result
    assert t(lang, "booking.steps.ind") not in result
    await chat.tap(t(lang, "eligibility.book"))
    assert not weekdays(chat) <= {1, 3, 4}, "no Tue/Thu/Fri limit without the IND step"
    replies = await book_first_free(chat, lang)
    text = "\n".join(reply.content for reply in replies)
    assert t(lang, "booking.steps.municipality") in text
    assert t(lang, "booking.steps.advice") in text
    assert t(lang, "booking.steps.ind") not in text
    assert t(lang, "booking.checklist.ind_letter") not in text
    assert t(lang, "booking.checklist.birth_certificate_eu") in text


@pytest.mark.parametrize("lang", LANGS)
async def test_an_ict_worker_books_with_the_ind_step(
    fake: FakeBotApi, bot: Runtime, lang: str
) -> None:
    chat = Chat(fake, fake.add_user(6011 + (lang == "nl"), "Kenji", lang))
    await answer(chat, lang, "nationality.other", "route.ict", "yes_no.yes", "Maastricht",
                 "yes_no.no", "sponsor.yes", "family.none")  # fmt: skip
    result = chat.last.content
    assert t(lang, "eligibility.outcomes.one_stop.title") in result
    assert t(lang, "eligibility.notes.ict_twv_desks") in result  # the open point, said
    await chat.tap(t(lang, "eligibility.book"))
    assert weekdays(chat) <= {1, 3, 4}  # the IND desk's Tuesday, Thursday and Friday
    replies = await book_first_free(chat, lang)
    text = "\n".join(reply.content for reply in replies)
    assert t(lang, "booking.steps.ind") in text
    assert t(lang, "booking.checklist.ind_letter") in text


@pytest.mark.parametrize("lang", LANGS)
async def test_a_researchers_host_is_found_only_in_the_research_register(
    fake: FakeBotApi, bot: Runtime, lang: str
) -> None:
    chat = Chat(fake, fake.add_user(6021 + (lang == "nl"), "Wei", lang))
    await answer(chat, lang, "nationality.other", "route.researcher", "yes_no.yes", "Maastricht",
                 "yes_no.no", "sponsor.unknown")  # fmt: skip
    [work_only] = await chat.send("10000002")  # a work sponsor, not a research host
    assert "10000002" in work_only.content
    assert t(lang, "eligibility.kvk.categories.research") in work_only.content
    [short] = await chat.send("x")
    assert short.content == t(lang, "eligibility.kvk.too_short")
    [long] = await chat.send("lab " * 2500)
    assert t(lang, "eligibility.kvk.too_long", limit=100) == long.content
    [choices] = await chat.send("university lab")
    assert "Demo University Lab (sample)" in choices.buttons()
    assert "Demo Semiconductor BV (sample)" not in choices.buttons()
    replies = await chat.tap("Demo University Lab (sample)")
    assert t(lang, "eligibility.kvk.categories.research") in replies[0].content
    await chat.tap(t(lang, "eligibility.options.family.none"))
    result = chat.last.content
    assert t(lang, "eligibility.outcomes.one_stop.title") in result
    assert "Demo University Lab (sample) (10000004)" in result


@pytest.mark.parametrize("lang", LANGS)
async def test_a_start_up_founders_partner_books(fake: FakeBotApi, bot: Runtime, lang: str) -> None:
    chat = Chat(fake, fake.add_user(6031 + (lang == "nl"), "Amaru", lang))
    await answer(chat, lang, "nationality.other", "route.family", "route.startup", "yes_no.yes",
                 "Maastricht", "yes_no.no")  # fmt: skip
    assert t(lang, "eligibility.questions.family") in chat.last.content  # no employer asked
    await chat.tap(t(lang, "eligibility.options.family.partner"))
    result = chat.last.content
    assert t(lang, "eligibility.outcomes.one_stop.title") in result
    assert t(lang, "eligibility.questions.sponsor") not in chat.transcript()
    await chat.tap(t(lang, "eligibility.book"))
    replies = await book_first_free(chat, lang)
    text = "\n".join(reply.content for reply in replies)
    assert t(lang, "booking.steps.ind") in text
    assert t(lang, "booking.checklist.marriage_certificate") in text


@pytest.mark.parametrize("lang", LANGS)
async def test_typed_answers_and_forged_buttons_change_nothing(
    fake: FakeBotApi, bot: Runtime, lang: str
) -> None:
    chat = Chat(fake, fake.add_user(6041 + (lang == "nl"), "Noor", lang))
    await answer(chat, lang, "nationality.other")
    question = chat.last
    replies = await chat.send("ja" if lang == "nl" else "yes")
    assert replies[0].content == t(lang, "smalltalk.use_buttons")
    assert replies[-1].buttons() == question.buttons()
    await chat.tap(t(lang, "eligibility.options.route.hsm"))
    for forged in [
        FlowAnswer("elig", "stay_long", "maybe"),  # not an option
        FlowAnswer("elig", "nationality", "eu"),  # a stale step
        FlowAnswer("elig", "kvk", "10000004"),  # a register answer at another step
    ]:
        tap = await fake.forge_tap(chat.user, chat.last, forged.pack())
        await fake.wait_for_callback_answer(tap)
        await fake.wait_until_idle()
    async with bot.database.engine.connect() as conn:
        step, answers = (
            await conn.execute(
                text("SELECT step, answers FROM dialogs WHERE chat_id = :chat"),
                {"chat": chat.user.id},
            )
        ).one()
    assert step == "stay_long"
    stored = answers if isinstance(answers, dict) else json.loads(answers)
    assert stored == {"nationality": "other", "route": "hsm"}
