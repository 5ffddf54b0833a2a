"""Each booking intent does all it means in one place: capacity, reminders, form and waitlist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.content.context import AppContext
from bot.domain.booking import Booking, party_of
from bot.domain.itinerary import Itinerary
from bot.domain.prereg import Person
from bot.services import booking as booking_service
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork, UnitOfWork

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def _free(uow: UnitOfWork, ctx: AppContext, party_size: int, day_index: int = 0) -> Itinerary:
    """The first free start on the n-th bookable day for a party."""
    location = ctx.default_location
    today = NOW.astimezone(ctx.zone).date()
    found = await booking_service.availability(
        uow, location, ctx.working_days[location.id], party_size, today
    )
    day = found.days[day_index]
    return booking_service.starts_on(found, day, party_size, NOW)[0]


async def _book(
    database: Database, ctx: AppContext, user_id: int, *, children: int = 0, day_index: int = 0
) -> Booking:
    party = party_of(False, children)
    async with SqlUnitOfWork(database) as uow:
        itinerary = await _free(uow, ctx, len(party), day_index)
        change = await booking_service.book_visit(
            uow,
            ctx,
            ctx.default_location,
            itinerary,
            user_id=user_id,
            chat_id=user_id,
            party=party,
            language="en",
            now=NOW,
        )
        await uow.commit()
    assert change.wakeups, "booking plans the reminders before the visit"
    return change.booking


async def test_cancelling_frees_places_drops_messages_and_the_form_and_names_the_waiting(
    database: Database, ctx: AppContext
) -> None:
    early = await _book(database, ctx, 1)
    later = await _book(database, ctx, 2, day_index=3)
    async with SqlUnitOfWork(database) as uow:
        await uow.waitlist.join(later.id, NOW)
        await uow.prereg.create(early.id, 1, [Person("main", {"surname": "Kowalski"})], NOW)
        await uow.commit()

    async with SqlUnitOfWork(database) as uow:
        change = await booking_service.cancel_visit(uow, ctx, early, NOW)
        await uow.commit()

    assert change.booking.status == "cancelled" and change.freed_day == early.day
    assert [b.id for b in change.waiting] == [later.id]
    async with SqlUnitOfWork(database) as uow:
        statuses = {status for _, _, status in await uow.outbox.for_booking(early.id)}
        assert statuses == {"dropped"}, "no message of the cancelled visit is left to send"
        assert await uow.prereg.get(early.id) is None
        assert await uow.bookings.active_for_user(1) is None
        usage = await uow.bookings.usage(ctx.default_location.id, NOW, NOW + timedelta(days=60))
    zone = ctx.zone
    used_days = {slot.astimezone(zone).date() for (_, slot), count in usage.items() if count > 0}
    assert used_days == {later.day}, "the cancelled day's places are free again"


async def test_moving_past_a_documents_expiry_reopens_it_and_replans_reminders(
    database: Database, ctx: AppContext
) -> None:
    booking = await _book(database, ctx, 3)
    answers = {"surname": "Ng", "document_expiry": booking.day.isoformat()}
    async with SqlUnitOfWork(database) as uow:
        form = await uow.prereg.create(booking.id, 3, [Person("main", answers)], NOW)
        await uow.prereg.save(form.submitted(NOW), NOW)
        await uow.commit()
    before = await _reminders(database, booking.id)

    async with SqlUnitOfWork(database) as uow:
        later = await _free(uow, ctx, 1, day_index=2)
        change = await booking_service.move_visit(uow, ctx, booking, later, now=NOW)
        await uow.commit()

    assert change.booking.day > booking.day and change.reopened == (0,)
    assert change.freed_day == booking.day
    async with SqlUnitOfWork(database) as uow:
        stored = await uow.prereg.get(booking.id)
    assert stored is not None and not stored.complete
    assert "document_expiry" not in stored.persons[0].answers
    assert stored.persons[0].answers["surname"] == "Ng"
    after = await _reminders(database, booking.id)
    pending = [(kind, due) for kind, due, status in after if status == "pending"]
    assert len(pending) == len(before) and min(due for _, due in pending) > max(
        due for _, due, _ in before
    ), "the reminders follow the visit to its new day"


async def test_removing_a_member_keeps_the_start_and_drops_their_answers(
    database: Database, ctx: AppContext
) -> None:
    booking = await _book(database, ctx, 4, children=1)
    persons = [Person("main", {"surname": "Main"}), Person("child", {"surname": "Kid"})]
    async with SqlUnitOfWork(database) as uow:
        await uow.prereg.create(booking.id, 4, persons, NOW)
        await uow.commit()

    async with SqlUnitOfWork(database) as uow:
        change = await booking_service.remove_member(uow, ctx, booking, 1, NOW)
        await uow.commit()

    assert change is not None
    assert change.booking.party_size == 1
    assert change.booking.visits[0].start == booking.visits[0].start
    async with SqlUnitOfWork(database) as uow:
        form = await uow.prereg.get(booking.id)
        refused = await booking_service.remove_member(uow, ctx, change.booking, 0, NOW)
    assert form is not None and [p.answers["surname"] for p in form.persons] == ["Main"]
    assert refused is None, "the main applicant cannot be removed"


async def _reminders(database: Database, booking_id: int) -> list[tuple[str, datetime, str]]:
    async with SqlUnitOfWork(database) as uow:
        return sorted(await uow.outbox.for_booking(booking_id))
