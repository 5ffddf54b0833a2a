"""Counts the inputs a pre-registration takes (issue 15): a family of three and one adult alone.

Run from the repository root:

    .venv/bin/python benchmarks/prereg_effort.py

The production conversation service on a fresh SQLite file answers like a user who knows the
answers: every input is a typed message or a tap on a button the bot just showed, from the
"Pre-register" button to "Submit". Country names are typed in full ("Norway", "Norwegian"); a
family member takes the main applicant's household details with one tap where it is offered.
The eligibility check (municipality Maastricht) is stored first, as after a real check. The
postcode register is not reachable here, so the postcode stays unchecked (as without network).
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.content.context import AppContext
from bot.dialogs.callbacks import Callback, FlowAnswer, PreregStart
from bot.dialogs.router import route
from bot.dialogs.runner import Conversations, Outcome
from bot.dialogs.turn import Button, Incoming
from bot.domain.booking import BookedVisit, PartyMember
from bot.services.clock import ManualClock
from bot.storage import schema
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork

CONTENT = Path(__file__).resolve().parents[1] / "content"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
USER = 5151
MAX_INPUTS = 200
FLOW = "prereg"

# (how, value): "type" a message, tap a "choice" button, or tap "skip".
MAIN = {
    "surname": ("type", "Ødegaard"),
    "given_names": ("type", "Zoë Ingrid"),
    "sex": ("choice", "female"),
    "birth_date": ("type", "3 december 1990"),
    "birth_place": ("type", "Tromsø"),
    "birth_country": ("type", "Norway"),
    "nationalities": ("type", "Norwegian"),
    "civil_status": ("choice", "married"),
    "document_type": ("choice", "passport"),
    "document_number": ("type", "XK9912345"),
    "document_expiry": ("type", "2031-01-01"),
    "postcode": ("type", "6211 DW 10a"),
    "house_number": ("type", "10a"),
    "municipality": ("choice", "maastricht"),
    "housing": ("choice", "rental"),
    "arrival_date": ("type", "30-11-2026"),
    "previous_country": ("type", "Norway"),
    "email": ("type", "zoe@example.org"),
    "phone": ("type", "+31 6 12345678"),
    "v_number": ("skip", ""),
}
PARTNER = {
    **MAIN,
    "surname": ("type", "O'Brien"),
    "given_names": ("type", "Seán"),
    "sex": ("choice", "male"),
    "birth_date": ("type", "1988-07-14"),
    "birth_place": ("type", "Cork"),
    "birth_country": ("type", "Ireland"),
    "nationalities": ("type", "Irish"),
    "document_number": ("type", "PA7654321"),
    "email": ("type", "sean@example.org"),
    "phone": ("type", "+353 85 123 4567"),
    "v_number": ("type", "1234567890"),
}
CHILD = {
    **MAIN,
    "surname": ("type", "O'Brien-Ødegaard"),
    "given_names": ("type", "Liam"),
    "sex": ("choice", "male"),
    "birth_date": ("type", "03-05-2019"),
    "birth_place": ("type", "Saint-Étienne"),
    "birth_country": ("type", "France"),
    "document_number": ("type", "CH1122334"),
}
ANSWERS = {"main": MAIN, "partner": PARTNER, "child": CHILD}


class Driver:
    """One user answering through the production service; counts every input."""

    def __init__(self, conversations: Conversations, database: Database) -> None:
        self.conversations = conversations
        self.database = database
        self.inputs = 0
        self.last = Outcome((), "en")

    def shown(self) -> set[str]:
        """The callback data of every button in the last replies."""
        return {b.data for r in self.last.replies for row in r.buttons for b in row if b.data}

    async def send(self, text: str) -> None:
        self.inputs += 1
        incoming = Incoming("text", USER, USER, self.inputs, text=text, first_name="Zoë")
        self.last = await self.conversations.handle(incoming)

    async def tap(self, callback: Callback) -> None:
        data = Button("", callback).data
        assert data in self.shown() or isinstance(callback, PreregStart), (callback, self.shown())
        self.inputs += 1
        incoming = Incoming("button", USER, USER, self.inputs, data=data, first_name="Zoë")
        self.last = await self.conversations.handle(incoming)

    async def step(self) -> str | None:
        """Where the dialog stands now."""
        async with SqlUnitOfWork(self.database) as uow:
            _, dialog = await uow.chat_state.load(USER, USER)
        return dialog.step if dialog is not None and dialog.active else None

    async def complete(self, roles: tuple[str, ...]) -> int:
        """From the Pre-register button to Submit; the number of inputs it took."""
        await self.tap(PreregStart())
        while (step := await self.step()) is not None and self.inputs < MAX_INPUTS:
            if step == "consent":
                await self.tap(FlowAnswer(FLOW, "consent", "yes"))
            elif step == "review":
                await self.tap(FlowAnswer(FLOW, "review", "submit"))
            elif FlowAnswer(FLOW, step, "=household").pack() in self.shown():
                await self.tap(FlowAnswer(FLOW, step, "=household"))
            else:
                person, _, key = step.partition(".")
                how, value = ANSWERS[roles[int(person)]][key]
                if how == "type":
                    await self.send(value)
                else:
                    await self.tap(FlowAnswer(FLOW, step, "=skip" if how == "skip" else value))
        return self.inputs


async def count(ctx: AppContext, folder: Path, roles: tuple[str, ...]) -> int:
    """Inputs for one party on a fresh database."""
    database = Database(f"sqlite+aiosqlite:///{folder / f'effort-{len(roles)}.sqlite3'}")
    await schema.upgrade(database)
    start = NOW + timedelta(days=7)
    async with SqlUnitOfWork(database) as uow:
        await uow.eligibility.save(
            USER, "one_stop", "one_stop", {"route": "hsm", "municipality": "maastricht"}, NOW
        )
        await uow.bookings.add(
            reference=f"MST-EFF{len(roles)}",
            user_id=USER,
            chat_id=USER,
            location_id=ctx.location_for("maastricht").id,
            visits=(BookedVisit("ind", "ind", start, start + timedelta(minutes=30)),),
            party=tuple(PartyMember(role) for role in roles),
            language="en",
            now=NOW,
        )
        await uow.commit()
    driver = Driver(
        Conversations(lambda: SqlUnitOfWork(database), ctx, ManualClock(NOW), route), database
    )
    try:
        inputs = await driver.complete(roles)
        async with SqlUnitOfWork(database) as uow:
            booking = await uow.bookings.active_for_user(USER)
            form = None if booking is None else await uow.prereg.get(booking.id)
        assert form is not None and form.complete, "the form was not submitted complete"
        return inputs
    finally:
        await database.dispose()


async def main() -> None:
    ctx = AppContext.load(CONTENT, ZoneInfo("Europe/Amsterdam"), "en")
    assert date(2026, 11, 30) == NOW.date()
    with tempfile.TemporaryDirectory() as folder:
        family = await count(ctx, Path(folder), ("main", "partner", "child"))
        alone = await count(ctx, Path(folder), ("main",))
    print("pre-registration inputs (Pre-register button to Submit, issue 15)")
    print(f"  family of three (two adults, a child): {family:3d}   aim <= 40")
    print(f"  one adult alone:                        {alone:3d}   aim <= 18")


if __name__ == "__main__":
    asyncio.run(main())
