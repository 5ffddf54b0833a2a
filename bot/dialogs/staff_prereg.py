"""Staff access to pre-registrations: a day's CSV for the municipality desk and one booking's form.

Every view is written to the audit log; only staff in the staff chat get anything.
"""

from __future__ import annotations

from datetime import date

from bot.content.catalog import format_clock, format_day
from bot.dialogs.prereg import display, person_summary, staff_status_key, unchecked
from bot.dialogs.staff_gate import admit_staff
from bot.dialogs.turn import Document, Turn
from bot.domain.booking import normalise_reference
from bot.domain.csv_files import csv_file
from bot.domain.dates import parse_staff_date
from bot.domain.postcodes import CHECK_KEY
from bot.domain.prereg_fields import PERSON_FIELDS, fields_for

PREREG_COMMANDS = ("prereg", "prereg_csv")


async def prereg_command(turn: Turn) -> None:
    """/prereg_csv [date] or /prereg REFERENCE."""
    turn.handler = f"staff:{turn.incoming.command}"
    if not await admit_staff(turn):
        return
    arg = turn.incoming.args.strip()
    if turn.incoming.command == "prereg_csv":
        day = parse_staff_date(arg, turn.today) if arg else turn.today
        if day is None:
            turn.say(turn.t("staff.bad_date", text=arg[:40]))
            return
        await send_day_csv(turn, day)
    else:
        await _show_one(turn, normalise_reference(arg))


async def send_day_csv(turn: Turn, day: date) -> None:
    """One row per person of every active booking that day, with its pre-registration."""
    rows: list[list[str]] = []
    labels = [turn.label(f"prereg_fields.{f.key}.label") for f in PERSON_FIELDS]
    rows.append(
        [turn.label(f"staff_prereg.columns.{c}") for c in ("reference", "time", "person", "role")]
        + [turn.label("staff_prereg.columns.complete"), *labels]
        + [turn.label("staff_prereg.columns.address_check")]
    )
    count = 0
    for location in turn.ctx.locations.values():
        for booking in await turn.uow.bookings.active_on(location.id, day):
            form = await turn.uow.prereg.get(booking.id)
            start = format_clock(booking.start.astimezone(turn.ctx.zone), turn.lang)
            if form is None:
                not_started = turn.label(staff_status_key(None))
                rows.append([booking.reference, start, "", "", not_started])
                continue
            for index, person in enumerate(form.persons):
                asked = {f.key for f in fields_for(person.role)}
                values = [
                    display(turn, f, person.answers.get(f.key)) if f.key in asked else ""
                    for f in PERSON_FIELDS
                ]
                rows.append(
                    [
                        booking.reference,
                        start,
                        str(index + 1),
                        turn.label(f"staff_prereg.roles.{person.role}"),
                        turn.label(staff_status_key(form.complete)),
                        *values,
                        _address_check(turn, person.answers.get(CHECK_KEY)),
                    ]
                )
                count += 1
    await turn.uow.audit.record(
        turn.incoming.user_id, "prereg_csv", f"day:{day.isoformat()}", turn.now
    )
    turn.send_document(
        Document(
            f"preregistrations-{day.isoformat()}.csv",
            csv_file(rows),
            turn.label("staff_prereg.csv_caption", day=format_day(day, turn.lang), count=count),
        )
    )


def _address_check(turn: Turn, value: object) -> str:
    """How the postcode was checked: by the register, unchecked (it was down), or user-confirmed."""
    if value not in ("ok", "unchecked", "confirmed"):
        return ""
    return turn.label(f"staff_prereg.address_check.{value}")


async def _show_one(turn: Turn, reference: str | None) -> None:
    booking = await turn.uow.bookings.by_reference(reference) if reference else None
    if booking is None:
        turn.say(turn.t("staff_prereg.unknown"))
        return
    form = await turn.uow.prereg.get(booking.id)
    await turn.uow.audit.record(
        turn.incoming.user_id, "prereg_view", f"booking:{booking.reference}", turn.now
    )
    if form is None:
        turn.say(turn.t("staff_prereg.none", reference=booking.reference))
        return
    status = turn.label(staff_status_key(form.complete))
    turn.say(turn.t("staff_prereg.title", reference=booking.reference, status=status))
    if unchecked(form):
        turn.say(turn.t("staff_prereg.unchecked"))
    for index in range(len(form.persons)):
        turn.say(person_summary(turn, form, index, heading=f"{index + 1}. "))
