"""The pre-registration over the in-memory store: fewer inputs, the postcode check, undo, review."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from bot.content.context import AppContext
from bot.dialogs.callbacks import FlowAnswer
from bot.dialogs.ics import booking_calendar
from bot.dialogs.turn import Button
from bot.domain.language import Language
from bot.domain.postcodes import CHECK_KEY, PostcodeArea
from bot.domain.prereg import Person, Preregistration
from tests.unit.test_dialog_flows import NOW, Bot, Chat, active_booking, book

REGISTER = {
    "6211 DW": PostcodeArea("GM0935", "Maastricht"),
    "6411 AB": PostcodeArea("GM0917", "Heerlen"),
}


class FakeRegister:
    """PostcodeLookup: a fixed register, or down."""

    def __init__(self, *, down: bool = False) -> None:
        self.down = down

    async def area(self, postcode: str) -> PostcodeArea | None:
        return None if self.down else REGISTER.get(postcode)


async def form_of(chat: Chat) -> Preregistration:
    async with chat.bot.uow() as uow:
        booking = await uow.bookings.active_for_user(chat.user_id)
        assert booking is not None
        form = await uow.prereg.get(booking.id)
    assert form is not None
    return form


async def start_form(chat: Chat, family: str = "none") -> None:
    await book(chat, family)
    await chat.tap(chat.label("prereg.button_start"))
    await chat.tap(chat.label("prereg.consent_yes"))


async def answer_until_postcode(chat: Chat) -> None:
    await chat.send("Ødegaard")
    await chat.send("Zoë")
    await chat.tap(chat.label("prereg_fields.sex.choices.female"))
    await chat.send("1990-12-03")
    await chat.send("Tromsø")
    await chat.send("Norway")
    await chat.send("Norwegian")
    await chat.tap(chat.label("prereg_fields.civil_status.choices.married"))
    await chat.tap(chat.label("prereg_fields.document_type.choices.passport"))
    await chat.send("XK9912345")
    await chat.send("2031-01-01")


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_countries_are_taken_at_once_with_an_undo_and_the_check_fills_the_municipality(
    ctx: AppContext, lang: Language
) -> None:
    chat = Chat(Bot(replace(ctx, postcodes=FakeRegister())), 7101, lang)
    await start_form(chat)
    prefilled = " ".join(chat.texts())
    assert chat.t("prereg.prefilled") in prefilled and "Maastricht" in prefilled
    for text in ("Ødegaard", "Zoë", None, "1990-12-03", "Tromsø"):
        if text is None:
            await chat.tap(chat.label("prereg_fields.sex.choices.female"))
        else:
            await chat.send(text)
    await chat.send("Holland")  # an alias, taken without a tap
    assert (await form_of(chat)).persons[0].answers["birth_country"] == "NL"
    undo = chat.label("prereg.undo", country="Netherlands" if lang == "en" else "Nederland")
    assert undo in chat.labels()
    await chat.tap(undo)  # wrong: back to the question, the answer gone
    assert "birth_country" not in (await form_of(chat)).persons[0].answers
    assert chat.t("prereg_fields.birth_country.question") in chat.texts()[-1]
    await chat.send("Norway")
    await chat.send("Norwegian" if lang == "en" else "Noors")
    assert (await form_of(chat)).persons[0].answers["nationalities"] == ["NO"]
    await chat.tap(chat.label("prereg.nationality_more"))
    await chat.send("Irish" if lang == "en" else "Iers")
    assert (await form_of(chat)).persons[0].answers["nationalities"] == ["NO", "IE"]
    await chat.tap(chat.label("prereg_fields.civil_status.choices.married"))
    await chat.tap(chat.label("prereg_fields.document_type.choices.passport"))
    await chat.send("XK9912345")
    await chat.send("2031-01-01")
    await chat.send("6211 dw 10a")  # postcode and house number in one message
    answers = (await form_of(chat)).persons[0].answers
    assert answers["postcode"] == "6211 DW" and answers["house_number"] == "10 A"
    assert answers["municipality"] == "maastricht" and answers[CHECK_KEY] == "ok"
    assert chat.t("prereg_fields.housing.question") in chat.texts()[-1]


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_a_mismatch_names_the_municipality_found_and_asks_to_confirm_or_correct(
    ctx: AppContext, lang: Language
) -> None:
    chat = Chat(Bot(replace(ctx, postcodes=FakeRegister())), 7102, lang)
    await start_form(chat)
    await answer_until_postcode(chat)
    await chat.send("6411 AB")  # Heerlen, while the check said Maastricht
    assert (
        chat.t("prereg.address_mismatch", postcode="6411 AB", found="Heerlen", chosen="Maastricht")
        in chat.texts()
    )
    await chat.tap(chat.label("prereg.address_use", municipality="Heerlen"))
    answers = (await form_of(chat)).persons[0].answers
    assert answers["municipality"] == "heerlen" and answers[CHECK_KEY] == "ok"
    assert chat.t("prereg_fields.house_number.question") in chat.texts()[-1]


async def test_a_confirmed_mismatch_is_kept_and_a_correction_asks_the_postcode_again(
    ctx: AppContext,
) -> None:
    chat = Chat(Bot(replace(ctx, postcodes=FakeRegister())), 7103, "en")
    await start_form(chat)
    await answer_until_postcode(chat)
    await chat.send("6411 AB")
    await chat.tap(chat.label("prereg.address_fix"))
    assert chat.t("prereg_fields.postcode.question") in chat.texts()[-1]
    await chat.send("6411 AB")
    await chat.tap(chat.label("prereg.address_keep", municipality="Maastricht"))
    answers = (await form_of(chat)).persons[0].answers
    assert answers["municipality"] == "maastricht" and answers[CHECK_KEY] == "confirmed"


async def test_when_the_register_is_down_the_postcode_is_accepted_and_marked_unchecked(
    ctx: AppContext,
) -> None:
    chat = Chat(Bot(replace(ctx, postcodes=FakeRegister(down=True))), 7104, "en")
    await start_form(chat)
    await answer_until_postcode(chat)
    await chat.send("6411 AB 3")
    answers = (await form_of(chat)).persons[0].answers
    assert answers["postcode"] == "6411 AB" and answers[CHECK_KEY] == "unchecked"
    assert answers["municipality"] == "maastricht"
    assert chat.t("prereg_fields.housing.question") in chat.texts()[-1]


async def test_a_family_member_takes_the_household_details_with_one_tap(ctx: AppContext) -> None:
    chat = Chat(Bot(replace(ctx, postcodes=FakeRegister())), 7105, "en")
    await start_form(chat, "partner")
    await answer_until_postcode(chat)
    await chat.send("6211 DW 10")
    await chat.tap(chat.label("prereg_fields.housing.choices.rental"))
    await chat.send("30-11-2026")
    await chat.send("Norway")
    await chat.send("zoe@example.org")
    await chat.send("+31 6 12345678")
    await chat.tap(chat.label("prereg.skip"))
    for text in ("O'Brien", "Seán"):
        await chat.send(text)
    await chat.tap(chat.label("prereg_fields.sex.choices.male"))
    for text in ("1988-07-14", "Cork", "Ireland", "Irish"):
        await chat.send(text)
    await chat.tap(chat.label("prereg_fields.civil_status.choices.married"))
    await chat.tap(chat.label("prereg_fields.document_type.choices.passport"))
    await chat.send("PA7654321")
    await chat.send("2031-01-01")
    household = chat.label("prereg.same_household", name="Zoë Ødegaard")
    assert chat.labels()[0] == household  # the first button, not the last
    await chat.tap(household)
    form = await form_of(chat)
    for key in ("postcode", "house_number", "municipality", "housing", "arrival_date"):
        assert form.persons[1].answers[key] == form.persons[0].answers[key]
    assert form.persons[1].answers["previous_country"] == "NO"
    assert chat.t("prereg_fields.email.question") in chat.texts()[-1]


async def test_a_forged_household_tap_is_refused(ctx: AppContext) -> None:
    chat = Chat(Bot(ctx), 7106, "en")
    await start_form(chat, "partner")
    before = await form_of(chat)
    forged = FlowAnswer("prereg", "1.postcode", "=household")  # not where the dialog is
    await chat.tap_button(Button("x", forged))
    assert await form_of(chat) == before
    here = FlowAnswer("prereg", "0.surname", "=household")  # the main applicant has none
    await chat.tap_button(Button("x", here))
    assert await form_of(chat) == before


async def test_stop_and_cancel_say_what_is_kept(ctx: AppContext) -> None:
    chat = Chat(Bot(ctx), 7107, "en")
    await book(chat)
    await chat.tap(chat.label("prereg.button_start"))
    await chat.command("cancel")  # before consent: nothing stored
    assert chat.texts()[0] == chat.t("prereg.cancel_nothing", days=30)
    await chat.command("menu")
    await chat.tap(chat.label("menu_more.mine"))
    await chat.tap(chat.label("prereg.button_start"))
    await chat.tap(chat.label("prereg.consent_yes"))
    await chat.send("Ødegaard")
    await chat.command("cancel")
    assert chat.texts()[0] == chat.t("prereg.cancel_kept", days=30)
    assert (await form_of(chat)).persons[0].answers["surname"] == "Ødegaard"


async def test_a_reopened_field_returns_to_the_review_when_answered(ctx: AppContext) -> None:
    chat = Chat(Bot(ctx), 7108, "en")
    await book(chat)
    complete = {
        "surname": "Ødegaard", "sex": "female", "birth_date": "1990-12-03",
        "birth_place": "Tromsø", "birth_country": "NO", "nationalities": ["NO"],
        "civil_status": "married", "document_type": "passport", "document_number": "XK9912345",
        "document_expiry": "2026-12-01", "postcode": "6211 DW", "house_number": "10",
        "municipality": "maastricht",
        "housing": "rental", "arrival_date": "2026-11-30", "previous_country": "NO",
        "email": "zoe@example.org", "phone": "+31612345678",
    }  # fmt: skip
    async with chat.bot.uow() as uow:
        booking = await uow.bookings.active_for_user(chat.user_id)
        assert booking is not None
        form = await uow.prereg.create(booking.id, chat.user_id, [Person("main", complete)], NOW)
        reopened, _ = form.submitted(NOW).reopened_for(date(2027, 1, 1))  # a move past expiry
        await uow.prereg.save(reopened, NOW)
        await uow.commit()
    await chat.command("menu")
    await chat.tap(chat.label("menu_more.mine"))
    await chat.tap(chat.label("prereg.button_continue"))
    assert chat.t("prereg_fields.document_expiry.question") in chat.texts()[-1]
    await chat.send("2031-01-01")
    assert chat.t("prereg.review_complete") in chat.texts()  # the review, not 7 more questions
    assert chat.t("prereg.checklist_title") in " ".join(chat.texts())  # and the documents again
    [ics] = [r.document for r in chat.last.replies if r.document is not None]
    assert ics.filename.endswith(".ics")
    assert chat.t("prereg_fields.housing.question") not in " ".join(chat.texts())


async def test_the_calendar_file_has_a_timezone_the_local_hour_a_sequence_and_an_alarm(
    ctx: AppContext,
) -> None:
    chat = Chat(Bot(ctx), 7109, "en")
    await book(chat)
    booking = await active_booking(chat.bot, chat.user_id)
    location = ctx.locations[booking.location_id]
    title = str
    first = Calendar.from_ical(booking_calendar(booking, location, title, NOW, ctx.zone))
    assert first["method"] == "PUBLISH"
    [zone] = first.walk("VTIMEZONE")
    assert zone["tzid"] == "Europe/Amsterdam"
    events = first.walk("VEVENT")
    start = events[0].decoded("dtstart")
    assert start.tzinfo is not None and start == booking.visits[0].start
    assert start.utcoffset() == booking.visits[0].start.astimezone(ctx.zone).utcoffset()
    assert events[0]["dtstart"].params["TZID"] == "Europe/Amsterdam"
    [alarm] = events[0].walk("VALARM")
    rings = alarm.decoded("trigger")
    assert rings.astimezone(ctx.zone).hour == 19
    assert rings.astimezone(ctx.zone).date() == booking.day - timedelta(days=1)
    later = replace(booking, revision=booking.revision + 60)
    moved = Calendar.from_ical(booking_calendar(later, location, title, NOW, ctx.zone))
    assert [e["uid"] for e in moved.walk("VEVENT")] == [e["uid"] for e in events]
    assert moved.walk("VEVENT")[0]["sequence"] > events[0]["sequence"]
    gone = replace(later, status="cancelled", revision=later.revision + 1)
    cancelled = Calendar.from_ical(booking_calendar(gone, location, title, NOW, ctx.zone))
    assert cancelled["method"] == "CANCEL"
    assert all(e["status"] == "CANCELLED" for e in cancelled.walk("VEVENT"))


async def test_an_impossible_postcode_with_a_house_number_stores_neither(ctx: AppContext) -> None:
    chat = Chat(Bot(replace(ctx, postcodes=FakeRegister())), 7109, "en")
    await start_form(chat)
    await answer_until_postcode(chat)
    before = (await form_of(chat)).persons[0].answers
    await chat.send("0000 AA 1")  # found by the hostile-input property test
    after = (await form_of(chat)).persons[0].answers
    assert after == before, "a refused postcode takes its house number with it"
    assert chat.t("prereg_fields.postcode.question") in chat.texts()[-1]
