"""The real router and turn runner over the in-memory store: whole conversations in milliseconds.

Buttons are found by their label from the catalog and tapped with the data the bot produced, as
a user would; only the forged one is written by hand.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.content.catalog import Markup, escape, format_day
from bot.content.context import AppContext
from bot.dialogs.booking import describe
from bot.dialogs.callbacks import BookingAction
from bot.dialogs.router import route
from bot.dialogs.runner import Conversations, Outcome
from bot.dialogs.turn import Button, Incoming, InputKind, Turn
from bot.domain.booking import Booking
from bot.domain.dialog import Dialog
from bot.domain.language import Language
from bot.domain.users import UserProfile
from bot.services.clock import ManualClock
from tests.unit.fakes import MemoryDatabase, MemoryUnitOfWork

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday morning
VISIT_REMINDERS = ["evening_before", "morning_of"]


class Bot:
    """The production runner and router over memory, with a hand-set clock."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.store = MemoryDatabase()
        self.clock = ManualClock(NOW)
        self.conversations = Conversations(self.store.unit, ctx, self.clock, route)
        self.update_ids = itertools.count(1)

    def uow(self) -> MemoryUnitOfWork:
        """A unit of work to read what the bot stored."""
        return self.store.unit()


class Chat:
    """One private chat: sends inputs and keeps every reply, to tap their buttons later."""

    def __init__(self, bot: Bot, user_id: int, lang: Language) -> None:
        self.bot = bot
        self.user_id = user_id
        self.lang = lang
        self.keyboards: list[tuple[Button, ...]] = []
        self.last = Outcome((), lang)

    def t(self, key: str, **params: object) -> Markup:
        """A message text as the bot sends it in this chat's language."""
        return self.bot.ctx.catalog.text(self.lang, key, **params)

    def label(self, key: str, **params: object) -> str:
        """A button label as the bot shows it in this chat's language."""
        return self.bot.ctx.catalog.plain(self.lang, key, **params)

    async def deliver(self, incoming: Incoming) -> Outcome:
        """Hands one input to the runner, as the Telegram layer does."""
        self.last = await self.bot.conversations.handle(incoming)
        for reply in self.last.replies:
            self.keyboards.extend(reply.buttons)
        return self.last

    def incoming(self, kind: InputKind, **fields: str) -> Incoming:
        """The next update of this chat."""
        return Incoming(
            kind,
            self.user_id,
            self.user_id,
            next(self.bot.update_ids),
            first_name="Ana",
            telegram_language=self.lang,
            **fields,  # type: ignore[arg-type]
        )

    async def command(self, name: str) -> Outcome:
        """Types /name."""
        return await self.deliver(self.incoming("command", command=name, text=f"/{name}"))

    async def send(self, text: str) -> Outcome:
        """Types a message."""
        return await self.deliver(self.incoming("text", text=text))

    def button(self, label: str) -> Button:
        """The newest button with this label the bot has shown in this chat."""
        for row in reversed(self.keyboards):
            for button in row:
                if button.label == label and button.data:
                    return button
        raise AssertionError(f"no button {label!r} among {self.labels()}")

    def labels(self, outcome: Outcome | None = None) -> list[str]:
        """Every button label of an outcome (default: the last one)."""
        replies = (outcome or self.last).replies
        return [b.label for reply in replies for row in reply.buttons for b in row]

    async def tap(self, label: str) -> Outcome:
        """Taps the newest button with this label."""
        return await self.tap_button(self.button(label))

    async def tap_button(self, button: Button) -> Outcome:
        """Taps a given button, wherever it was shown."""
        return await self.deliver(self.incoming("button", data=button.data))

    def texts(self, outcome: Outcome | None = None) -> list[str]:
        """The texts of an outcome's messages (default: the last one)."""
        return [str(reply.text) for reply in (outcome or self.last).replies]

    def bookable_days(self) -> list[Button]:
        """The calendar's day buttons that can be chosen (the day of the month as label)."""
        calendar = self.last.replies[-1].buttons
        return [b for row in calendar for b in row if b.label.isdigit() and b.data]

    def start_times(self) -> list[Button]:
        """The time buttons of the last message ('09:00')."""
        return [
            b
            for row in self.last.replies[-1].buttons
            for b in row
            if b.label[:2].isdigit() and ":" in b.label
        ]


def described(bot: Bot, lang: Language, booking: Booking) -> Markup:
    """The day and itinerary as the confirmation shows them, by the bot's own function."""
    turn = Turn(
        Incoming("other", booking.chat_id, booking.user_id, 0),
        UserProfile(booking.user_id, lang),
        Dialog(),
        bot.uow(),
        bot.ctx,
        bot.clock.now(),
    )
    return describe(turn, booking.day, booking.visits, bot.ctx.locations[booking.location_id])


async def active_booking(bot: Bot, user_id: int) -> Booking:
    async with bot.uow() as uow:
        booking = await uow.bookings.active_for_user(user_id)
    assert booking is not None
    return booking


def used_places(bot: Bot) -> int:
    """Units of desk capacity taken, over every slot."""
    return sum(usage.used for usage in bot.store.tables.slot_usage.values())


async def become_eligible(chat: Chat, family: str) -> None:
    """The menu, then the check's answers that lead to the one-stop outcome."""
    await chat.command("start")
    assert chat.texts() == [chat.t("start.welcome", name="Ana")]
    await chat.tap(chat.label("menu.eligibility"))
    assert chat.texts()[0] == chat.t("eligibility.intro")
    answers = [
        chat.label("eligibility.options.nationality.other"),
        chat.label("eligibility.options.route.hsm"),
        chat.label("eligibility.options.yes_no.yes"),
        "Maastricht",
        chat.label("eligibility.options.yes_no.no"),
        chat.label("eligibility.options.sponsor.yes"),
        chat.label(f"eligibility.options.family.{family}"),
    ]
    for answer in answers:
        await chat.tap(answer)
        assert chat.last.status == "ok" and not chat.last.toast, chat.texts()
    assert chat.t("eligibility.outcomes.one_stop.title") in chat.texts()[0]


async def book_a_day(chat: Chat, day_index: int = 0) -> Outcome:
    """From the calendar on screen: a day, its first free time, confirm."""
    days = chat.bookable_days()
    assert len(days) > day_index, chat.texts()
    await chat.tap_button(days[day_index])
    times = chat.start_times()
    assert times, chat.texts()
    await chat.tap_button(times[0])
    assert chat.label("booking.confirm") in chat.labels()
    return await chat.tap(chat.label("booking.confirm"))


async def book(chat: Chat, family: str = "none") -> Booking:
    """Eligibility check, then a booking on the first free day."""
    await become_eligible(chat, family)
    await chat.tap(chat.label("eligibility.book"))
    await book_a_day(chat)
    return await active_booking(chat.bot, chat.user_id)


@pytest.fixture
def bot(ctx: AppContext) -> Iterator[Bot]:
    yield Bot(ctx)


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_a_full_booking_from_the_menu(bot: Bot, lang: Language) -> None:
    chat = Chat(bot, 7001, lang)
    await become_eligible(chat, "none")
    async with bot.uow() as uow:
        eligibility = await uow.eligibility.get(chat.user_id)
    assert eligibility is not None and eligibility[:2] == ("one_stop", "one_stop")

    await chat.tap(chat.label("eligibility.book"))
    location = bot.ctx.location_for("maastricht")
    people = chat.label("booking.people_one")
    assert chat.texts() == [
        chat.t(
            "booking.intro",
            location=location.name,
            steps=", ".join(
                chat.label(f"booking.steps.{s}") for s in ("ind", "municipality", "advice")
            ),
        ),
        chat.t("booking.choose_day", size=1, people=people),
    ]
    confirmation, checklist, calendar_file, menu = (await book_a_day(chat)).replies

    booking = await active_booking(bot, chat.user_id)
    assert booking.reference.startswith(f"{location.reference_prefix}-")
    assert [m.role for m in booking.party] == ["main"]
    assert booking.language == lang
    assert str(confirmation.text) == chat.t(
        "booking.confirmed",
        reference=Markup(escape(booking.reference)),
        itinerary=described(bot, lang, booking),
        location=location.name,
        address=location.address,
    )
    assert str(checklist.text).startswith(chat.t("booking.checklist.title"))
    assert calendar_file.document is not None
    assert calendar_file.document.filename == f"{booking.reference}.ics"
    assert str(menu.text) == chat.t("menu.title")
    assert chat.last.clear_tapped_keyboard
    assert chat.last.wakeups  # the reminders' due times, for the scheduler

    async with bot.uow() as uow:
        reminders = await uow.outbox.for_booking(booking.id)
        _, dialog = await uow.chat_state.load(chat.user_id, chat.user_id)
    assert [(kind, status) for kind, _, status in reminders] == [
        (kind, "pending") for kind in VISIT_REMINDERS
    ]
    assert dialog is not None and not dialog.active
    assert used_places(bot) == len(bot.store.tables.booking_cells) > 0


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_reschedule_then_cancel_from_my_appointment(bot: Bot, lang: Language) -> None:
    chat = Chat(bot, 7002, lang)
    first = await book(chat)
    places = used_places(bot)

    await chat.tap(chat.label("menu_more.mine"))
    assert chat.texts()[0].startswith(chat.t("booking.mine.title", reference=first.reference))
    await chat.tap(chat.label("booking.mine.reschedule"))
    size, people = 1, chat.label("booking.people_one")
    assert chat.texts() == [chat.t("booking.choose_day", size=size, people=people)]
    moved_reply = (await book_a_day(chat, day_index=1)).replies[0]

    moved = await active_booking(bot, chat.user_id)
    assert (moved.id, moved.reference) == (first.id, first.reference)
    assert moved.day > first.day
    assert str(moved_reply.text) == (
        f"{chat.t('booking.mine.rescheduled', reference=first.reference)}\n\n"
        f"{described(bot, lang, moved)}"
    )
    assert used_places(bot) == places  # the old places were given back
    async with bot.uow() as uow:
        reminders = await uow.outbox.for_booking(first.id)
    assert sorted(status for *_, status in reminders) == ["dropped"] * 2 + ["pending"] * 2

    await chat.tap(chat.label("menu_more.mine"))
    await chat.tap(chat.label("booking.mine.cancel"))
    assert chat.texts() == [
        chat.t(
            "booking.mine.cancel_question",
            reference=first.reference,
            day=format_day(moved.day, lang),
        )
    ]
    await chat.tap(chat.label("booking.mine.cancel_yes"))
    assert chat.texts()[0] == chat.t("booking.mine.cancelled", reference=first.reference)
    [ics] = [r.document for r in chat.last.replies if r.document is not None]
    assert b"METHOD:CANCEL" in ics.content  # calendars remove the events

    async with bot.uow() as uow:
        assert await uow.bookings.active_for_user(chat.user_id) is None
        cancelled = await uow.bookings.get(first.id)
        reminders = await uow.outbox.for_booking(first.id)
    assert cancelled is not None and cancelled.status == "cancelled"
    assert {status for *_, status in reminders} == {"dropped"}
    assert used_places(bot) == 0 and not bot.store.tables.booking_cells
    await chat.tap(chat.label("menu_more.mine"))
    assert chat.texts() == [chat.t("booking.mine.none")]


async def test_remove_a_member_and_the_waitlist(bot: Bot) -> None:
    chat = Chat(bot, 7003, "en")
    booking = await book(chat, family="partner")
    assert [m.role for m in booking.party] == ["main", "partner"]
    places = used_places(bot)

    await chat.tap(chat.label("menu_more.mine"))
    await chat.tap(chat.label("booking.mine.remove_member"))
    partner = chat.label("booking.party.partner")
    await chat.tap(partner)
    await chat.tap(chat.label("booking.mine.remove_yes"))
    assert chat.texts()[0].startswith(chat.t("booking.mine.removed", name=partner))
    smaller = await active_booking(bot, chat.user_id)
    assert [m.role for m in smaller.party] == ["main"]
    assert smaller.start == booking.start and used_places(bot) < places

    await chat.tap(chat.label("menu_more.mine"))
    await chat.tap(chat.label("booking.mine.waitlist_join"))
    assert chat.last.toast == chat.label("booking.mine.waitlist_joined")
    assert chat.label("booking.mine.waitlist_leave") in chat.labels()
    async with bot.uow() as uow:
        assert await uow.waitlist.is_waiting(booking.id)
    await chat.tap(chat.label("booking.mine.waitlist_leave"))
    assert chat.last.toast == chat.label("booking.mine.waitlist_left")
    async with bot.uow() as uow:
        assert not await uow.waitlist.is_waiting(booking.id)


async def test_a_forged_or_stale_button_changes_nothing(bot: Bot) -> None:
    chat = Chat(bot, 7004, "en")
    await become_eligible(chat, "none")
    await chat.tap(chat.label("eligibility.book"))
    old_days = chat.bookable_days()
    await book_a_day(chat)
    assert len(bot.store.tables.bookings) == 1
    before = bot.store.tables.copy()

    await chat.tap_button(old_days[1])  # a day of the calendar the booking replaced
    assert chat.last.toast == chat.label("errors.stale_button")
    assert chat.last.replies == ()

    forged = Button("✖", BookingAction("c", "MST-0000"))  # no booking has it (0 is never used)
    await chat.tap_button(forged)
    assert chat.last.toast == chat.label("booking.mine.not_yours")
    assert chat.texts() == [chat.t("booking.mine.not_yours")]

    assert bot.store.tables.bookings == before.bookings
    assert bot.store.tables.slot_usage == before.slot_usage
    assert bot.store.tables.outbox == before.outbox


async def test_a_redelivered_update_is_applied_once(bot: Bot) -> None:
    chat = Chat(bot, 7005, "en")
    await become_eligible(chat, "none")
    await chat.tap(chat.label("eligibility.book"))
    await chat.tap_button(chat.bookable_days()[0])
    await chat.tap_button(chat.start_times()[0])
    confirm = chat.incoming("button", data=chat.button(chat.label("booking.confirm")).data)

    first = await chat.deliver(confirm)
    places = used_places(bot)
    again = await chat.deliver(confirm)

    assert first.status == "ok" and first.replies
    assert (again.handler, again.status, again.replies) == ("duplicate", "duplicate", ())
    assert len(bot.store.tables.bookings) == 1 and used_places(bot) == places
    assert bot.store.commits == len(bot.store.tables.processed_updates)


async def test_an_unanswered_question_is_kept_as_a_gap(bot: Bot) -> None:
    chat = Chat(bot, 7006, "nl")
    question = "Mag mijn kanarie mee naar de afspraak?"
    await chat.send(question)
    assert chat.last.handler == "question"
    assert chat.texts() == [chat.t("faq.no_match")]
    async with bot.uow() as uow:
        gaps = await uow.faq_gaps.most_frequent()
        profile, _ = await uow.chat_state.load(chat.user_id, chat.user_id)
        recent = await uow.recent.last(chat.user_id, 5)
    assert gaps == [(question.lower(), "nl", 1)]
    assert profile is not None and profile.misses == 1 and profile.language == "nl"
    assert recent == [question]


async def test_a_question_typed_inside_a_form_is_not_kept_as_a_gap(bot: Bot) -> None:
    chat = Chat(bot, 7007, "en")
    await chat.command("start")
    await chat.tap(chat.label("menu.eligibility"))
    await chat.send("Is passport NX1234567 of Jansen ok for my canary?")
    assert chat.last.handler == "question"
    async with bot.uow() as uow:
        assert await uow.faq_gaps.most_frequent() == []


async def test_a_kept_gap_has_no_numbers_or_e_mail_addresses(bot: Bot) -> None:
    chat = Chat(bot, 7008, "en")
    await chat.send("My canary AB12CD called 06-1234 5678, mail me at x.y@mail.nl or +31 6 12?")
    async with bot.uow() as uow:
        [(text, _, _)] = await uow.faq_gaps.most_frequent()
    assert not any(c.isdigit() for c in text) and "@" not in text and "mail.nl" not in text
    assert text.startswith("my canary") and "called" in text


async def test_a_failing_turn_keeps_nothing_and_apologises(ctx: AppContext) -> None:
    store = MemoryDatabase()
    ran: list[int] = []

    async def broken(turn: Turn) -> None:
        await turn.uow.faq_gaps.record("kept?", "en", turn.now)
        turn.after_commit.append(lambda: _note(ran))
        raise RuntimeError("boom")

    runner = Conversations(store.unit, ctx, ManualClock(NOW), broken)
    outcome = await runner.handle(Incoming("text", 1, 1, 1, text="hi", telegram_language="en"))
    assert (outcome.handler, outcome.status) == ("error", "error")
    assert [str(r.text) for r in outcome.replies] == [str(ctx.catalog.text("en", "errors.apology"))]
    assert not store.tables.faq_gaps and not store.tables.processed_updates and ran == []


async def test_after_commit_jobs_run_once_the_turn_is_stored(ctx: AppContext) -> None:
    store = MemoryDatabase()
    seen: list[int] = []

    async def reporting(turn: Turn) -> None:
        turn.after_commit.append(lambda: _note(seen, len(store.tables.processed_updates)))

    runner = Conversations(store.unit, ctx, ManualClock(NOW), reporting)
    await runner.handle(Incoming("text", 1, 1, 41, text="report", telegram_language="en"))
    assert seen == [1]


async def _note(into: list[int], value: int = 1) -> None:
    into.append(value)


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_my_data_reads_in_the_users_language_and_local_time(bot: Bot, lang: Language) -> None:
    chat = Chat(bot, 9101, lang)
    booking = await book(chat)
    outcome = await chat.command("mydata")
    [outline] = [text for text in chat.texts(outcome) if "<pre>" in text]
    assert chat.label("privacy.labels.bookings") + ":" in outline
    assert chat.label("privacy.labels.reference") + f": {booking.reference}" in outline
    assert format_day(booking.day, lang) in outline, "the day is written out, not ISO"
    start = booking.visits[0].start.astimezone(bot.ctx.zone)
    assert f"{start:%H:%M}" in outline, "times are local, not UTC"
    assert booking.day.isoformat() not in outline
    assert "scheduled_reminders" not in outline and "telegram_user_id" not in outline
    files = [reply.document for reply in outcome.replies if reply.document is not None]
    assert files and b'"scheduled_reminders"' in files[0].content, "the JSON keeps its keys"


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_text_typed_where_a_button_is_expected_gets_the_question_again_with_a_hint(
    bot: Bot, lang: Language
) -> None:
    chat = Chat(bot, 9201, lang)
    await chat.command("start")
    await chat.tap(chat.label("menu.eligibility"))
    asked = chat.texts()[-1]
    outcome = await chat.send("zzz qqq")
    assert chat.t("smalltalk.use_buttons") in chat.texts(outcome)
    assert chat.texts(outcome)[-1] == asked, "the same question comes again"
    assert outcome.handler == "flow:elig:typed"
    answered = await chat.send("what is a bsn")  # a question still gets its answer
    assert chat.t("smalltalk.use_buttons") not in chat.texts(answered)
    assert chat.texts(answered)[-1] == asked


async def test_a_question_we_cannot_answer_mid_check_is_not_told_to_use_the_buttons(
    bot: Bot,
) -> None:
    chat = Chat(bot, 9202, "en")
    await chat.command("start")
    await chat.tap(chat.label("menu.eligibility"))
    outcome = await chat.send("can my canary come along?")
    assert chat.t("smalltalk.use_buttons") not in chat.texts(outcome)
    assert outcome.handler == "question"
