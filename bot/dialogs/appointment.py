"""'My appointment': view, reschedule, cancel, remove a member, waitlist, calendar file."""

from __future__ import annotations

from bot.content.catalog import Markup, escape, format_day
from bot.dialogs.booking import (
    BookingFlow,
    checklist,
    describe,
    notify_waitlist,
    party_names,
    send_documents,
)
from bot.dialogs.callbacks import BookingAction, Menu, PickMember, RemoveMember
from bot.dialogs.ics import calendar_document
from bot.dialogs.menu import menu_button
from bot.dialogs.prereg import form_checklist, prereg_button, status_line
from bot.dialogs.turn import Button, Turn
from bot.domain.booking import Booking
from bot.services import booking as booking_service

BOOKING = BookingFlow()


async def show_mine(turn: Turn) -> None:
    """The user's booking with what they can do with it."""
    booking = await turn.uow.bookings.active_for_user(turn.incoming.user_id)
    if booking is None:
        turn.say(
            turn.t("booking.mine.none"),
            ((Button(turn.label("menu_more.book"), Menu("book")),), (menu_button(turn),)),
        )
        return
    location = turn.ctx.locations[booking.location_id]
    ref = booking.reference
    waiting = await turn.uow.waitlist.is_waiting(booking.id)
    form = await turn.uow.prereg.get(booking.id)
    text = Markup(
        "\n\n".join(
            [
                turn.t("booking.mine.title", reference=ref),
                describe(turn, booking.day, booking.visits, location),
                f"📍 {escape(location.name)}, {escape(location.address)}",
                turn.t("booking.mine.party", names=", ".join(party_names(turn, booking.party))),
                status_line(turn, form),
                checklist(turn, booking.party, [v.step for v in booking.visits])
                if form is None
                else form_checklist(turn, form),
            ]
        )
    )
    rows = [
        *prereg_button(turn, form),
        (Button(turn.label("booking.mine.reschedule"), BookingAction("r", ref)),),
        (
            Button(
                turn.label(
                    "booking.mine.waitlist_leave" if waiting else "booking.mine.waitlist_join"
                ),
                BookingAction("w", ref),
            ),
        ),
        (Button(turn.label("booking.mine.ics"), BookingAction("i", ref)),),
        (Button(turn.label("booking.mine.cancel"), BookingAction("c", ref)),),
    ]
    if booking.party_size > 1:
        rows.insert(1, (Button(turn.label("booking.mine.remove_member"), BookingAction("m", ref)),))
    rows.append((menu_button(turn),))
    turn.say(text, tuple(rows))


async def on_action(turn: Turn, tapped: BookingAction | PickMember | RemoveMember) -> None:
    """A button about a booking, acted on only for the user's own active booking."""
    reference = tapped.reference
    booking = await turn.uow.bookings.active_for_user(turn.incoming.user_id)
    if booking is None or booking.reference != reference:
        turn.toast = turn.label("booking.mine.not_yours")
        turn.say(turn.t("booking.mine.not_yours"), ((menu_button(turn),),))
        return
    location = turn.ctx.locations[booking.location_id]
    if isinstance(tapped, PickMember | RemoveMember):
        if not 0 < tapped.member < booking.party_size:
            turn.toast = turn.label("errors.stale_button")
        elif isinstance(tapped, PickMember):
            _confirm_member(turn, booking, tapped.member)
        else:
            await _remove_member(turn, booking, tapped.member)
        return
    action = tapped.action
    if action == "r":
        await BOOKING.start_reschedule(turn, booking)
    elif action == "i":
        turn.send_document(calendar_document(turn, booking, location))
    elif action == "w":
        await _toggle_waitlist(turn, booking)
    elif action == "c":
        turn.say(
            turn.t(
                "booking.mine.cancel_question",
                reference=reference,
                day=format_day(booking.day, turn.lang),
            ),
            (
                (Button(turn.label("booking.mine.cancel_yes"), BookingAction("cy", reference)),),
                (Button(turn.label("booking.mine.cancel_no"), BookingAction("cn", reference)),),
            ),
        )
    elif action == "cy":
        turn.clear_tapped_keyboard = True
        change = await booking_service.cancel_visit(turn.uow, turn.ctx, booking, turn.now)
        turn.say(turn.t("booking.mine.cancelled", reference=reference), ((menu_button(turn),),))
        location = turn.ctx.locations[booking.location_id]
        turn.send_document(calendar_document(turn, change.booking, location))
        await notify_waitlist(turn, change)
    elif action == "cn":
        turn.clear_tapped_keyboard = True
        turn.say(turn.t("booking.mine.kept"), ((menu_button(turn),),))
    elif action == "m":
        _ask_member(turn, booking)


def _ask_member(turn: Turn, booking: Booking) -> None:
    names = party_names(turn, booking.party)
    rows = tuple(
        (Button(name, PickMember(booking.reference, index)),)
        for index, name in enumerate(names)
        if index > 0
    )
    turn.say(turn.t("booking.mine.remove_question"), (*rows, (menu_button(turn),)))


def _confirm_member(turn: Turn, booking: Booking, index: int) -> None:
    name = party_names(turn, booking.party)[index]
    turn.say(
        turn.t("booking.mine.remove_confirm", name=name, reference=booking.reference),
        (
            (
                Button(
                    turn.label("booking.mine.remove_yes"), RemoveMember(booking.reference, index)
                ),
            ),
            (Button(turn.label("booking.mine.cancel_no"), BookingAction("cn", booking.reference)),),
        ),
    )


async def _remove_member(turn: Turn, booking: Booking, index: int) -> None:
    """Keeps the same start for the smaller party, in one savepoint, or changes nothing."""
    turn.clear_tapped_keyboard = True
    name = party_names(turn, booking.party)[index]
    change = await booking_service.remove_member(turn.uow, turn.ctx, booking, index, turn.now)
    if change is None:
        turn.say(turn.t("booking.mine.remove_does_not_fit"), ((menu_button(turn),),))
        return
    changed = change.booking
    location = turn.ctx.locations[booking.location_id]
    turn.wakeups += change.wakeups
    turn.say(
        Markup(
            f"{turn.t('booking.mine.removed', name=name)}\n\n"
            f"{describe(turn, changed.day, changed.visits, location)}"
        ),
        ((Button(turn.label("menu_more.mine"), Menu("mine")),),),
    )
    await send_documents(turn, changed, location)
    await notify_waitlist(turn, change)


async def _toggle_waitlist(turn: Turn, booking: Booking) -> None:
    if await turn.uow.waitlist.is_waiting(booking.id):
        await turn.uow.waitlist.leave(booking.id)
        turn.toast = turn.label("booking.mine.waitlist_left")
    else:
        await turn.uow.waitlist.join(booking.id, turn.now)
        turn.toast = turn.label("booking.mine.waitlist_joined")
    await show_mine(turn)
