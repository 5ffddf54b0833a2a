"""A family of three pre-registers end to end, with corrections, interruptions and a restart."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, date, datetime
from typing import Literal

import pytest

from bot.app import Runtime, build_runtime, running
from bot.dialogs.callbacks import FlowAnswer
from bot.domain.countries import country_name
from bot.domain.prereg_fields import FIELDS, fields_for
from bot.storage.unit_of_work import SqlUnitOfWork
from fakebotapi import FakeBotApi
from tests.e2e.conftest import Chat, bot_settings
from tests.e2e.db_checks import audit_trail, capacity_in_use, tables_with_rows
from tests.e2e.prereg_answers import FAMILY, MAIN, ZOE, asked
from tests.e2e.stored import active_booking
from tests.e2e.test_booking import become_eligible, book_first_free, t

pytestmark = pytest.mark.e2e
STAFF_CHAT = -100777
ADMIN = 9700
Lang = Literal["en", "nl"]
NOW_E2E = datetime.now(UTC)


INPUTS = {"count": 0}  # every message typed or button tapped while answering the form


async def answer(chat: Chat, lang: Lang, key: str, how: str, value: str, person: int) -> None:
    """Gives one answer the way a person would: typing, tapping or typing a country's name."""
    INPUTS["count"] += 1
    if person > 0 and FIELDS[key].household:
        await chat.tap(t(lang, "prereg.same_household", name=ZOE))
    elif how == "type":
        await chat.send(value)
    elif how == "today":
        await chat.send(date.today().strftime("%d-%m-%Y"))
    elif how == "choice":
        await chat.tap(t(lang, f"prereg_fields.{key}.choices.{value}"))
    elif how == "tap":
        await chat.tap(value)
    elif how == "skip":
        await chat.tap(t(lang, "prereg.skip"))
    elif how in ("country", "countries"):
        await chat.send(country_name(value, lang))  # an exact name is taken without a tap


def shown(lang: Lang, key: str, **params: object) -> str:
    """A text as the user sees it: the HTML tags rendered away."""
    return html.unescape(re.sub(r"<[^>]+>", "", t(lang, key, **params)))


def question(lang: Lang, key: str) -> str:
    return shown(lang, f"prereg_fields.{key}.question").split("\n")[0][:40]


async def start_bot(fake: FakeBotApi, database_url: str) -> Runtime:
    settings = bot_settings(
        fake, database_url, staff_chat_id=STAFF_CHAT, admin_user_ids=(ADMIN,), pdok_url=""
    )
    return build_runtime(settings)


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_a_family_of_three_pre_registers_with_corrections_and_a_restart(
    fake: FakeBotApi, database_url: str, lang: Lang
) -> None:
    other: Lang = "nl" if lang == "en" else "en"
    chat = Chat(fake, fake.add_user(6101, "Zoë", lang))
    runtime = await start_bot(fake, database_url)
    async with running(runtime, "polling"):
        await become_eligible(chat, lang)
        await chat.tap(t(lang, "eligibility.book"))
        await chat.tap("1")  # one child: a family of three
        await book_first_free(chat, lang)
        INPUTS["count"] = 2  # the Pre-register button and the consent
        [consent] = await chat.tap(t(lang, "prereg.button_start"))
        assert shown(lang, "prereg.consent", days=30)[:60] in consent.content
        async with SqlUnitOfWork(runtime.database) as uow:  # nothing before consent
            assert await uow.prereg.for_user(chat.user.id) == []
        await chat.tap(t(lang, "prereg.consent_yes"))

        main_fields = [f.key for f in fields_for("main")]
        for key in main_fields[: main_fields.index("postcode")]:
            assert question(lang, key) in chat.last.content, (key, chat.last.content)
            how, value = MAIN[key]
            if key == "birth_date":  # a date that does not exist is refused, then corrected
                [problem, again] = await chat.send("31-02-1990")
                assert question(lang, key) in again.content
                assert problem.content != again.content
            if key == "document_number":  # a question in the middle is answered, then resumed
                replies = await chat.send(
                    "what is a BSN number?" if lang == "en" else "wat is een BSN nummer?"
                )
                assert "BSN" in replies[0].content
                assert question(lang, key) in replies[-1].content
            await answer(chat, lang, key, how, value, 0)
            if key == "birth_place":  # Back to the previous answer and change it
                await chat.tap(t(lang, "prereg.back"))
                assert question(lang, "birth_place") in chat.last.content
                assert "Tromsø" in chat.last.content
                await chat.send("Bergen")

    # A restart in the middle: a new process continues at the same question.
    runtime = await start_bot(fake, database_url)
    async with running(runtime, "polling"):
        assert question(lang, "postcode") in chat.last.content
        await chat.send("/language")  # switching language resumes at the same field
        await chat.tap("🇳🇱 Nederlands" if other == "nl" else "🇬🇧 English")
        assert question(other, "postcode") in chat.last.content
        await chat.send("/language")
        await chat.tap("🇳🇱 Nederlands" if lang == "nl" else "🇬🇧 English")
        # Stop for now and come back later through My appointment: the same question.
        await chat.tap(t(lang, "prereg.pause"))
        await chat.send("/menu")
        await chat.tap(t(lang, "menu_more.mine"))
        await chat.tap(t(lang, "prereg.button_continue"))
        assert question(lang, "postcode") in chat.last.content
        for key in main_fields[main_fields.index("postcode") :]:
            if not asked(0, key):
                continue
            assert question(lang, key) in chat.last.content, (key, chat.last.content)
            if key == "housing":  # a forged municipality outside the served area is refused
                venlo = FlowAnswer("prereg", "0.municipality", "venlo").pack()
                tap = await fake.forge_tap(chat.user, chat.last, venlo)
                await fake.wait_for_callback_answer(tap, timeout=20)
                await fake.wait_until_idle(timeout=20)
                assert question(lang, key) in chat.last.content
                async with SqlUnitOfWork(runtime.database) as uow:
                    form = await uow.prereg.get(await _booking_id(runtime, chat.user.id))
                assert form is not None and form.persons[0].answers["municipality"] == "maastricht"
            await answer(chat, lang, key, *MAIN[key], 0)

        for index, (role, answers) in enumerate(FAMILY[1:], start=1):
            for field in fields_for(role):
                if not asked(index, field.key):
                    continue
                assert question(lang, field.key) in chat.last.content, (role, field.key)
                await answer(chat, lang, field.key, *answers[field.key], index)

        # The review shows everything; change the partner's document number there.
        review = chat.last
        assert t(lang, "prereg.submit") in review.buttons()
        transcript = chat.transcript()
        assert "Bergen" in transcript and "李小龙" in transcript and "O'Brien" in transcript
        await chat.tap(t(lang, "prereg.edit_person", name="Seán O'Brien"))
        await chat.tap(t(lang, "prereg_fields.document_number.label"))
        await chat.send("pb 000 111")
        assert t(lang, "prereg.submit") in chat.last.buttons()
        assert "PB000111" in chat.transcript()
        replies = await chat.tap(t(lang, "prereg.submit"))
        INPUTS["count"] += 1  # corrections, the question and the detours above are not counted
        # Issue 15: 70 inputs before (83 as first tried); the aim is 40.
        assert INPUTS["count"] <= 48, INPUTS["count"]
        assert replies[0].content == shown(lang, "prereg.submitted")
        assert shown(lang, "prereg.checklist_title") in replies[1].content

        async with SqlUnitOfWork(runtime.database) as uow:
            form = await uow.prereg.get(await _booking_id(runtime, chat.user.id))
        assert form is not None and form.complete

        # My appointment says so.
        await chat.send("/menu")
        [mine] = await chat.tap(t(lang, "menu_more.mine"))
        assert shown(lang, "prereg.status_complete") in mine.content

        # Staff: the agenda marks it complete and the CSV for the municipality desk has the family.
        admin = fake.add_user(ADMIN, "Anna", lang)
        group = fake.add_group(STAFF_CHAT, "Desk staff", members={ADMIN: "administrator"})
        booked_day = await _booked_day(runtime, chat.user.id)
        await fake.send_text(admin, f"/agenda {booked_day.isoformat()}", chat=group)
        agenda = await fake.wait_for_bot_message(group)
        assert t(lang, "staff.prereg_done") in agenda.content
        assert t(lang, "staff.prereg_unchecked") in agenda.content  # PDOK is not reachable here
        await fake.send_text(admin, f"/prereg_csv {booked_day.isoformat()}", chat=group)
        sent = await fake.wait_for_bot_message(group, predicate=lambda m: m.document is not None)
        assert sent.document is not None
        rows = list(csv.reader(io.StringIO(sent.document.data.decode("utf-8-sig"))))
        assert len(rows) == 4  # a header and three people
        flat = " ".join(" ".join(r) for r in rows)
        assert "Ødegaard" in flat and "李小龙" in flat and "PB000111" in flat
        reference = (await active_booking(runtime.database, chat.user.id)).reference
        await fake.send_text(admin, f"/prereg {reference.lower()}", chat=group)
        await fake.wait_until_idle(timeout=20)
        shown_to_staff = " ".join(m.content for m in fake.chat_messages(group)[-4:])
        assert "李小龙" in shown_to_staff and "PB000111" in shown_to_staff
        audit = [(action, actor) for actor, action, _ in await audit_trail(runtime.database)]
        assert ("prereg_csv", ADMIN) in audit and ("prereg_view", ADMIN) in audit

        # /mydata shows it to the user; /delete erases it and frees the places.
        replies = await chat.send("/mydata")
        assert "Ødegaard" in replies[0].content
        files = [m for m in replies if m.document is not None]
        assert files and b"XK9912345" in files[0].document.data  # type: ignore[union-attr]
        await chat.send("/delete")
        [done] = await chat.tap(t(lang, "privacy.delete_yes"))
        assert done.content == shown(lang, "privacy.deleted", bookings=1)
        personal = ("bookings", "preregistrations", "eligibility_results", "recent_messages")
        assert await tables_with_rows(runtime.database, *personal) == []
        assert await capacity_in_use(runtime.database) == 0
        await fake.wait_until_idle(timeout=20)


async def _booking_id(runtime: Runtime, user_id: int) -> int:
    return (await active_booking(runtime.database, user_id)).id


async def _booked_day(runtime: Runtime, user_id: int) -> date:
    return (await active_booking(runtime.database, user_id)).day


async def test_a_hire_finds_what_hr_entered_already_in_the_form(
    fake: FakeBotApi, database_url: str
) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.domain.hires import HireDraft
    from bot.domain.invites import new_token, token_hash

    runtime = await start_bot(fake, database_url)
    async with running(runtime, "polling"):
        token, now = new_token(), datetime.now(UTC)
        async with SqlUnitOfWork(runtime.database) as uow:
            await uow.hires.create(
                HireDraft(
                    "Zoë Ødegaard",
                    "zoe@example.org",
                    "+31612345678",
                    (now + timedelta(days=20)).date(),
                    "hsm",
                    "maastricht",
                    0,
                    "en",
                ),
                kvk="10000001",
                created_by=7,
                token_hash=token_hash(token),
                expires_at=now + timedelta(days=30),
                now=now,
            )
            await uow.commit()
        chat = Chat(fake, fake.add_user(6102, "Zoë", "en"))
        await chat.send(f"/start {token}")
        await chat.tap(t("en", "hr.invite.all_correct"))
        await chat.tap(t("en", "eligibility.book"))
        await book_first_free(chat, "en")
        await chat.tap(t("en", "prereg.button_start"))
        await chat.tap(t("en", "prereg.consent_yes"))
        async with SqlUnitOfWork(runtime.database) as uow:
            form = await uow.prereg.get(await _booking_id(runtime, chat.user.id))
        assert form is not None
        answers = form.persons[0].answers
        assert answers["email"] == "zoe@example.org" and answers["phone"] == "+31612345678"
        assert answers["municipality"] == "maastricht"
        assert "surname" not in answers  # HR's one name field is not split into passport names
        await fake.wait_until_idle(timeout=20)


async def test_moving_past_a_documents_expiry_reopens_that_question(
    fake: FakeBotApi, database_url: str
) -> None:
    from bot.domain.prereg import Person

    runtime = await start_bot(fake, database_url)
    async with running(runtime, "polling"):
        chat = Chat(fake, fake.add_user(6103, "Ana", "nl"))
        await become_eligible(chat, "nl", family="none")
        await chat.tap(t("nl", "eligibility.book"))
        await book_first_free(chat, "nl")
        booking_id, day = await _booking_id(runtime, 6103), await _booked_day(runtime, 6103)
        async with SqlUnitOfWork(runtime.database) as uow:
            answers = {"given_names": "Ana", "document_expiry": day.isoformat()}
            form = await uow.prereg.create(booking_id, 6103, [Person("main", answers)], NOW_E2E)
            await uow.prereg.save(form.submitted(NOW_E2E), NOW_E2E)
            await uow.commit()
        await chat.tap(t("nl", "menu_more.mine"))
        await chat.tap(t("nl", "booking.mine.reschedule"))
        replies = await book_first_free(chat, "nl", day_index=1)
        assert any(
            shown("nl", "prereg.document_expires", names="Ana") in m.content for m in replies
        )
        async with SqlUnitOfWork(runtime.database) as uow:
            form = await uow.prereg.get(booking_id)
        assert form is not None and not form.complete
        assert "document_expiry" not in form.persons[0].answers
        await fake.wait_until_idle(timeout=20)
