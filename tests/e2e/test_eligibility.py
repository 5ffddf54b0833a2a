"""The eligibility check and free-text questions, end to end in both languages."""

from __future__ import annotations

import asyncio
import sys

import pytest

from bot.app import Runtime
from bot.content.catalog import Catalog
from bot.dialogs.eligibility import OPTION_GROUPS
from fakebotapi import FakeBotApi
from tests.conftest import CONTENT, REPO
from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e
CATALOG = Catalog.load(CONTENT)


def label(lang: str, question: str, value: str) -> str:
    """The button label for an answer, as the user sees it."""
    if question == "municipality":
        if value in ("limburg", "elsewhere"):
            return CATALOG.plain(lang, f"eligibility.options.municipality.{value}")  # type: ignore[arg-type]
        return {
            "maastricht": "Maastricht",
            "heerlen": "Heerlen",
            "sittard_geleen": "Sittard-Geleen",
        }[value]
    if question == "kvk":
        return CATALOG.plain(lang, "eligibility.kvk.dont_know")  # type: ignore[arg-type]
    return CATALOG.plain(lang, f"eligibility.options.{OPTION_GROUPS[question]}.{value}")  # type: ignore[arg-type]


EXPAT = [("nationality", "other"), ("route", "hsm"), ("stay_long", "yes")]
PATHS = {
    "one_stop": [
        *EXPAT,
        ("municipality", "maastricht"),
        ("brp_registered", "no"),
        ("sponsor", "yes"),
        ("family", "partner"),
    ],
    "one_stop_eu": [
        ("nationality", "eu"),
        ("eu_route", "eu_employee"),
        ("stay_long", "yes"),
        ("municipality", "heerlen"),
        ("sponsor", "yes"),
        ("family", "none"),
    ],
    "brp_dutch_caribbean": [
        ("nationality", "dutch"),
        ("dutch_from", "caribbean"),
        ("stay_long", "yes"),
        ("municipality", "maastricht"),
        ("family", "none"),
    ],
    "eu_regular": [
        ("nationality", "eu"),
        ("eu_route", "eu_employee"),
        ("stay_long", "yes"),
        ("municipality", "maastricht"),
        ("sponsor", "no"),
    ],
    "register_own_municipality": [
        ("nationality", "eu"),
        ("eu_route", "eu_other"),
        ("stay_long", "yes"),
        ("municipality", "maastricht"),
    ],
    "mic_planner": [*EXPAT, ("municipality", "limburg")],
    "service_point_route": [
        ("nationality", "other"),
        ("route", "other"),
        ("stay_long", "yes"),
        ("municipality", "heerlen"),
    ],
    "service_point_student": [
        ("nationality", "other"),
        ("route", "student"),
        ("stay_long", "yes"),
        ("municipality", "sittard_geleen"),
    ],
    "service_point_blue_card": [
        ("nationality", "other"),
        ("route", "blue_card"),
        ("stay_long", "yes"),
        ("municipality", "maastricht"),
    ],
    "service_point_sponsor": [
        *EXPAT,
        ("municipality", "maastricht"),
        ("brp_registered", "no"),
        ("sponsor", "no"),
    ],
    "service_point_sponsor_turkish": [
        ("nationality", "turkish"),
        ("route", "hsm"),
        ("stay_long", "yes"),
        ("municipality", "maastricht"),
        ("brp_registered", "no"),
        ("sponsor", "no"),
    ],
    "sponsor_unconfirmed": [
        *EXPAT,
        ("municipality", "maastricht"),
        ("brp_registered", "no"),
        ("sponsor", "unknown"),
        ("kvk", "unknown"),
    ],
    "ind_desk_elsewhere": [
        ("nationality", "other"),
        ("route", "startup"),
        ("stay_long", "yes"),
        ("municipality", "elsewhere"),
    ],
    "rni_non_eu": [("nationality", "other"), ("route", "startup"), ("stay_long", "no")],
    "rni_eu": [("nationality", "eu"), ("eu_route", "eu_employee"), ("stay_long", "no")],
    "neither_investor": [
        ("nationality", "other"),
        ("route", "investor"),
        ("investor_existing", "no"),
    ],
}


DECIDING = {
    "one_stop": ("sponsor", "yes"),
    "one_stop_eu": ("nationality", "eu"),
    "brp_dutch_caribbean": ("dutch_from", "caribbean"),
    "eu_regular": ("sponsor", "no"),
    "register_own_municipality": ("eu_route", "eu_other"),
    "mic_planner": ("municipality", "limburg"),
    "service_point_route": ("route", "other"),
    "service_point_student": ("route", "student"),
    "service_point_blue_card": ("route", "blue_card"),
    "service_point_sponsor": ("sponsor", "no"),
    "service_point_sponsor_turkish": ("nationality", "turkish"),
    "sponsor_unconfirmed": ("kvk", "unknown"),
    "ind_desk_elsewhere": ("municipality", "elsewhere"),
    "rni_non_eu": ("stay_long", "no"),
    "rni_eu": ("stay_long", "no"),
    "neither_investor": ("investor_existing", "no"),
}


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("outcome", sorted(PATHS))
async def test_every_outcome_is_reachable_in_both_languages(
    fake: FakeBotApi, bot: Runtime, lang: str, outcome: str
) -> None:
    user = 4000 + sorted(PATHS).index(outcome) * 2 + (lang == "nl")
    chat = Chat(fake, fake.add_user(user, "Sam", lang))
    await chat.send("/start")
    await chat.tap(CATALOG.plain(lang, "menu.eligibility"))  # type: ignore[arg-type]
    for question, value in PATHS[outcome]:
        await chat.tap(label(lang, question, value))
    result = chat.last.content
    title = CATALOG.plain(lang, f"eligibility.outcomes.{outcome}.title")  # type: ignore[arg-type]
    assert title in result, chat.transcript()
    assert ("Why:" if lang == "en" else "Waarom:") in result
    question, value = DECIDING[outcome]
    named = CATALOG.plain(lang, f"eligibility.answer_labels.{question}")  # type: ignore[arg-type]
    assert f"{named}: {label(lang, question, value)}" in result  # the deciding answer is named
    assert "https://" in result and ("checked" if lang == "en" else "gecontroleerd") in result
    assert CATALOG.plain(lang, "eligibility.restart") in chat.last.buttons()  # type: ignore[arg-type]


async def test_back_goes_to_the_previous_question_and_forgets_its_answer(
    fake: FakeBotApi, bot: Runtime
) -> None:
    chat = Chat(fake, fake.add_user(4101, "Ida", "en"))
    await chat.send("/start")
    await chat.tap("✅ Can I use the one-stop shop?")
    await chat.tap("Another nationality")
    await chat.tap("Foreign investor")
    [stay] = await chat.tap("Yes")  # already holds an investor permit
    assert "Question 4" in stay.content
    [again] = await chat.tap("◀ Back")
    assert "foreign investor" in again.content and "Question 3" in again.content
    [back_to_route] = await chat.tap("◀ Back")
    assert "Question 2" in back_to_route.content
    await chat.tap("Student")
    [q2] = [chat.last]
    assert "more than 4 months" in q2.content


async def test_kvk_lookup_names_the_sponsor_and_the_register_date(
    fake: FakeBotApi, bot: Runtime
) -> None:
    chat = Chat(fake, fake.add_user(4102, "Joost", "nl"))
    await chat.send("/start")
    await chat.tap("✅ Kan ik naar de one-stop shop?")
    for answer in ["Een andere nationaliteit", "Kennismigrant", "Ja", "Maastricht", "Nee"]:
        await chat.tap(answer)
    await chat.tap("Weet ik niet")
    assert "KvK-nummer" in chat.last.content
    [invalid] = await chat.send("1234")
    assert "precies 8 cijfers" in invalid.content
    replies = await chat.send("1000 0001")
    assert "Demo Research Institute (sample)" in replies[0].content
    assert "lijst arbeid" in replies[0].content
    assert "zaterdag 28 november 2026" in replies[0].content
    assert "voorbeeldbestand" in replies[1].content
    [outcome] = await chat.tap("Nee, alleen ik")
    assert "Je kunt waarschijnlijk naar de one-stop shop" in outcome.content
    assert "Gevonden in het register: Demo Research Institute (sample) (10000001)" in (
        outcome.content
    )
    assert "Erkend referent: Weet ik niet" not in outcome.content


async def test_unknown_kvk_leads_to_the_service_point(fake: FakeBotApi, bot: Runtime) -> None:
    chat = Chat(fake, fake.add_user(4103, "Omar", "en"))
    await chat.send("/start")
    await chat.tap("✅ Can I use the one-stop shop?")
    for answer in ["Another nationality", "Highly skilled migrant", "Yes", "Maastricht", "No"]:
        await chat.tap(answer)
    await chat.tap("I don't know")
    [missing] = await chat.send("87654321")
    assert "87654321 is not in the work list" in missing.content
    assert "I don't know" in missing.buttons()  # retype, search by name, or give up
    retyped = await chat.send("10000003")
    assert "Demo Health Campus BV (sample)" in retyped[0].content
    await chat.tap("◀ Back")
    await chat.send("87654321")
    await chat.tap("I don't know")
    assert "I could not confirm that your employer" in chat.last.content


@pytest.mark.parametrize(
    ("lang", "amount", "verdict"),
    [
        ("en", "6000", "meets the 2026 threshold of €5,942"),
        ("nl", "4.000,00", "onder de drempel van €4.357"),
    ],
)
async def test_salary_check_uses_the_threshold_of_the_year(
    fake: FakeBotApi, bot: Runtime, lang: str, amount: str, verdict: str
) -> None:
    chat = Chat(fake, fake.add_user(4104 if lang == "en" else 4105, "Lee", lang))
    await chat.send("/start")
    await chat.tap(CATALOG.plain(lang, "menu.eligibility"))  # type: ignore[arg-type]
    await chat.tap(label(lang, "nationality", "other"))
    await chat.tap(label(lang, "route", "hsm"))
    await chat.tap(label(lang, "stay_long", "yes"))
    await chat.tap(label(lang, "municipality", "elsewhere"))
    await chat.tap(CATALOG.plain(lang, "eligibility.salary_offer"))  # type: ignore[arg-type]
    band = "hsm_30plus" if lang == "en" else "hsm_under30"
    await chat.tap(CATALOG.plain(lang, f"eligibility.salary.bands.{band}"))  # type: ignore[arg-type]
    [wrong] = await chat.send("lots 12 of money")
    assert wrong.content == CATALOG.plain(lang, "eligibility.salary.invalid")  # type: ignore[arg-type]
    [result] = await chat.send(amount)
    assert verdict in result.content


async def test_questions_get_answers_with_source_and_date(fake: FakeBotApi, bot: Runtime) -> None:
    chat = Chat(fake, fake.add_user(4106, "Femke", "nl"))
    await chat.send("/start")
    [answer] = await chat.send("waarom heb ik een BSN nodig")
    assert "BSN" in answer.content
    assert "Bron" in answer.content and "gecontroleerd op" in answer.content
    assert answer.buttons()[:2] == ["👍 Nuttig", "👎 Niet nuttig"]
    await chat.tap("👍 Nuttig")
    assert fake.callback_answers[-1].text == "Bedankt voor je reactie!"


async def test_an_english_question_is_answered_in_dutch_for_a_dutch_user(
    fake: FakeBotApi, bot: Runtime
) -> None:
    chat = Chat(fake, fake.add_user(4107, "Daan", "nl"))
    [answer] = await chat.send("what documents do I need to bring for BRP registration")
    assert "Bron" in answer.content


async def test_out_of_domain_questions_are_not_guessed_and_are_recorded(
    fake: FakeBotApi, bot: Runtime, database_url: str
) -> None:
    chat = Chat(fake, fake.add_user(4108, "Ravi", "en"))
    [reply] = await chat.send("what's the weather tomorrow in Maastricht")
    assert reply.content.startswith("Sorry, I don't have a good answer to that.")
    assert reply.buttons() == ["☰ Menu"]
    [again] = await chat.send("what's the weather tomorrow in Maastricht")
    # No staff chat is configured here, so no person is offered (tests/e2e/test_handoff.py has one).
    assert again.content.startswith("Sorry, I don't have a good answer to that.")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "faq-gaps",
        cwd=REPO,
        env={"DATABASE_URL": database_url, "PATH": ""},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    printed = out.decode()
    assert "2  en  what's the weather tomorrow in maastricht" in printed
    assert "4108" not in printed and "Ravi" not in printed


async def test_a_question_mid_flow_is_answered_and_the_flow_resumes(
    fake: FakeBotApi, bot: Runtime
) -> None:
    chat = Chat(fake, fake.add_user(4109, "Lina", "en"))
    await chat.send("/start")
    await chat.tap("✅ Can I use the one-stop shop?")
    await chat.tap("Another nationality")
    await chat.tap("EU Blue Card")
    replies = await chat.send("what documents do I need to bring for BRP registration")
    assert "Source" in replies[0].content
    assert replies[-2].content == "Let's continue where you were:"
    assert "Question 3" in replies[-1].content
    [q4] = await chat.tap("Yes")
    assert "Question 4" in q4.content


async def test_a_vague_question_offers_choices(fake: FakeBotApi, bot: Runtime) -> None:
    chat = Chat(fake, fake.add_user(4110, "Max", "en"))
    [reply] = await chat.send("permit")
    assert reply.content.startswith("I am not sure I understood")
    choices = [b for b in reply.buttons() if b != "☰ Menu"]
    assert 1 <= len(choices) <= 3
    [entry] = await chat.tap(choices[0])
    assert entry.content.startswith(choices[0])
