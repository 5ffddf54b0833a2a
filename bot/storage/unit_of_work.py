"""One transaction per user action, with the repositories it touches."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.bookings import (
    BookingRepository,
    ClosureRepository,
    EligibilityRepository,
    WaitlistRepository,
)
from bot.storage.chat_state import ChatStateRepository
from bot.storage.database import Database
from bot.storage.hr import HireRepository, HrAccountRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.personal_data import PersonalData
from bot.storage.ports import (
    AuditStore,
    BookingStore,
    ChatStateStore,
    ClosureStore,
    DialogStore,
    EligibilityStore,
    FaqGapStore,
    HireStore,
    HrAccountStore,
    OutboxStore,
    PersonalStore,
    PreregStore,
    RecentStore,
    ReportStore,
    StaffStore,
    TicketStore,
    UpdateStore,
    UserStore,
    WaitlistStore,
)
from bot.storage.prereg import PreregRepository
from bot.storage.report_queries import ReportQueries
from bot.storage.repositories import (
    DialogRepository,
    FaqGapRepository,
    UpdateLog,
    UserRepository,
    lock_chat,
)
from bot.storage.tickets import AuditLog, RecentMessages, StaffRepository, TicketRepository


class Conflict(Exception):
    """A write broke a uniqueness or capacity constraint; the savepoint's changes are undone."""


class UnitOfWork(Protocol):
    """One transaction: commit() keeps its changes, leaving without it undoes them."""

    @property
    def users(self) -> UserStore: ...
    @property
    def dialogs(self) -> DialogStore: ...
    @property
    def updates(self) -> UpdateStore: ...
    @property
    def faq_gaps(self) -> FaqGapStore: ...
    @property
    def chat_state(self) -> ChatStateStore: ...
    @property
    def outbox(self) -> OutboxStore: ...
    @property
    def staff(self) -> StaffStore: ...
    @property
    def tickets(self) -> TicketStore: ...
    @property
    def recent(self) -> RecentStore: ...
    @property
    def audit(self) -> AuditStore: ...
    @property
    def bookings(self) -> BookingStore: ...
    @property
    def eligibility(self) -> EligibilityStore: ...
    @property
    def closures(self) -> ClosureStore: ...
    @property
    def waitlist(self) -> WaitlistStore: ...
    @property
    def hr_accounts(self) -> HrAccountStore: ...
    @property
    def hires(self) -> HireStore: ...
    @property
    def prereg(self) -> PreregStore: ...
    @property
    def personal(self) -> PersonalStore: ...
    @property
    def reports(self) -> ReportStore: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def lock_chat(self, chat_id: int) -> None:
        """Waits until no other transaction works on this chat."""
        ...

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """Writes inside are kept together or undone together; a broken constraint is Conflict."""
        ...

    async def commit(self) -> None:
        """Keeps everything done in this unit."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class SqlUnitOfWork:
    """Opens a database transaction; commit() keeps its changes, leaving without it rolls back."""

    session: AsyncSession
    users: UserRepository
    dialogs: DialogRepository
    updates: UpdateLog
    faq_gaps: FaqGapRepository
    chat_state: ChatStateRepository
    outbox: OutboxRepository
    staff: StaffRepository
    tickets: TicketRepository
    recent: RecentMessages
    audit: AuditLog
    bookings: BookingRepository
    eligibility: EligibilityRepository
    closures: ClosureRepository
    waitlist: WaitlistRepository
    hr_accounts: HrAccountRepository
    hires: HireRepository
    prereg: PreregRepository
    personal: PersonalData
    reports: ReportQueries

    def __init__(self, database: Database) -> None:
        self._database = database

    async def __aenter__(self) -> Self:
        self.session = self._database.session()
        await self.session.begin()
        self.users = UserRepository(self.session)
        self.dialogs = DialogRepository(self.session)
        self.updates = UpdateLog(self.session)
        self.faq_gaps = FaqGapRepository(self.session)
        self.chat_state = ChatStateRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.staff = StaffRepository(self.session)
        self.tickets = TicketRepository(self.session, self._database.cipher)
        self.recent = RecentMessages(self.session, self._database.cipher)
        self.audit = AuditLog(self.session)
        self.bookings = BookingRepository(self.session)
        self.eligibility = EligibilityRepository(self.session)
        self.closures = ClosureRepository(self.session)
        self.waitlist = WaitlistRepository(self.session)
        self.hr_accounts = HrAccountRepository(self.session, self._database.cipher)
        self.hires = HireRepository(self.session, self._database.cipher)
        self.prereg = PreregRepository(self.session, self._database.cipher)
        self.personal = PersonalData(self.session, self._database.cipher)
        self.reports = ReportQueries(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()

    async def lock_chat(self, chat_id: int) -> None:
        """Waits until no other transaction works on this chat."""
        await lock_chat(self.session, chat_id, is_sqlite=self._database.is_sqlite)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Writes inside are kept together or undone together; a broken constraint is Conflict."""
        try:
            async with self.session.begin_nested():
                yield
        except IntegrityError:
            raise Conflict from None

    async def commit(self) -> None:
        """Keeps everything done in this unit."""
        await self.session.commit()


def _conforms(uow: SqlUnitOfWork) -> UnitOfWork:
    """Makes mypy prove that the SQL unit of work and its repositories fit the Protocols."""
    return uow
