"""A unit of work over memory: the real dialogs and services run on it in microseconds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Self

from cryptography.fernet import Fernet

from bot.storage.crypto import Cipher
from bot.storage.unit_of_work import Conflict, UnitOfWork
from tests.unit.fakes.bookings import (
    MemoryBookings,
    MemoryClosures,
    MemoryEligibility,
    MemoryWaitlist,
)
from tests.unit.fakes.conversation import (
    MemoryChatState,
    MemoryDialogs,
    MemoryFaqGaps,
    MemoryUpdates,
    MemoryUsers,
)
from tests.unit.fakes.hr import MemoryHires, MemoryHrAccounts
from tests.unit.fakes.outbox import MemoryOutbox
from tests.unit.fakes.prereg import MemoryPersonalData, MemoryPrereg
from tests.unit.fakes.reports import MemoryReports
from tests.unit.fakes.tables import ConstraintBroken, Tables
from tests.unit.fakes.tickets import MemoryAudit, MemoryRecent, MemoryStaff, MemoryTickets


class MemoryDatabase:
    """The committed tables; one unit of work at a time, as SQLite's BEGIN IMMEDIATE allows."""

    def __init__(self, cipher: Cipher | None = None) -> None:
        self.tables = Tables()
        self.cipher = cipher or Cipher([Fernet.generate_key()])
        self.commits = 0
        self._writer = asyncio.Lock()

    def unit(self) -> MemoryUnitOfWork:
        """A new unit of work: the factory the turn runner takes."""
        return MemoryUnitOfWork(self)


class MemoryUnitOfWork:
    """Works on a copy of the tables; commit() publishes it, leaving without it forgets it."""

    def __init__(self, database: MemoryDatabase) -> None:
        self._database = database
        self._entered = False

    async def __aenter__(self) -> Self:
        await self._database._writer.acquire()
        self._entered = True
        self.tables = tables = self._database.tables.copy()
        self.users = MemoryUsers(tables)
        self.dialogs = MemoryDialogs(tables)
        self.updates = MemoryUpdates(tables)
        self.faq_gaps = MemoryFaqGaps(tables)
        self.chat_state = MemoryChatState(tables)
        self.outbox = MemoryOutbox(tables)
        self.staff = MemoryStaff(tables)
        self.tickets = MemoryTickets(tables)
        self.recent = MemoryRecent(tables)
        self.audit = MemoryAudit(tables)
        self.bookings = MemoryBookings(tables)
        self.eligibility = MemoryEligibility(tables)
        self.closures = MemoryClosures(tables)
        self.waitlist = MemoryWaitlist(tables)
        self.hr_accounts = MemoryHrAccounts(tables)
        self.hires = MemoryHires(tables, self._database.cipher)
        self.prereg = MemoryPrereg(tables)
        self.personal = MemoryPersonalData(tables)
        self.reports = MemoryReports(tables)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._entered:
            self._entered = False
            self._database._writer.release()

    async def lock_chat(self, chat_id: int) -> None:
        """The whole store is already this unit's alone."""

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Undoes everything inside on any error; a broken constraint becomes Conflict."""
        snapshot = self.tables.copy()
        try:
            yield
        except ConstraintBroken:
            self.tables.restore(snapshot)
            raise Conflict from None
        except BaseException:
            self.tables.restore(snapshot)
            raise

    async def commit(self) -> None:
        """Publishes this unit's tables; later changes need another commit."""
        self._database.tables = self.tables.copy()
        self._database.commits += 1


def _conforms(uow: MemoryUnitOfWork) -> UnitOfWork:
    """Lets mypy prove the fake fits the same Protocol as the SQL unit of work."""
    return uow
