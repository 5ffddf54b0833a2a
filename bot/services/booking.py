"""Booking intents: availability, book, reschedule, cancel, remove a member, waitlist."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.content.context import AppContext
from bot.domain.booking import BookedVisit, Booking, PartyMember, new_reference
from bot.domain.itinerary import Itinerary, available_starts, bookable_days, is_bookable
from bot.domain.locations import Closure, Location
from bot.domain.working_days import WorkingDays
from bot.services import reminders
from bot.storage.unit_of_work import Conflict, UnitOfWork

Usage = dict[tuple[str, datetime], int]
WAITLIST_NOTIFY = 3


class SlotTaken(Exception):
    """Someone else took the last place between showing and confirming."""


class AlreadyBooked(Exception):
    """One active booking per person."""


@dataclass(frozen=True)
class Availability:
    """What can be booked right now for a party, with the usage it was computed from."""

    location: Location
    days: list[date]
    usage: Usage


def booked_visits(itinerary: Itinerary) -> tuple[BookedVisit, ...]:
    """The itinerary as stored with a booking."""
    return tuple(BookedVisit(v.step, v.desk, v.start, v.end) for v in itinerary.visits)


def visit_location(location: Location, booking: Booking) -> Location:
    """The location planning only the steps this booking has (its route's visit)."""
    return location.with_steps({visit.step for visit in booking.visits})


def capacity_of(location: Location) -> dict[str, int]:
    """Counters per desk."""
    return {desk_id: desk.capacity for desk_id, desk in location.desks.items()}


async def effective_location(uow: UnitOfWork, location: Location, today: date) -> Location:
    """The location with staff closures from the database added to the configured ones."""
    last = today + timedelta(days=location.horizon_days + 1)
    extra: list[Closure] = []
    for first, final, desk, reason in await uow.closures.between(location.id, today, last):
        day = max(first, today)
        while day <= min(final, last):
            desks = [desk] if desk is not None else list(location.desks)
            extra.extend(Closure(day, reason, d) for d in desks)
            day += timedelta(days=1)
    if not extra:
        return location
    return replace(location, closures=(*location.closures, *extra))


def _window(location: Location, today: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(location.timezone)
    start = datetime.combine(today, time.min, zone).astimezone(UTC)
    end = datetime.combine(
        today + timedelta(days=location.horizon_days + 1), time.min, zone
    ).astimezone(UTC)
    return start, end


async def availability(
    uow: UnitOfWork,
    location: Location,
    working_days: WorkingDays,
    party_size: int,
    today: date,
    *,
    ignore: Booking | None = None,
) -> Availability:
    """Bookable days for the party; `ignore` frees a booking's own cells (rescheduling)."""
    effective = await effective_location(uow, location, today)
    usage = await uow.bookings.usage(
        location.id, *_window(location, today), full_at=capacity_of(location)
    )
    if ignore is not None:
        for visit in ignore.visits:
            for cell in _cells_of(visit, location.slot_minutes):
                usage[cell] = usage.get(cell, 0) - 1
    days = bookable_days(effective, today, party_size, usage, working_days)
    return Availability(effective, days, usage)


def _cells_of(visit: BookedVisit, slot_minutes: int) -> list[tuple[str, datetime]]:
    cells = []
    slot = visit.start.astimezone(UTC)
    end = visit.end.astimezone(UTC)
    while slot < end:
        cells.append((visit.desk, slot))
        slot += timedelta(minutes=slot_minutes)
    return cells


def starts_on(found: Availability, day: date, party_size: int, now: datetime) -> list[Itinerary]:
    """The start times still free on a day."""
    return available_starts(found.location, day, party_size, found.usage, now=now)


def recheck(
    found: Availability,
    day: date,
    start: time,
    party_size: int,
    today: date,
    working_days: WorkingDays,
) -> Itinerary | None:
    """The itinerary for a requested day and time, or None when it is not (or no longer) free."""
    return is_bookable(found.location, day, start, party_size, today, found.usage, working_days)


async def book(
    uow: UnitOfWork,
    location: Location,
    itinerary: Itinerary,
    *,
    user_id: int,
    chat_id: int,
    party: tuple[PartyMember, ...],
    language: str,
    now: datetime,
) -> Booking:
    """Creates the booking and takes its capacity in one savepoint, or raises SlotTaken."""
    if await uow.bookings.active_for_user(user_id) is not None:
        raise AlreadyBooked
    reference = new_reference(location.reference_prefix)
    while await uow.bookings.reference_taken(reference):
        reference = new_reference(location.reference_prefix)
    try:
        async with uow.savepoint():
            booking = await uow.bookings.add(
                reference=reference,
                user_id=user_id,
                chat_id=chat_id,
                location_id=location.id,
                visits=booked_visits(itinerary),
                party=party,
                language=language,
                now=now,
            )
            await uow.bookings.hold(
                booking.id, location.id, itinerary.cells(), capacity_of(location)
            )
    except Conflict:
        raise SlotTaken from None
    return booking


async def reschedule(
    uow: UnitOfWork,
    location: Location,
    booking: Booking,
    itinerary: Itinerary,
    *,
    party: tuple[PartyMember, ...] | None = None,
    now: datetime,
) -> Booking:
    """Moves the booking: old places are released in the same savepoint that takes the new ones."""
    try:
        async with uow.savepoint():
            await uow.bookings.release(booking.id, location.id)
            changed = await uow.bookings.change(
                booking.id, now, visits=booked_visits(itinerary), party=party
            )
            await uow.bookings.hold(
                booking.id, location.id, itinerary.cells(), capacity_of(location)
            )
    except Conflict:
        raise SlotTaken from None
    return changed


async def cancel(uow: UnitOfWork, location: Location, booking: Booking, now: datetime) -> Booking:
    """Cancels and frees the places."""
    await uow.bookings.release(booking.id, location.id)
    await uow.waitlist.leave(booking.id)
    return await uow.bookings.change(booking.id, now, status="cancelled")


async def waiting_to_notify(
    uow: UnitOfWork,
    location: Location,
    working_days: WorkingDays,
    freed_day: date,
    today: date,
    now: datetime,
) -> list[Booking]:
    """Waiting bookings for whom the freed day now has room; they are marked notified."""
    chosen: list[Booking] = []
    for waiting in await uow.waitlist.waiting_later_than(location.id, freed_day, 20):
        found = await availability(
            uow, visit_location(location, waiting), working_days, waiting.party_size, today
        )
        if freed_day in found.days:
            await uow.waitlist.mark_notified(waiting.id, now)
            chosen.append(waiting)
            if len(chosen) >= WAITLIST_NOTIFY:
                break
    return chosen


# --- intents: one function per thing a user or staff member does with a booking -------------


@dataclass(frozen=True)
class VisitChange:
    """What a booking change means beyond the booking: when to wake and whom to tell."""

    booking: Booking
    wakeups: tuple[datetime, ...] = ()
    freed_day: date | None = None
    waiting: tuple[Booking, ...] = ()  # their owners hear that `freed_day` has room
    reopened: tuple[int, ...] = ()  # persons whose document expires before the new day


async def _waiting_for(
    uow: UnitOfWork, ctx: AppContext, location: Location, freed: date, now: datetime
) -> tuple[Booking, ...]:
    """Waiting bookings to tell about a freed day (they are marked as told)."""
    today = now.astimezone(ctx.zone).date()
    waiting = await waiting_to_notify(
        uow, location, ctx.working_days[location.id], freed, today, now
    )
    return tuple(waiting)


async def book_visit(
    uow: UnitOfWork,
    ctx: AppContext,
    location: Location,
    itinerary: Itinerary,
    *,
    user_id: int,
    chat_id: int,
    party: tuple[PartyMember, ...],
    language: str,
    now: datetime,
) -> VisitChange:
    """Books the day and plans its reminders; SlotTaken or AlreadyBooked otherwise."""
    booking = await book(
        uow,
        location,
        itinerary,
        user_id=user_id,
        chat_id=chat_id,
        party=party,
        language=language,
        now=now,
    )
    wakeups = await reminders.plan_visit(uow, booking, location, ctx.reminders, now)
    return VisitChange(booking, tuple(wakeups))


async def move_visit(
    uow: UnitOfWork,
    ctx: AppContext,
    booking: Booking,
    itinerary: Itinerary,
    *,
    party: tuple[PartyMember, ...] | None = None,
    now: datetime,
) -> VisitChange:
    """Moves the visit (or shrinks its party), replans reminders and reopens expired documents."""
    location = ctx.locations[booking.location_id]
    moved = await reschedule(uow, location, booking, itinerary, party=party, now=now)
    wakeups = await reminders.plan_visit(uow, moved, location, ctx.reminders, now)
    reopened: list[int] = []
    form = await uow.prereg.get(booking.id)
    if form is not None:
        form, reopened = form.reopened_for(moved.day)
        if reopened:
            await uow.prereg.save(form, now)
    return VisitChange(
        moved,
        tuple(wakeups),
        booking.day,
        await _waiting_for(uow, ctx, location, booking.day, now),
        tuple(reopened),
    )


async def cancel_visit(
    uow: UnitOfWork, ctx: AppContext, booking: Booking, now: datetime
) -> VisitChange:
    """Cancels, frees the places, drops every message planned and the form."""
    location = ctx.locations[booking.location_id]
    cancelled = await cancel(uow, location, booking, now)
    await reminders.drop_all(uow, booking)
    await uow.prereg.delete(booking.id)
    waiting = await _waiting_for(uow, ctx, location, booking.day, now)
    return VisitChange(cancelled, (), booking.day, waiting)


async def remove_member(
    uow: UnitOfWork, ctx: AppContext, booking: Booking, index: int, now: datetime
) -> VisitChange | None:
    """Keeps the same start for the smaller party, or changes nothing (None) when it won't fit."""
    if not 0 < index < booking.party_size:
        return None
    location = visit_location(ctx.locations[booking.location_id], booking)
    party = booking.party[:index] + booking.party[index + 1 :]
    today = now.astimezone(ctx.zone).date()
    found = await availability(
        uow, location, ctx.working_days[location.id], len(party), today, ignore=booking
    )
    start = booking.visits[0].start
    options = available_starts(found.location, booking.day, len(party), found.usage)
    itinerary = next((i for i in options if i.visits[0].start == start), None)
    if itinerary is None:
        return None
    try:
        change = await move_visit(uow, ctx, booking, itinerary, party=party, now=now)
    except SlotTaken:
        return None
    form = await uow.prereg.get(booking.id)
    if form is not None and index < len(form.persons):
        await uow.prereg.save(form.without_person(index), now)
    return change
