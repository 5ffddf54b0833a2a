"""Staff commands in the staff chat: the agenda and closing days or desks."""

from __future__ import annotations

from datetime import date
from typing import Literal

from bot.content.catalog import Markup, format_clock, format_day
from bot.dialogs.callbacks import BookingAction, StaffMark
from bot.dialogs.hr.notify import hire_bsn_issued
from bot.dialogs.hr.staff import HR_STAFF_COMMANDS, hr_staff_command
from bot.dialogs.prereg import staff_status_key, unchecked
from bot.dialogs.report import report_command
from bot.dialogs.staff_gate import admit_admin, admit_staff
from bot.dialogs.turn import Button, Keyboard, Turn
from bot.domain.booking import Booking, normalise_reference
from bot.domain.dates import parse_staff_date
from bot.domain.locations import Location
from bot.domain.numbers import TELEGRAM_ID_MAX, plain_int
from bot.services import attendance
from bot.services import booking as booking_service
from bot.services.attendance import Mark

STAFF_COMMANDS = (
    "agenda",
    "close",
    "bsn_issued",
    "staff",
    "staff_add",
    "staff_remove",
    "report",
    *HR_STAFF_COMMANDS,
)
MAX_CLOSURE_DAYS = 62


async def staff_command(turn: Turn) -> None:
    """Runs a staff command, or refuses it outside the staff chat."""
    turn.handler = f"staff:{turn.incoming.command}"
    if turn.incoming.command.startswith("staff"):
        await _manage_staff(turn)
        return
    if not await admit_staff(turn):
        return
    if turn.incoming.command == "agenda":
        await _agenda(turn)
    elif turn.incoming.command == "close":
        await _close(turn)
    elif turn.incoming.command == "bsn_issued":
        reference = normalise_reference(turn.incoming.args)
        if not reference:
            turn.say(turn.t("reminders.staff.usage_bsn"))
            return
        await _mark(turn, "bsn", reference)
    elif turn.incoming.command in HR_STAFF_COMMANDS:
        await hr_staff_command(turn)
    elif turn.incoming.command == "report":
        await report_command(turn)


async def _manage_staff(turn: Turn) -> None:
    """Admins add and remove staff (anywhere); everyone else is refused."""
    if not admit_admin(turn):
        return
    command, arg = turn.incoming.command, turn.incoming.args.strip()
    if command == "staff":
        users = ", ".join(str(u) for u in await turn.uow.staff.all()) or "-"
        admins = ", ".join(str(a) for a in turn.ctx.admin_ids)
        turn.say(turn.t("handoff.staff.staff_list", users=users, admins=admins))
        return
    user_id = plain_int(arg, maximum=TELEGRAM_ID_MAX)
    if user_id is None:
        turn.say(turn.t("handoff.staff.staff_usage"))
        return
    if command == "staff_add":
        changed = await turn.uow.staff.add(user_id, turn.incoming.user_id, turn.now)
        key = "handoff.staff.staff_added"
    else:
        changed = await turn.uow.staff.remove(user_id)
        key = "handoff.staff.staff_removed"
    if changed:
        await turn.uow.audit.record(turn.incoming.user_id, command, f"user:{user_id}", turn.now)
    turn.say(turn.t(key if changed else "handoff.staff.staff_unchanged", user=user_id))


async def staff_button(turn: Turn, tapped: StaffMark) -> None:
    """Agenda and alert buttons: attended, no-show, BSN issued; staff chat only."""
    turn.handler = "staff:button"
    if not await admit_staff(turn):
        return
    await _mark(turn, tapped.action, tapped.reference)


MARKS: dict[str, Mark] = {"att": "attended", "nos": "no_show", "bsn": "bsn_issued"}


async def _mark(turn: Turn, action: Literal["att", "nos", "bsn"], reference: str) -> None:
    """Records attendance or the BSN's issue; the newcomer's messages go through the outbox."""
    result = await attendance.record(turn.uow, turn.ctx, reference, MARKS[action], turn.now)
    if isinstance(result, attendance.Refused):
        if result.reason == "already":
            turn.toast = turn.label("reminders.staff.already", reference=reference)
        elif result.reason == "not_attended":
            turn.say(turn.t("reminders.staff.not_attended", reference=reference))
        else:
            turn.say(turn.t("reminders.staff.unknown_reference", reference=reference))
        return
    name = turn.incoming.first_name
    if result.bsn_due is not None:
        due = format_day(result.bsn_due, turn.lang)
        text = turn.t("reminders.staff.marked_attended", reference=reference, name=name, due=due)
    elif action == "nos":
        text = turn.t("reminders.staff.marked_no_show", reference=reference, name=name)
    else:
        text = turn.t("reminders.staff.marked_issued", reference=reference, name=name)
        await hire_bsn_issued(turn, result.booking)
    turn.wakeups += result.wakeups
    turn.say(text)


async def _agenda(turn: Turn) -> None:
    arg = turn.incoming.args.strip()
    day = parse_staff_date(arg, turn.today) if arg else turn.today
    if day is None:
        turn.say(turn.t("staff.bad_date", text=arg[:40]))
        return
    for location in turn.ctx.locations.values():
        bookings = await turn.uow.bookings.active_on(location.id, day)
        forms = await turn.uow.prereg.completeness(b.id for b in bookings)
        marks = {
            b.id: turn.label("staff.prereg_unchecked")
            for b in bookings
            if b.id in forms and unchecked(await turn.uow.prereg.get(b.id))
        }
        lines: list[str] = [
            turn.t("staff.agenda_title", day=format_day(day, turn.lang), location=location.name)
        ]
        effective = await booking_service.effective_location(turn.uow, location, day)
        closures = [c for c in effective.closures if c.day == day]
        for closure in closures:
            lines.append(turn.t("staff.agenda_closed", reason=closure.reason))
        if not bookings:
            lines.append(turn.t("staff.agenda_empty"))
        for desk in location.desks:
            rows = sorted(
                (
                    (visit, booking)
                    for booking in bookings
                    for visit in booking.visits
                    if visit.desk == desk
                ),
                key=lambda pair: (pair[0].start, pair[1].reference),
            )
            if not rows:
                continue
            lines.append(f"\n<b>{turn.t(f'staff.desks.{desk}')}</b>")
            lines.extend(
                turn.t(
                    "staff.agenda_line",
                    start=format_clock(visit.start.astimezone(turn.ctx.zone), turn.lang),
                    end=format_clock(visit.end.astimezone(turn.ctx.zone), turn.lang),
                    reference=booking.reference,
                    size=booking.party_size,
                    language=booking.language.upper(),
                    prereg=turn.label(staff_status_key(forms.get(booking.id)))
                    + marks.get(booking.id, ""),
                )
                for visit, booking in rows
            )
        buttons = _agenda_buttons(turn, bookings)
        if bookings:
            lines.append(f"\n{turn.t('staff.agenda_prereg_hint', day=day.isoformat())}")
        if buttons:
            lines.append(f"\n<i>{turn.t('reminders.staff.buttons_hint')}</i>")
        turn.say(Markup("\n".join(lines)), buttons)


def _agenda_buttons(turn: Turn, bookings: list[Booking]) -> Keyboard:
    """One row per booking with what can still be marked."""
    rows: list[tuple[Button, ...]] = []
    for booking in bookings:
        ref = booking.reference
        if booking.attendance is None:
            rows.append(
                (
                    Button(
                        turn.label("reminders.staff.attended", reference=ref), StaffMark("att", ref)
                    ),
                    Button(
                        turn.label("reminders.staff.no_show", reference=ref), StaffMark("nos", ref)
                    ),
                )
            )
        elif booking.attendance == "attended" and booking.bsn_issued_at is None:
            rows.append(
                (
                    Button(
                        turn.label("reminders.staff.bsn_issued", reference=ref),
                        StaffMark("bsn", ref),
                    ),
                )
            )
    return tuple(rows)


async def _close(turn: Turn) -> None:
    location = turn.ctx.default_location
    words = turn.incoming.args.split()
    usage = turn.t("staff.close_usage", desks=", ".join(location.desks))
    if not words:
        turn.say(usage)
        return
    first = parse_staff_date(words[0], turn.today)
    if first is None:
        turn.say(turn.t("staff.bad_date", text=words[0][:40]))
        return
    rest = words[1:]
    last = parse_staff_date(rest[0], turn.today) if rest else None
    if last is not None:
        rest = rest[1:]
    last = last or first
    desk = rest[0] if rest and rest[0] in location.desks else None
    if desk is not None:
        rest = rest[1:]
    reason = " ".join(rest).strip()
    if not reason or last < first or (last - first).days > MAX_CLOSURE_DAYS:
        turn.say(usage)
        return
    await turn.uow.closures.add(
        location.id, desk, first, last, reason, turn.incoming.user_id, turn.now
    )
    affected = await turn.uow.bookings.active_between(location.id, first, last)
    affected = [b for b in affected if desk is None or any(v.desk == desk for v in b.visits)]
    what = turn.label(f"staff.desks.{desk}") if desk else turn.label("staff.close_whole")
    lines = [
        turn.t(
            "staff.close_done",
            first=format_day(first, turn.lang),
            last=format_day(last, turn.lang),
            what=what,
            reason=reason,
            count=len(affected),
        )
    ]
    for booking in affected:
        lines.append(
            turn.t(
                "staff.close_affected",
                reference=booking.reference,
                day=format_day(booking.day, turn.lang),
            )
        )
        await _tell_affected(
            turn, location, booking.reference, booking.user_id, booking.chat_id, booking.day, reason
        )
    turn.say(Markup("\n".join(lines)))


async def _tell_affected(
    turn: Turn,
    location: Location,
    reference: str,
    user_id: int,
    chat_id: int,
    day: date,
    reason: str,
) -> None:
    lang = await turn.language_of(user_id)
    catalog = turn.ctx.catalog
    text = catalog.text(
        lang, "staff.close_notice", reference=reference, day=format_day(day, lang), reason=reason
    )
    button = Button(catalog.plain(lang, "staff.close_pick_new"), BookingAction("r", reference))
    turn.tell(chat_id, text, ((button,),))
