"""What each scheduled message says, rendered when it is sent (in the user's language then)."""

from __future__ import annotations

from datetime import datetime

from bot.content.catalog import Markup, escape, format_clock, format_day
from bot.content.context import AppContext
from bot.dialogs.booking import itinerary_lines
from bot.dialogs.callbacks import BookingAction, StaffMark
from bot.dialogs.prereg import form_items
from bot.dialogs.turn import Button, Keyboard
from bot.domain.booking import Booking
from bot.domain.checklist import party_checklist
from bot.domain.language import Language, parse_language
from bot.domain.outbox import OutboxMessage
from bot.domain.prereg import Preregistration
from bot.domain.reminders import KINDS, bsn_due_date, insurance_deadline, still_makes_sense
from bot.storage.unit_of_work import UnitOfWork

Rendered = tuple[Markup, Keyboard]


async def render(
    uow: UnitOfWork, ctx: AppContext, message: OutboxMessage, now: datetime
) -> Rendered | None:
    """The text and buttons, or None when the message no longer makes sense (it is dropped)."""
    if message.kind == "staff_digest":
        return await _digest(uow, ctx, now)
    if message.kind == "ticket_reraise":
        return await _reraise(uow, ctx, message)
    booking = await uow.bookings.get(message.booking_id) if message.booking_id else None
    if booking is None or booking.status != "active":
        return None
    if message.kind not in KINDS:
        return None
    kind = message.kind
    if not still_makes_sense(kind, message.due, now, booking.start, ctx.reminders.stale_after):
        return None
    if message.kind in ("bsn_due", "staff_bsn_overdue") and booking.bsn_issued_at is not None:
        return None
    lang = await _language(uow, ctx, message)
    form = await uow.prereg.get(booking.id) if kind == "evening_before" else None
    return _text(ctx, booking, message.kind, lang, form)


async def _language(uow: UnitOfWork, ctx: AppContext, message: OutboxMessage) -> Language:
    if message.user_id is None:
        return ctx.default_language
    profile = await uow.users.get(message.user_id)
    if profile is not None:
        return profile.language
    return parse_language(message.language) or ctx.default_language


def _text(
    ctx: AppContext,
    booking: Booking,
    kind: str,
    lang: Language,
    form: Preregistration | None = None,
) -> Rendered:
    catalog = ctx.catalog
    location = ctx.locations[booking.location_id]
    working_days = ctx.working_days[location.id]
    address = f"{location.name}, {location.address}"
    day = format_day(booking.day, lang)
    if kind == "evening_before":
        text = catalog.text(
            lang,
            "reminders.evening_before",
            reference=booking.reference,
            itinerary=Markup(itinerary_lines(catalog, lang, booking.visits, location.timezone)),
            address=address,
        )
        if form is not None:  # the checklist the pre-registration answers made personal
            items = form_items(catalog, lang, form)
        else:
            items = "\n".join(
                f"• {catalog.text(lang, f'booking.checklist.{key}')}"
                for key in party_checklist(
                    booking.party, ctx.rules.visit_for_steps([v.step for v in booking.visits])
                )
            )
        return Markup(f"{text}\n\n{catalog.text(lang, 'reminders.checklist_intro')}\n{items}"), ()
    if kind == "morning_of":
        first = booking.visits[0]
        return catalog.text(
            lang,
            "reminders.morning_of",
            time=format_clock(first.start.astimezone(ctx.zone), lang),
            first_step=catalog.plain(lang, f"booking.steps.{first.step}"),
            address=address,
        ), ()
    if kind == "bsn_expected":
        due = bsn_due_date(booking.day, working_days, ctx.reminders)
        return catalog.text(
            lang, "reminders.bsn_expected", day=format_day(due, lang), reference=booking.reference
        ), ()
    if kind == "bsn_due":
        return catalog.text(lang, "reminders.bsn_due"), ()
    if kind == "bsn_next_steps":
        return catalog.text(lang, "reminders.bsn_next_steps"), ()
    if kind == "insurance_deadline":
        deadline = insurance_deadline(booking.day, ctx.reminders)
        return catalog.text(
            lang, "reminders.insurance_deadline", visit_day=day, deadline=format_day(deadline, lang)
        ), ()
    if kind == "no_show_offer":
        button = Button(
            catalog.plain(lang, "reminders.no_show_button"), BookingAction("r", booking.reference)
        )
        text = catalog.text(lang, "reminders.no_show_offer", reference=booking.reference, day=day)
        return text, ((button,),)
    if kind == "staff_bsn_overdue":
        due = bsn_due_date(booking.day, working_days, ctx.reminders)
        text = catalog.text(
            lang,
            "reminders.staff.bsn_overdue",
            reference=booking.reference,
            day=day,
            due=format_day(due, lang),
        )
        button = Button(
            catalog.plain(lang, "reminders.staff.bsn_issued", reference=booking.reference),
            StaffMark("bsn", booking.reference),
        )
        return text, ((button,),)
    raise ValueError(f"unknown reminder kind {kind}")


async def _reraise(uow: UnitOfWork, ctx: AppContext, message: OutboxMessage) -> Rendered | None:
    """Raises a still unclaimed ticket again; nothing once someone claimed or closed it."""
    ticket = await uow.tickets.get(int(message.payload.get("ticket", 0)))
    if ticket is None or ticket.status != "open":
        return None
    lang = ctx.default_language
    topic = ctx.catalog.plain(lang, f"handoff.topics.{ticket.topic}")
    return ctx.catalog.text(lang, "handoff.staff.still_waiting", ticket=ticket.id, topic=topic), ()


async def _digest(uow: UnitOfWork, ctx: AppContext, now: datetime) -> Rendered:
    lang = ctx.default_language
    today = now.astimezone(ctx.zone).date()
    catalog = ctx.catalog
    visits = 0
    due_refs: list[str] = []
    for location in ctx.locations.values():
        visits += len(await uow.bookings.active_on(location.id, today))
        for booking in await uow.bookings.bsn_pending(today):
            if booking.location_id != location.id:
                continue
            due = bsn_due_date(booking.day, ctx.working_days[location.id], ctx.reminders)
            if due <= today:
                due_refs.append(booking.reference)
    counts = await uow.outbox.counts()
    refs = ", ".join(escape(r) for r in due_refs) or catalog.plain(
        lang, "reminders.staff.digest_none"
    )
    lines = [
        catalog.text(lang, "reminders.staff.digest_title", day=format_day(today, lang)),
        catalog.text(lang, "reminders.staff.digest_visits", count=visits),
        catalog.text(lang, "reminders.staff.digest_due", refs=Markup(refs)),
        catalog.text(
            lang, "reminders.staff.digest_undeliverable", count=counts.get("undeliverable", 0)
        ),
        catalog.text(lang, "reminders.staff.digest_failed", count=counts.get("failed", 0)),
        catalog.text(lang, "reminders.staff.digest_handoffs", count=await uow.tickets.open_count()),
    ]
    return Markup("\n".join(lines)), ()
