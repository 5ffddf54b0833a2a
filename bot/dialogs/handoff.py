"""Hand-off to staff: a ticket, an alert with context, claim, two-way relay, close and rating."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from bot.content.catalog import Markup, escape, format_day, format_moment, shown
from bot.dialogs.callbacks import HandoffTopic, LeaveHandoff, RateHandoff, TicketAction
from bot.dialogs.menu import menu_button
from bot.dialogs.prereg import staff_status_key
from bot.dialogs.staff_gate import admit_staff
from bot.dialogs.turn import Button, Keyboard, Turn
from bot.domain.dialog import Dialog
from bot.domain.handoff import (
    Ticket,
    expected_wait_minutes,
    in_office_hours,
    next_opening,
    quotes_within,
    telegram_length,
)
from bot.services.handoff import plan_reraise

FLOW = "handoff"
# Telegram takes 4,096 characters; the rest is room for the "claimed/closed by" line.
ALERT_LIMIT = 4096 - 200
RATINGS: tuple[Literal[1, 2, 3, 4, 5], ...] = (1, 2, 3, 4, 5)


async def ask_topic(turn: Turn) -> None:
    """Starts a hand-off: the user picks a topic (or is reminded of the open ticket)."""
    ticket = await turn.uow.tickets.active_for_user(turn.incoming.user_id)
    if ticket is not None:
        turn.say(turn.t("handoff.already_open", ticket=ticket.id), _back_keyboard(turn, ticket))
        return
    if turn.ctx.staff_chat_id is None:  # no staff chat configured: how to reach people directly
        turn.say(turn.t("handoff.unavailable"), ((menu_button(turn),),))
        return
    buttons = tuple(
        (Button(turn.label(f"handoff.topics.{topic}"), HandoffTopic(topic)),)
        for topic in turn.ctx.handoff.topics
    )
    turn.say(turn.t("handoff.topic_question"), (*buttons, (menu_button(turn),)))


def _back_keyboard(turn: Turn, ticket: Ticket) -> Keyboard:
    return ((Button(turn.label("handoff.back_to_bot"), LeaveHandoff(ticket.id)),),)


async def open_ticket(turn: Turn, topic: str) -> None:
    """Creates the ticket, alerts staff with context, tells the user their place in the queue."""
    staff_chat = turn.ctx.staff_chat_id
    if topic not in turn.ctx.handoff.topics or staff_chat is None:
        turn.toast = turn.label("errors.stale_button")
        return
    if await turn.uow.tickets.active_for_user(turn.incoming.user_id) is not None:
        await ask_topic(turn)
        return
    turn.clear_tapped_keyboard = True
    ticket = await turn.uow.tickets.create(
        turn.incoming.user_id,
        turn.incoming.chat_id,
        turn.lang,
        topic,
        turn.incoming.first_name,
        turn.now,
    )
    turn.tell(
        staff_chat,
        await alert_text(turn, ticket),
        _staff_buttons(turn, ticket, claimed=False),
        tag=f"alert:{ticket.id}",
        new_topic=f"#{ticket.id} · {ticket.user_name} · "
        + turn.ctx.catalog.plain(turn.ctx.default_language, f"handoff.topics.{topic}"),
    )
    turn.dialog = Dialog().start(FLOW, "open", {"ticket": ticket.id})
    turn.profile = replace(turn.profile, misses=0)
    settings = turn.ctx.handoff
    location = turn.ctx.default_location
    working_days = turn.ctx.working_days[location.id]
    if in_office_hours(turn.now, turn.ctx.zone, working_days, settings):
        position = await turn.uow.tickets.position(ticket)
        text = turn.t(
            "handoff.opened",
            ticket=ticket.id,
            position=position,
            minutes=expected_wait_minutes(position, settings),
        )
    else:
        when = next_opening(turn.now, turn.ctx.zone, working_days, settings)
        text = turn.t(
            "handoff.opened_closed_hours",
            ticket=ticket.id,
            when=format_moment(when.astimezone(turn.ctx.zone), turn.lang),
        )
    turn.say(
        text,
        _back_keyboard(turn, ticket),
        needs=f"alert:{ticket.id}",
        otherwise=turn.t("handoff.not_passed_on", ticket=ticket.id),
    )
    due = await plan_reraise(turn.uow, turn.ctx, ticket.id, turn.now)
    if due is not None:
        turn.wakeups.append(due)


async def alert_text(turn: Turn, ticket: Ticket) -> Markup:
    """Everything staff need, in the staff chat's language; no personal data beyond the name.

    Always within Telegram's limit, with room for the "claimed by" line: the quoted messages
    are shortened, never the ticket's facts.
    """
    lang = turn.ctx.default_language
    catalog = turn.ctx.catalog
    recent = await turn.uow.recent.last(ticket.chat_id, turn.ctx.handoff.recent_messages)
    booking = await turn.uow.bookings.active_for_user(ticket.user_id)
    booking_text = (
        catalog.plain(
            lang,
            "handoff.staff.booking_line",
            reference=booking.reference,
            status=booking.status,
            day=format_day(booking.day, lang),
        )
        if booking is not None
        else catalog.plain(lang, "handoff.staff.no_booking")
    )
    eligibility = await turn.uow.eligibility.get(ticket.user_id)
    forms = await turn.uow.prereg.completeness([booking.id] if booking is not None else [])
    complete = forms.get(booking.id) if booking is not None else None

    def alert(messages: str) -> Markup:
        return catalog.text(
            lang,
            "handoff.staff.alert",
            ticket=ticket.id,
            name=ticket.user_name,
            language=ticket.language.upper(),
            topic=catalog.plain(lang, f"handoff.topics.{ticket.topic}"),
            messages=Markup(messages),
            booking=booking_text,
            prereg=catalog.plain(lang, staff_status_key(complete)),
            eligibility=eligibility[0]
            if eligibility
            else catalog.plain(lang, "handoff.staff.no_eligibility"),
        )

    if not recent:
        return alert(escape(catalog.plain(lang, "handoff.staff.no_messages")))
    frame = telegram_length(shown(alert(""))) + len(recent) * len("› \n")
    quoted = quotes_within(recent, ALERT_LIMIT - frame)
    return alert("\n".join(f"› {escape(text)}" for text in quoted))


def _staff_buttons(turn: Turn, ticket: Ticket, *, claimed: bool) -> Keyboard:
    lang = turn.ctx.default_language
    close = Button(
        turn.ctx.catalog.plain(lang, "handoff.staff.close"), TicketAction("x", ticket.id)
    )
    if claimed:
        return ((close,),)
    claim = Button(
        turn.ctx.catalog.plain(lang, "handoff.staff.claim"), TicketAction("c", ticket.id)
    )
    return ((claim, close),)


class HandoffFlow:
    """While a ticket is open, what the user writes goes to staff instead of the FAQ."""

    name = FLOW

    async def prompt(self, turn: Turn) -> None:
        """Reminds the user they are talking to staff."""
        ticket = await self._ticket(turn)
        if ticket is None:
            turn.dialog = turn.dialog.end()
            return
        turn.say(turn.t("handoff.already_open", ticket=ticket.id), _back_keyboard(turn, ticket))

    async def on_button(self, turn: Turn, step: str, value: str) -> None:
        """No flow buttons: the hand-off has its own callbacks."""
        turn.toast = turn.label("errors.stale_button")

    def wants_buttons(self, turn: Turn) -> bool:
        """Typed text has a meaning at every step here (an answer, a message or a question)."""
        return False

    async def on_text(self, turn: Turn, text: str) -> bool:
        """Relays the text to the ticket in the staff chat."""
        return await relay_from_user(turn)

    async def _ticket(self, turn: Turn) -> Ticket | None:
        ticket = await turn.uow.tickets.active_for_user(turn.incoming.user_id)
        if ticket is None or ticket.id != turn.dialog.answers.get("ticket"):
            return None
        return ticket


async def relay_from_user(turn: Turn) -> bool:
    """Passes the user's message (text, photo or file) to staff, replying to the alert."""
    ticket = await turn.uow.tickets.active_for_user(turn.incoming.user_id)
    staff_chat = turn.ctx.staff_chat_id
    if ticket is None or staff_chat is None:
        turn.dialog = turn.dialog.end()
        return False
    lang = turn.ctx.default_language
    name = turn.incoming.first_name
    turn.handler = "handoff:relay"
    if turn.incoming.has_media:
        caption = turn.ctx.catalog.text(
            lang, "handoff.staff.from_user_caption", ticket=ticket.id, name=name
        )
        if turn.incoming.text:
            caption = Markup(f"{caption}: {escape(turn.incoming.text)}")
        turn.tell(
            staff_chat,
            caption,
            reply_to=ticket.alert_message_id,
            tag=f"relay:{ticket.id}",
            copy_of=turn.incoming.message_id,
            thread_id=ticket.thread_id,
        )
    else:
        turn.tell(
            staff_chat,
            turn.ctx.catalog.text(
                lang,
                "handoff.staff.from_user",
                ticket=ticket.id,
                name=name,
                text=turn.incoming.text,
            ),
            reply_to=ticket.alert_message_id,
            tag=f"relay:{ticket.id}",
            thread_id=ticket.thread_id,
        )
    return True


async def rate_ticket(turn: Turn, tapped: RateHandoff) -> None:
    """Stores the user's rating of their closed ticket (once)."""
    stored = await turn.uow.tickets.rate(tapped.ticket, turn.incoming.user_id, tapped.rating)
    turn.clear_tapped_keyboard = stored
    turn.toast = turn.label("handoff.rated" if stored else "errors.stale_button")


async def leave_ticket(turn: Turn, ticket_id: int) -> None:
    """Back to the bot: closes the user's own open ticket, if it is this one."""
    ticket = await turn.uow.tickets.active_for_user(turn.incoming.user_id)
    if ticket is None or ticket.id != ticket_id:
        turn.toast = turn.label("errors.stale_button")
        return
    await turn.uow.tickets.close(ticket.id, turn.now)
    turn.clear_tapped_keyboard = True
    if turn.dialog.flow == FLOW:
        turn.dialog = turn.dialog.end()
    staff_chat = turn.ctx.staff_chat_id
    if staff_chat is not None:
        turn.tell(
            staff_chat,
            turn.ctx.catalog.text(
                turn.ctx.default_language, "handoff.staff.left_by_user", ticket=ticket.id
            ),
            reply_to=ticket.alert_message_id,
            thread_id=ticket.thread_id,
        )
    turn.say(turn.t("handoff.left", ticket=ticket.id), ((menu_button(turn),),))


async def staff_ticket_button(turn: Turn, tapped: TicketAction) -> None:
    """Claims or closes a ticket; staff only, in the staff chat."""
    turn.handler = "handoff:staff_button"
    if not await admit_staff(turn):
        return
    ticket = await turn.uow.tickets.get(tapped.ticket)
    if ticket is None:
        turn.toast = turn.label("errors.stale_button")
        return
    name = turn.incoming.first_name
    if ticket.status == "closed":
        turn.toast = turn.label("handoff.staff.ticket_closed")
        return
    alert = await alert_text(turn, ticket)
    if tapped.action == "c":
        if not await turn.uow.tickets.claim(ticket.id, turn.incoming.user_id, name, turn.now):
            turn.toast = turn.label(
                "handoff.staff.already_claimed", name=ticket.claimed_by_name or "?"
            )
            return
        await turn.uow.audit.record(turn.incoming.user_id, "claim", f"ticket:{ticket.id}", turn.now)
        claimed = turn.label("handoff.staff.claimed_by", name=name)
        turn.say(
            Markup(f"{alert}\n\n<b>{escape(claimed)}</b>"),
            _staff_buttons(turn, ticket, claimed=True),
            edit=True,
        )
        await _tell_user(turn, ticket, "handoff.joined", name=name)
    else:
        await turn.uow.tickets.close(ticket.id, turn.now)
        await turn.uow.audit.record(turn.incoming.user_id, "close", f"ticket:{ticket.id}", turn.now)
        closed = turn.label("handoff.staff.closed_by", name=name)
        turn.say(Markup(f"{alert}\n\n<b>{escape(closed)}</b>"), (), edit=True)
        await _end_user_flow(turn, ticket)
        ratings = tuple(Button(str(n), RateHandoff(ticket.id, n)) for n in RATINGS)
        await _tell_user(turn, ticket, "handoff.closed", buttons=(ratings,), ticket=ticket.id)


async def _end_user_flow(turn: Turn, ticket: Ticket) -> None:
    """The user's chat leaves the hand-off: the bot answers again."""
    await turn.uow.lock_chat(ticket.chat_id)
    dialog = await turn.uow.dialogs.get(ticket.chat_id)
    if dialog.flow == FLOW:
        await turn.uow.dialogs.save(ticket.chat_id, ticket.user_id, dialog.end(), turn.now)


async def _tell_user(
    turn: Turn, target: Ticket, key: str, buttons: Keyboard = (), **params: object
) -> None:
    lang = await turn.language_of(target.user_id)
    turn.tell(target.chat_id, turn.ctx.catalog.text(lang, key, **params), buttons)


async def staff_reply(turn: Turn) -> bool:
    """Staff writing in a ticket's forum topic, or replying to its messages: relayed to the user."""
    ticket = None
    if turn.incoming.thread_id is not None:
        ticket = await turn.uow.tickets.by_thread(turn.incoming.thread_id)
    if ticket is None and turn.incoming.reply_to_message_id is not None:
        ticket = await turn.uow.tickets.by_staff_message(turn.incoming.reply_to_message_id)
    if ticket is None:
        return False
    turn.handler = "handoff:staff_reply"
    if not await admit_staff(turn):
        return True
    if ticket.status == "closed":
        turn.say(turn.t("handoff.staff.ticket_closed"))
        return True
    name = turn.incoming.first_name
    if ticket.status == "open" and await turn.uow.tickets.claim(
        ticket.id, turn.incoming.user_id, name, turn.now
    ):
        await turn.uow.audit.record(turn.incoming.user_id, "claim", f"ticket:{ticket.id}", turn.now)
        await _tell_user(turn, ticket, "handoff.joined", name=name)
    await turn.uow.audit.record(turn.incoming.user_id, "reply", f"ticket:{ticket.id}", turn.now)
    lang = await turn.language_of(ticket.user_id)
    if turn.incoming.has_media:
        caption = turn.ctx.catalog.text(
            lang, "handoff.staff_caption", name=name, text=turn.incoming.text
        )
        turn.tell(ticket.chat_id, caption, copy_of=turn.incoming.message_id)
    else:
        turn.tell(
            ticket.chat_id,
            turn.ctx.catalog.text(lang, "handoff.staff_says", name=name, text=turn.incoming.text),
        )
    return True
