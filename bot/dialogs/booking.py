"""Booking the one-day visit: party, day on a calendar, start time, confirmation."""

from __future__ import annotations

import calendar as month_grid
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names

from bot.content.catalog import LOCALES, Catalog, Markup, escape, format_clock, format_day
from bot.dialogs.callbacks import FlowAnswer, Menu, Noop, PreregStart
from bot.dialogs.hr.notify import hire_booked
from bot.dialogs.ics import calendar_document
from bot.dialogs.keyboards import BACK, grid
from bot.dialogs.menu import menu_button
from bot.dialogs.prereg import form_checklist, say_reopened
from bot.dialogs.turn import Button, Keyboard, Turn
from bot.domain.booking import Booking, PartyMember, party_of
from bot.domain.checklist import SOURCE as CHECKLIST_SOURCE
from bot.domain.checklist import party_checklist
from bot.domain.dialog import JsonValue
from bot.domain.eligibility import FULL_VISIT
from bot.domain.itinerary import Itinerary
from bot.domain.language import Language
from bot.domain.locations import Location
from bot.services import booking as booking_service

FLOW = "book"
MAX_CHILDREN = 5


class _Timed(Protocol):
    """A planned or booked step."""

    @property
    def step(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...


def itinerary_lines(
    catalog: Catalog, lang: Language, visits: Sequence[_Timed], zone_name: str
) -> str:
    """'09:00–09:30 IND desk …' lines in the user's language."""
    zone = ZoneInfo(zone_name)
    lines = []
    for visit in visits:
        start = visit.start.astimezone(zone)
        end = visit.end.astimezone(zone)
        step = catalog.plain(lang, f"booking.steps.{visit.step}")
        lines.append(f"{format_clock(start, lang)}–{format_clock(end, lang)}  {escape(step)}")
    return "\n".join(lines)


def describe(turn: Turn, day: date, visits: Sequence[_Timed], location: Location) -> Markup:
    """The day and its itinerary."""
    heading = f"<b>{escape(format_day(day, turn.lang))}</b>"
    lines = itinerary_lines(turn.ctx.catalog, turn.lang, visits, location.timezone)
    return Markup(f"{heading}\n{lines}")


def party_names(turn: Turn, party: tuple[PartyMember, ...]) -> list[str]:
    """'You', 'Your partner', 'Child 1' …"""
    names, child = [], 0
    for member in party:
        if member.role == "child":
            child += 1
            names.append(turn.label("booking.party.child", number=child))
        else:
            names.append(turn.label(f"booking.party.{member.role}"))
    return names


def checklist(turn: Turn, party: tuple[PartyMember, ...], steps: Sequence[str]) -> Markup:
    """What to bring, for this party on a visit with these steps."""
    visit = turn.ctx.rules.visit_for_steps(steps)
    lines: list[str] = [turn.t("booking.checklist.title")]
    lines += [f"• {turn.t(f'booking.checklist.{key}')}" for key in party_checklist(party, visit)]
    lines.append(f"<i>{turn.t('booking.checklist.source', url=CHECKLIST_SOURCE)}</i>")
    return Markup("\n".join(lines))


async def send_documents(turn: Turn, booking: Booking, location: Location) -> None:
    """After every change: the checklist (personalised once there is a form) and a new .ics."""
    form = await turn.uow.prereg.get(booking.id)
    steps = [visit.step for visit in booking.visits]
    turn.say(checklist(turn, booking.party, steps) if form is None else form_checklist(turn, form))
    turn.send_document(calendar_document(turn, booking, location))


class BookingFlow:
    """New bookings and rescheduling share the day, time and confirm steps."""

    name = FLOW

    async def start(self, turn: Turn) -> None:
        """Checks the preconditions, then asks about the party or goes to the calendar."""
        user_id = turn.incoming.user_id
        existing = await turn.uow.bookings.active_for_user(user_id)
        if existing is not None:
            turn.say(
                turn.t("booking.already_booked", reference=existing.reference),
                ((Button(turn.label("menu_more.mine"), Menu("mine")),), (menu_button(turn),)),
            )
            return
        result = await turn.uow.eligibility.get(user_id)
        visit = None
        if result is not None:
            visit_id = await turn.uow.eligibility.visit_of(user_id)
            if visit_id is None and result[1] == "one_stop":
                visit_id = FULL_VISIT  # decided before visits were stored: the full visit
            visit = turn.ctx.rules.visits.get(visit_id or "")
        if result is None or visit is None:
            key = "booking.need_eligibility" if result is None else "booking.not_eligible"
            turn.say(
                turn.t(key),
                ((Button(turn.label("booking.start_check"), Menu("elig")),), (menu_button(turn),)),
            )
            return
        answers = result[2]
        location = turn.ctx.location_for(str(answers.get("municipality", "")))
        family = str(answers.get("family", "none"))
        partner = family in ("partner", "partner_children")
        state: dict[str, JsonValue] = {
            "loc": location.id,
            "mode": "new",
            "partner": partner,
            "children": 0,
            "steps": list(visit.steps),
        }
        steps = ", ".join(turn.label(f"booking.steps.{step}") for step in visit.steps)
        turn.say(turn.t("booking.intro", location=location.name, steps=steps))
        first = "children" if family in ("children", "partner_children") else "day"
        turn.dialog = turn.dialog.start(FLOW, first, state)
        await self.prompt(turn)

    async def start_reschedule(self, turn: Turn, booking: Booking) -> None:
        """Goes straight to the calendar for an existing booking."""
        partner = any(m.role == "partner" for m in booking.party)
        children = sum(m.role == "child" for m in booking.party)
        state: dict[str, JsonValue] = {
            "loc": booking.location_id,
            "mode": "reschedule",
            "booking": booking.id,
            "partner": partner,
            "children": children,
            "steps": [visit.step for visit in booking.visits],
        }
        turn.dialog = turn.dialog.start(FLOW, "day", state)
        await self.prompt(turn)

    def _location(self, turn: Turn) -> Location:
        """The location planning only the steps of this visit (all of them for old dialogs)."""
        location = turn.ctx.locations[str(turn.dialog.answers["loc"])]
        steps = turn.dialog.answers.get("steps")
        if isinstance(steps, list) and steps:
            return location.with_steps({str(step) for step in steps})
        return location

    def _party(self, turn: Turn) -> tuple[PartyMember, ...]:
        answers = turn.dialog.answers
        children = answers.get("children", 0)
        return party_of(bool(answers.get("partner")), children if isinstance(children, int) else 0)

    async def _booking(self, turn: Turn) -> Booking | None:
        """The booking being rescheduled, if it is still this user's active one."""
        if turn.dialog.answers.get("mode") != "reschedule":
            return None
        booking = await turn.uow.bookings.active_for_user(turn.incoming.user_id)
        if booking is None or booking.id != turn.dialog.answers.get("booking"):
            return None
        return booking

    async def _availability(self, turn: Turn) -> booking_service.Availability:
        location = self._location(turn)
        return await booking_service.availability(
            turn.uow,
            location,
            turn.ctx.working_days[location.id],
            len(self._party(turn)),
            turn.today,
            ignore=await self._booking(turn),
        )

    async def prompt(self, turn: Turn) -> None:
        """Shows the current step."""
        step = turn.dialog.step
        if step == "children":
            buttons = [
                Button(str(n), FlowAnswer(FLOW, "children", str(n)))
                for n in range(1, MAX_CHILDREN + 1)
            ]
            turn.say(turn.t("booking.children_question"), (*grid(buttons, 5), (menu_button(turn),)))
        elif step == "day":
            await self._prompt_day(turn)
        elif step == "time":
            await self._prompt_time(turn)
        elif step == "confirm":
            await self._prompt_confirm(turn)

    async def _prompt_day(self, turn: Turn, *, edit: bool = False) -> None:
        found = await self._availability(turn)
        size = len(self._party(turn))
        if not found.days:
            weeks = found.location.horizon_days // 7
            turn.say(turn.t("booking.no_days", weeks=weeks, size=size), ((menu_button(turn),),))
            turn.dialog = turn.dialog.end()
            return
        month = str(turn.dialog.answers.get("month") or found.days[0].strftime("%Y-%m"))
        people = turn.label("booking.people_one" if size == 1 else "booking.people_many")
        turn.say(
            turn.t("booking.choose_day", size=size, people=people),
            self._month_keyboard(turn, month, found.days),
            edit=edit,
        )

    def _month_keyboard(self, turn: Turn, month: str, days: list[date]) -> Keyboard:
        year, number = (int(part) for part in month.split("-"))
        first_month = days[0].strftime("%Y-%m")
        last_month = days[-1].strftime("%Y-%m")
        bookable = set(days)
        title = format_date(date(year, number, 1), "LLLL y", locale=LOCALES[turn.lang])
        previous = f"{year - (number == 1)}-{12 if number == 1 else number - 1:02d}"
        following = f"{year + (number == 12)}-{1 if number == 12 else number + 1:02d}"
        header = [
            Button(turn.label("booking.prev"), FlowAnswer(FLOW, "day", "<" + previous))
            if month > first_month
            else Button(" ", Noop()),
            Button(title, Noop()),
            Button(turn.label("booking.next"), FlowAnswer(FLOW, "day", ">" + following))
            if month < last_month
            else Button(" ", Noop()),
        ]
        names = get_day_names("narrow", context="stand-alone", locale=LOCALES[turn.lang])
        weekdays = tuple(Button(names[i], Noop()) for i in range(7))
        rows: list[tuple[Button, ...]] = [tuple(header), weekdays]
        for week in month_grid.Calendar(firstweekday=0).monthdatescalendar(year, number):
            row = []
            for day in week:
                if day.month != number:
                    row.append(Button(" ", Noop()))
                elif day in bookable:
                    row.append(
                        Button(str(day.day), FlowAnswer(FLOW, "day", day.strftime("%Y%m%d")))
                    )
                else:
                    row.append(Button(turn.label("booking.not_bookable_day"), Noop()))
            rows.append(tuple(row))
        back = turn.dialog.history and Button(
            turn.label("common.back"), FlowAnswer(FLOW, "day", BACK)
        )
        rows.append((back, menu_button(turn)) if back else (menu_button(turn),))
        return tuple(rows)

    async def _prompt_time(
        self, turn: Turn, intro_key: str = "", found: booking_service.Availability | None = None
    ) -> None:
        found = found or await self._availability(turn)
        day = date.fromisoformat(str(turn.dialog.answers["day"]))
        starts = booking_service.starts_on(found, day, len(self._party(turn)), turn.now)
        if not starts:
            turn.say(turn.t("booking.day_unavailable"))
            turn.dialog = turn.dialog.back()
            await self._prompt_day(turn)
            return
        minutes = int((starts[0].end - starts[0].start).total_seconds() // 60)
        buttons = [
            Button(
                format_clock(itinerary.visits[0].start, turn.lang),
                FlowAnswer(FLOW, "time", itinerary.visits[0].start.strftime("%H%M")),
            )
            for itinerary in starts
        ]
        text = turn.t("booking.choose_time", day=format_day(day, turn.lang), minutes=minutes)
        if intro_key:
            text = Markup(f"{turn.t(intro_key)}\n\n{text}")
        back = Button(turn.label("common.back"), FlowAnswer(FLOW, "time", BACK))
        turn.say(text, (*grid(buttons, 4), (back, menu_button(turn))))

    async def _prompt_confirm(self, turn: Turn) -> None:
        itinerary = await self._chosen(turn)
        if itinerary is None:
            turn.dialog = turn.dialog.back()
            await self._prompt_time(turn, "booking.time_unavailable")
            return
        location = self._location(turn)
        text = turn.t(
            "booking.confirm_question",
            itinerary=describe(turn, itinerary.day, itinerary.visits, location),
            address=f"{location.name}, {location.address}",
        )
        buttons = (
            (Button(turn.label("booking.confirm"), FlowAnswer(FLOW, "confirm", "yes")),),
            (
                Button(turn.label("common.back"), FlowAnswer(FLOW, "confirm", BACK)),
                menu_button(turn),
            ),
        )
        turn.say(text, buttons)

    async def _chosen(self, turn: Turn) -> Itinerary | None:
        """The chosen day and time, re-validated against the database now."""
        answers = turn.dialog.answers
        try:
            day = date.fromisoformat(str(answers["day"]))
            start = time.fromisoformat(str(answers["time"]))
        except (KeyError, ValueError):
            return None
        found = await self._availability(turn)
        location = self._location(turn)
        return booking_service.recheck(
            found,
            day,
            start,
            len(self._party(turn)),
            turn.today,
            turn.ctx.working_days[location.id],
        )

    async def on_button(self, turn: Turn, step: str, value: str) -> None:
        """Applies a tap on the current step."""
        if value == BACK:
            turn.dialog = turn.dialog.back()
            await self.prompt(turn)
            return
        if step == "children" and value.isdigit() and 1 <= int(value) <= MAX_CHILDREN:
            turn.clear_tapped_keyboard = True
            turn.dialog = turn.dialog.advance("day", children=int(value))
            await self.prompt(turn)
        elif step == "day" and value[:1] in "<>" and _is_month(value[1:]):
            turn.dialog = turn.dialog.answer(month=value[1:])
            await self._prompt_day(turn, edit=True)
        elif step == "day" and _is_day(value):
            await self._choose_day(turn, datetime.strptime(value, "%Y%m%d").date())
        elif step == "time" and value.isdigit() and len(value) == 4:
            turn.dialog = turn.dialog.advance("confirm", time=f"{value[:2]}:{value[2:]}")
            await self._prompt_confirm(turn)
        elif step == "confirm" and value == "yes":
            await self._confirm(turn)
        else:
            turn.toast = turn.label("errors.stale_button")
            await self.prompt(turn)

    async def _choose_day(self, turn: Turn, day: date) -> None:
        found = await self._availability(turn)
        if day not in found.days:
            turn.toast = turn.label("booking.day_unavailable")
            turn.say(turn.t("booking.day_unavailable"))
            await self._prompt_day(turn)
            return
        turn.dialog = turn.dialog.advance("time", day=day.isoformat(), month=day.strftime("%Y-%m"))
        await self._prompt_time(turn, found=found)  # same transaction: the usage just read holds

    async def _confirm(self, turn: Turn) -> None:
        itinerary = await self._chosen(turn)
        if itinerary is None:
            turn.dialog = turn.dialog.back()
            await self._prompt_time(turn, "booking.just_taken")
            return
        location = self._location(turn)
        party = self._party(turn)
        old = await self._booking(turn)
        try:
            if turn.dialog.answers.get("mode") == "reschedule":
                if old is None:
                    turn.toast = turn.label("errors.stale_button")
                    turn.dialog = turn.dialog.end()
                    return
                change = await booking_service.move_visit(
                    turn.uow, turn.ctx, old, itinerary, now=turn.now
                )
            else:
                change = await booking_service.book_visit(
                    turn.uow,
                    turn.ctx,
                    location,
                    itinerary,
                    user_id=turn.incoming.user_id,
                    chat_id=turn.incoming.chat_id,
                    party=party,
                    language=turn.lang,
                    now=turn.now,
                )
        except booking_service.SlotTaken:
            turn.dialog = turn.dialog.back()
            await self._prompt_time(turn, "booking.just_taken")
            return
        except booking_service.AlreadyBooked:
            turn.dialog = turn.dialog.end()
            turn.say(turn.t("booking.already_booked", reference="…"), ((menu_button(turn),),))
            return
        booking = change.booking
        turn.wakeups += change.wakeups
        await hire_booked(turn, booking)
        turn.clear_tapped_keyboard = True
        turn.dialog = turn.dialog.end()
        details = describe(turn, booking.day, booking.visits, location)
        if old is not None:
            done = turn.t("booking.mine.rescheduled", reference=booking.reference)
            turn.say(Markup(f"{done}\n\n{details}"))
            await notify_waitlist(turn, change)
            await say_reopened(turn, booking, change.reopened)
        else:
            turn.say(
                turn.t(
                    "booking.confirmed",
                    reference=Markup(escape(booking.reference)),
                    itinerary=details,
                    location=location.name,
                    address=location.address,
                )
            )
        await send_documents(turn, booking, location)
        turn.say(
            turn.t("menu.title"),
            (
                (Button(turn.label("prereg.button_start"), PreregStart()),),
                (Button(turn.label("menu_more.mine"), Menu("mine")),),
                (menu_button(turn),),
            ),
        )

    def wants_buttons(self, turn: Turn) -> bool:
        """Party, day, time and confirmation are all buttons."""
        return True

    async def on_text(self, turn: Turn, text: str) -> bool:
        """Booking takes only buttons; typed text is treated as a question."""
        return False


async def notify_waitlist(turn: Turn, change: booking_service.VisitChange) -> None:
    """Tells the earliest waiting users that an earlier day has room."""
    freed_day = change.freed_day
    if freed_day is None:
        return
    for booking in change.waiting:
        if booking.user_id == turn.incoming.user_id:
            continue
        lang = await turn.language_of(booking.user_id)
        text = turn.ctx.catalog.text(
            lang, "booking.mine.earlier_free", day=format_day(freed_day, lang)
        )
        turn.tell(
            booking.chat_id,
            text,
            ((Button(turn.ctx.catalog.plain(lang, "menu_more.mine"), Menu("mine")),),),
        )


def _is_day(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y%m%d")
    except ValueError:
        return False
    return len(value) == 8


def _is_month(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y-%m")
    except ValueError:
        return False
    return len(value) == 7
