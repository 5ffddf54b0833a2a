"""Staff commands in the staff chat: the agenda and closing days or desks."""

from __future__ import annotations

from datetime import date

from bot.content.catalog import Markup, format_clock, format_day
from bot.dialogs.turn import Button, Turn
from bot.domain.dates import parse_staff_date
from bot.domain.locations import Location
from bot.services import booking as booking_service

STAFF_COMMANDS = ("agenda", "close")
MAX_CLOSURE_DAYS = 62


def in_staff_chat(turn: Turn) -> bool:
    """Staff commands are accepted only in the configured staff chat."""
    return turn.ctx.staff_chat_id is not None and turn.incoming.chat_id == turn.ctx.staff_chat_id


async def staff_command(turn: Turn) -> None:
    """Runs a staff command, or refuses it outside the staff chat."""
    turn.handler = f"staff:{turn.incoming.command}"
    if not in_staff_chat(turn):
        turn.say(turn.t("staff.only_staff_chat"))
        return
    if turn.incoming.command == "agenda":
        await _agenda(turn)
    elif turn.incoming.command == "close":
        await _close(turn)


async def _agenda(turn: Turn) -> None:
    arg = turn.incoming.args.strip()
    day = parse_staff_date(arg, turn.today) if arg else turn.today
    if day is None:
        turn.say(turn.t("staff.bad_date", text=arg[:40]))
        return
    for location in turn.ctx.locations.values():
        bookings = await turn.uow.bookings.active_on(location.id, day)
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
                    prereg=turn.label("staff.prereg_missing"),
                )
                for visit, booking in rows
            )
        turn.say(Markup("\n".join(lines)))


async def _close(turn: Turn) -> None:
    location = next(iter(turn.ctx.locations.values()))
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
    profile = await turn.uow.users.get(user_id)
    lang = profile.language if profile is not None else turn.ctx.default_language
    catalog = turn.ctx.catalog
    text = catalog.text(
        lang, "staff.close_notice", reference=reference, day=format_day(day, lang), reason=reason
    )
    button = Button(catalog.plain(lang, "staff.close_pick_new"), f"a:r:{reference}")
    turn.tell(chat_id, text, ((button,),))
