"""Booking the one-day visit end to end: book, reschedule, remove a member, cancel, staff."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from icalendar import Calendar

from bot.app import Runtime, build_runtime, running
from bot.content.catalog import Catalog
from bot.dialogs.callbacks import BookingAction, FlowAnswer, RemoveMember, unpack
from fakebotapi import BotMessage, FakeBotApi
from tests.conftest import CONTENT
from tests.e2e.conftest import Chat, bot_settings
from tests.e2e.db_checks import capacity_in_use
from tests.e2e.stored import active_booking, dialog_of, personal_data

pytestmark = pytest.mark.e2e
CATALOG = Catalog.load(CONTENT)
STAFF_CHAT = -100500


def t(lang: str, key: str, **params: object) -> str:
    return CATALOG.plain(lang, key, **params)  # type: ignore[arg-type]


async def become_eligible(chat: Chat, lang: str, family: str = "partner_children") -> None:
    """Walks the eligibility check to the one-stop outcome."""
    await chat.send("/start")
    await chat.tap(t(lang, "menu.eligibility"))
    for key in ["nationality.other", "route.hsm", "yes_no.yes"]:
        await chat.tap(t(lang, f"eligibility.options.{key}"))
    await chat.tap("Maastricht")
    for key in ["yes_no.no", "sponsor.yes", f"family.{family}"]:
        await chat.tap(t(lang, f"eligibility.options.{key}"))
    assert t(lang, "eligibility.outcomes.one_stop.title") in chat.last.content


def is_day(data: str | None) -> bool:
    """A bookable day of the calendar (not a month switch or Back)."""
    tapped = unpack(data or "")
    return isinstance(tapped, FlowAnswer) and tapped.step == "day" and tapped.value.isdigit()


def day_buttons(message: BotMessage) -> list[str]:
    """Labels of the calendar's bookable days."""
    return [b.text for row in message.inline_keyboard or [] for b in row if is_day(b.callback_data)]


def data_of(message: BotMessage, label: str) -> str:
    for row in message.inline_keyboard or []:
        for button in row:
            if button.text == label and button.callback_data:
                return button.callback_data
    raise AssertionError(label)


async def book_first_free(chat: Chat, lang: str, day_index: int = 0) -> list[BotMessage]:
    """From the calendar: a day, its first time, confirm."""
    calendar = chat.last
    days = day_buttons(calendar)
    assert days, chat.transcript()
    await chat.tap(days[day_index], calendar)
    times = [b for b in chat.last.buttons() if b[:2].isdigit()]
    await chat.tap(times[0])
    assert t(lang, "booking.confirm") in chat.last.buttons()
    return await chat.tap(t(lang, "booking.confirm"))


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_book_reschedule_remove_a_member_and_cancel(
    fake: FakeBotApi, bot: Runtime, lang: str
) -> None:
    chat = Chat(fake, fake.add_user(5001 if lang == "en" else 5002, "Ana", lang))
    await become_eligible(chat, lang)
    await chat.tap(t(lang, "eligibility.book"))
    [children] = [chat.last]
    assert children.content == t(lang, "booking.children_question")
    await chat.tap("1")
    assert (
        t(lang, "booking.choose_day", size=3, people=t(lang, "booking.people_many"))
        in chat.last.content
    )
    replies = await book_first_free(chat, lang)
    confirmation, checklist, document, _menu = replies
    reference = next(w.strip(".") for w in confirmation.content.split() if w.startswith("MST-"))
    assert "Mosae Forum 10, 6211 DW Maastricht" in confirmation.content
    assert t(lang, "booking.checklist.marriage_certificate") in checklist.content
    assert t(lang, "booking.checklist.children_birth_certificates") in checklist.content
    assert document.document is not None and document.document.file_name == f"{reference}.ics"
    events = [c for c in Calendar.from_ical(document.document.data).walk("VEVENT")]
    assert len(events) == 3
    assert all("Mosae Forum 10" in str(e.get("location")) for e in events)
    first_day = events[0].decoded("dtstart").date()

    # My appointment shows it; reschedule to another day keeps the reference.
    [mine] = await chat.tap(t(lang, "menu_more.mine"))
    assert reference in mine.content
    await chat.tap(t(lang, "booking.mine.reschedule"))
    replies = await book_first_free(chat, lang, day_index=1)
    assert (
        t(lang, "booking.mine.rescheduled", reference=reference)
        .replace("<code>", "")
        .replace("</code>", "")
        in replies[0].content
    )
    [moved] = (await personal_data(bot.database, chat.user.id))["bookings"]
    assert moved["reference"] == reference and moved["status"] == "active"
    assert moved["day"] != first_day.isoformat()

    # One member is not coming.
    await chat.tap(t(lang, "menu_more.mine"))
    await chat.tap(t(lang, "booking.mine.remove_member"))
    child = t(lang, "booking.party.child", number=1)
    await chat.tap(child)
    [removed, *rest] = await chat.tap(t(lang, "booking.mine.remove_yes"))
    assert t(lang, "booking.mine.removed", name=child) in removed.content
    party = [m.role for m in (await active_booking(bot.database, chat.user.id)).party]
    assert "child" not in party and "partner" in party
    ics = [m.document for m in rest if m.document is not None]  # the new times in a new .ics
    assert ics and b"SEQUENCE:" in ics[0].data and b"BEGIN:VTIMEZONE" in ics[0].data

    # Cancel, with confirmation.
    await chat.tap(t(lang, "menu_more.mine"))
    await chat.tap(t(lang, "booking.mine.cancel"))
    [done, calendar] = await chat.tap(t(lang, "booking.mine.cancel_yes"))
    assert done.content == t(lang, "booking.mine.cancelled", reference=reference)
    assert calendar.document is not None and b"METHOD:CANCEL" in calendar.document.data
    await chat.send("/menu")
    await chat.tap(t(lang, "menu_more.mine"))
    assert chat.last.content == t(lang, "booking.mine.none")
    assert await capacity_in_use(bot.database) == 0


async def test_booking_needs_a_positive_eligibility_outcome(fake: FakeBotApi, bot: Runtime) -> None:
    chat = Chat(fake, fake.add_user(5003, "Bo", "en"))
    await chat.send("/start")
    [reply] = await chat.tap("📅 Book an appointment")
    assert reply.content == t("en", "booking.need_eligibility")
    await chat.tap("✅ Do the eligibility check")
    await chat.tap("Another nationality")
    await chat.tap("Student")
    await chat.tap("No")  # short stay
    await chat.send("/menu")
    [refused] = await chat.tap("📅 Book an appointment")
    assert refused.content == t("en", "booking.not_eligible")


async def test_forged_days_times_and_other_peoples_bookings_are_refused(
    fake: FakeBotApi, bot: Runtime
) -> None:
    owner = Chat(fake, fake.add_user(5004, "Owner", "en"))
    await become_eligible(owner, "en", family="none")
    await owner.tap("📅 Book the appointment")
    await book_first_free(owner, "en")
    reference = (await active_booking(bot.database, 5004)).reference

    intruder = Chat(fake, fake.add_user(5005, "Mallory", "en"))
    await become_eligible(intruder, "en", family="none")
    await intruder.tap("📅 Book the appointment")
    calendar = intruder.last
    for forged in ["20200101", "20991231", "20261207", "2026130"]:
        tap = await fake.forge_tap(
            intruder.user, calendar, FlowAnswer("book", "day", forged).pack()
        )
        await fake.wait_for_callback_answer(tap)
        await fake.wait_until_idle()
    assert (await dialog_of(bot.database, 5005)).step == "day"
    # A time that is not free: the confirmation re-checks and refuses it.
    await intruder.tap(day_buttons(intruder.last)[0])
    tap = await fake.forge_tap(
        intruder.user, intruder.last, FlowAnswer("book", "time", "0300").pack()
    )
    await fake.wait_for_callback_answer(tap)
    await fake.wait_until_idle()
    assert "not available" in "\n".join(m.content for m in fake.chat_messages(intruder.user)[-2:])
    # Someone else's booking reference.
    for action in ["c", "cy", "r", "i"]:
        data = BookingAction(action, reference).pack()  # type: ignore[arg-type]
        tap = await fake.forge_tap(intruder.user, intruder.last, data)
        answer = await fake.wait_for_callback_answer(tap)
        await fake.wait_until_idle()
        assert answer.text == t("en", "booking.mine.not_yours")
    tap = await fake.forge_tap(intruder.user, intruder.last, RemoveMember(reference, 1).pack())
    assert (await fake.wait_for_callback_answer(tap)).text == t("en", "booking.mine.not_yours")
    await fake.wait_until_idle()
    # The owner's own reference with a member number that is not plain ASCII digits, or huge.
    for forged in ["²", "١", "１", "99999999999999999999", "01", "-1"]:
        data = f"a:my:{reference}:{forged}"
        tap = await fake.forge_tap(owner.user, owner.last, data)
        answer = await fake.wait_for_callback_answer(tap)
        await fake.wait_until_idle()
        assert answer.text == t("en", "errors.stale_button"), forged
    assert (await active_booking(bot.database, 5004)).reference == reference
    assert (await personal_data(bot.database, 5005))["bookings"] == []


async def test_the_last_place_goes_to_the_first_and_others_get_the_next_times(
    fake: FakeBotApi, bot: Runtime
) -> None:
    chats = [Chat(fake, fake.add_user(5100 + i, f"U{i}", "en")) for i in range(2)]
    for chat in chats:  # both reach the confirmation of the same day and start time
        await become_eligible(chat, "en", family="none")
        await chat.tap("📅 Book the appointment")
        await chat.tap(day_buttons(chat.last)[0])
        await chat.tap(next(b for b in chat.last.buttons() if b[:2].isdigit()))
    first = await chats[0].tap("✅ Book it")
    second = await chats[1].tap("✅ Book it")
    assert "Booked" in first[0].content
    assert second[0].content.startswith(t("en", "booking.just_taken"))
    offered = [b for b in second[0].buttons() if b[:2].isdigit()]
    assert offered, "the next free times are offered"
    await chats[1].tap(offered[0])
    [booked, *_] = await chats[1].tap("✅ Book it")
    assert "Booked" in booked.content


async def test_a_cancellation_tells_the_earliest_waiting_user(
    fake: FakeBotApi, bot: Runtime
) -> None:
    early = Chat(fake, fake.add_user(5201, "Early", "en"))
    late = Chat(fake, fake.add_user(5202, "Late", "nl"))
    await become_eligible(early, "en", family="none")
    await early.tap("📅 Book the appointment")
    await book_first_free(early, "en", day_index=0)
    await become_eligible(late, "nl", family="none")
    await late.tap("📅 Afspraak maken")
    await book_first_free(late, "nl", day_index=3)
    await late.tap("🗓 Mijn afspraak")
    await late.tap(t("nl", "booking.mine.waitlist_join"))
    assert fake.callback_answers[-1].text == t("nl", "booking.mine.waitlist_joined")
    await early.tap("🗓 My appointment")
    await early.tap(t("en", "booking.mine.cancel"))
    await early.tap(t("en", "booking.mine.cancel_yes"))
    notice = fake.chat_messages(late.user)[-1]
    assert notice.content.startswith("Goed nieuws: er is nu een eerdere dag vrij")


@pytest.fixture
async def staff_bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[Runtime]:
    runtime = build_runtime(
        bot_settings(fake, database_url, staff_chat_id=STAFF_CHAT, admin_user_ids=(9001,))
    )
    async with running(runtime, "polling"):
        yield runtime
        await fake.wait_until_idle(timeout=20)


async def test_staff_see_the_agenda_and_close_a_day(fake: FakeBotApi, staff_bot: Runtime) -> None:
    user = Chat(fake, fake.add_user(5301, "Guest", "nl"))
    await become_eligible(user, "nl", family="partner")
    await user.tap("📅 Afspraak maken")
    await book_first_free(user, "nl")
    booking = await active_booking(staff_bot.database, 5301)
    reference, day = booking.reference, booking.day
    staff = fake.add_user(9001, "Sophie", "en")
    group = fake.add_group(STAFF_CHAT, "Desk staff", members={9001: "member"})
    await fake.send_text(staff, f"/agenda {day}", chat=group)
    agenda = await fake.wait_for_bot_message(group)
    assert (
        reference in agenda.content
        and "IND desk" in agenda.content
        and "Municipality" in agenda.content
    )
    assert "· 2 · NL ·" in agenda.content

    await fake.send_text(staff, f"/close {day} ind staff illness", chat=group)
    closed = await fake.wait_for_bot_message(group, after_message_id=agenda.message_id)
    assert "Affected appointments: 1" in closed.content and reference in closed.content
    notice = await fake.wait_for_bot_message(
        user.user, predicate=lambda m: "kan niet doorgaan" in m.content
    )
    assert "staff illness" in notice.content
    await fake.wait_until_idle()
    await user.tap("🔁 Kies een nieuwe tijd", notice)
    calendar = user.last
    closed_data = FlowAnswer("book", "day", day.strftime("%Y%m%d")).pack()
    offered = [b.callback_data for row in calendar.inline_keyboard or [] for b in row]
    assert closed_data not in offered and any(is_day(d) for d in offered)

    # Outside the staff chat the command is refused.
    [refused] = await user.send("/agenda")
    assert refused.content == t("nl", "staff.refused")
