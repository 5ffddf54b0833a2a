"""HR accounts and hires: e-mail and personal fields encrypted, invite tokens only as hashes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.hr import CORRECTABLE, AccountStatus, Hire, HireOverview, HrAccount
from bot.domain.invites import VisitFacts
from bot.domain.language import stored_language
from bot.storage.crypto import Cipher
from bot.storage.tables import BookingRow, HireRow, HrAccountRow, PreregistrationRow

if TYPE_CHECKING:  # the storage layer needs only the draft's shape
    from bot.domain.hires import HireDraft

ERASED = {"erased": True}


def _account(row: HrAccountRow, cipher: Cipher) -> HrAccount:
    return HrAccount(
        user_id=row.user_id,
        chat_id=row.chat_id,
        kvk=row.kvk,
        email=cipher.decrypt(row.email),
        language=stored_language(row.language),
        status=cast(AccountStatus, row.status),
        notify=row.notify,
        requested_at=row.requested_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
    )


class HrAccountRepository:
    """Who may act as HR of which sponsor."""

    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    async def get(self, user_id: int) -> HrAccount | None:
        """The account of a Telegram user, whatever its status."""
        row = await self._session.get(HrAccountRow, user_id)
        return None if row is None else _account(row, self._cipher)

    async def request(
        self, user_id: int, chat_id: int, kvk: str, email: str, language: str, now: datetime
    ) -> HrAccount:
        """Records a (new) request for access; it waits for staff as `pending`."""
        row = await self._session.get(HrAccountRow, user_id)
        if row is None:
            row = HrAccountRow(user_id=user_id)
            self._session.add(row)
        row.chat_id, row.kvk, row.language = chat_id, kvk, language
        row.email = self._cipher.encrypt(email)
        row.status, row.notify, row.requested_at = "pending", True, now
        row.decided_by, row.decided_at, row.alert_message_id = None, None, None
        await self._session.flush()
        return _account(row, self._cipher)

    async def decide(
        self,
        user_id: int,
        status: AccountStatus,
        by: int,
        now: datetime,
        *,
        only_from: Sequence[AccountStatus],
    ) -> HrAccount | None:
        """Moves an account to a new status if it is in one of `only_from`; else None."""
        result = await self._session.execute(
            update(HrAccountRow)
            .where(HrAccountRow.user_id == user_id, HrAccountRow.status.in_(tuple(only_from)))
            .values(status=status, decided_by=by, decided_at=now)
        )
        if not getattr(result, "rowcount", 0):
            return None
        return await self._fresh(user_id)

    async def set_notify(self, user_id: int, notify: bool) -> None:
        """Turns notifications about hires on or off."""
        await self._session.execute(
            update(HrAccountRow).where(HrAccountRow.user_id == user_id).values(notify=notify)
        )

    async def listing(self, limit: int = 50) -> list[HrAccount]:
        """Accounts for staff: pending first, then approved, newest first within each."""
        order = {"pending": 0, "approved": 1, "rejected": 2, "revoked": 3}
        rows = (
            await self._session.scalars(
                select(HrAccountRow).order_by(HrAccountRow.requested_at.desc()).limit(limit)
            )
        ).all()
        accounts = [_account(row, self._cipher) for row in rows]
        return sorted(accounts, key=lambda a: order.get(a.status, 9))

    async def notify_targets(self, kvk: str) -> list[HrAccount]:
        """Approved accounts of a sponsor that want to hear about their hires."""
        rows = await self._session.scalars(
            select(HrAccountRow)
            .where(
                HrAccountRow.kvk == kvk,
                HrAccountRow.status == "approved",
                HrAccountRow.notify.is_(True),
            )
            .order_by(HrAccountRow.user_id)
        )
        return [_account(row, self._cipher) for row in rows]

    async def _fresh(self, user_id: int) -> HrAccount | None:
        row = await self._session.get(HrAccountRow, user_id, populate_existing=True)
        return None if row is None else _account(row, self._cipher)


class HireRepository:
    """Hires of sponsors; every query HR triggers is scoped by the account's KvK number."""

    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    def seal(self, text: str) -> str:
        """Encrypts a value that must wait in dialog state (a hire's details being typed)."""
        return self._cipher.encrypt(text)

    def unseal(self, token: str) -> str:
        """The value `seal` hid; '' when it cannot be opened (a rotated-out key)."""
        try:
            return self._cipher.decrypt(token)
        except ValueError:
            return ""

    def _body(self, row: HireRow) -> dict[str, Any]:
        body = json.loads(self._cipher.decrypt(row.body))
        return body if isinstance(body, dict) else dict(ERASED)

    def _hire(self, row: HireRow) -> Hire:
        body = self._body(row)
        fixes = body.get("fix") or {}
        erased = bool(body.get("erased"))
        return Hire(
            id=row.id,
            kvk=row.kvk,
            created_by=row.created_by,
            hr_name=str(body.get("name", "")),
            name=str(fixes.get("name", body.get("name", ""))),
            email=str(fixes.get("email", body.get("email", ""))),
            phone=str(fixes.get("phone", body.get("phone", ""))),
            language=stored_language(str(body.get("language", ""))),
            arrival_date=row.arrival_date,
            route=row.route,
            municipality=row.municipality,
            family_members=row.family_count,
            token_expires_at=row.token_expires_at,
            created_at=row.created_at,
            opened_at=row.opened_at,
            user_id=row.user_id,
            confirmed_at=row.confirmed_at,
            erased=erased,
        )

    async def registered(self, kvk: str) -> list[Hire]:
        """The sponsor's hires that still have their data, to spot a second registration."""
        rows = await self._session.scalars(select(HireRow).where(HireRow.kvk == kvk))
        return [h for h in (self._hire(row) for row in rows) if not h.erased]

    async def create(
        self,
        draft: HireDraft,
        *,
        kvk: str,
        created_by: int,
        token_hash: str,
        expires_at: datetime,
        now: datetime,
    ) -> Hire:
        """Stores a hire with the hash of its first invite token."""
        body = {
            "name": draft.name,
            "email": draft.email,
            "phone": draft.phone,
            "language": draft.language,
        }
        row = HireRow(
            kvk=kvk,
            created_by=created_by,
            body=self._cipher.encrypt(json.dumps(body, ensure_ascii=False)),
            arrival_date=draft.arrival_date,
            route=draft.route,
            municipality=draft.municipality,
            family_count=draft.family_members,
            token_hash=token_hash,
            token_expires_at=expires_at,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return self._hire(row)

    async def by_token_hash(self, token_hash: str) -> Hire | None:
        """The hire an invite token belongs to."""
        row = await self._session.scalar(select(HireRow).where(HireRow.token_hash == token_hash))
        return None if row is None else self._hire(row)

    async def of_sponsor(self, hire_id: int, kvk: str) -> Hire | None:
        """A hire by id, only when it belongs to this sponsor."""
        row = await self._session.scalar(
            select(HireRow).where(HireRow.id == hire_id, HireRow.kvk == kvk)
        )
        return None if row is None else self._hire(row)

    async def of_user(self, hire_id: int, user_id: int) -> Hire | None:
        """A hire by id, only when its invite was opened by this user."""
        row = await self._session.scalar(
            select(HireRow).where(HireRow.id == hire_id, HireRow.user_id == user_id)
        )
        return None if row is None else self._hire(row)

    async def count_for_sponsor(self, kvk: str) -> int:
        """How many hires a sponsor registered."""
        found = await self._session.scalar(
            select(func.count()).select_from(HireRow).where(HireRow.kvk == kvk)
        )
        return int(found or 0)

    async def page_for_sponsor(self, kvk: str, offset: int, limit: int) -> list[HireOverview]:
        """A sponsor's hires, newest first, with what is known of each hire's visit."""
        rows = (
            await self._session.scalars(
                select(HireRow)
                .where(HireRow.kvk == kvk)
                .order_by(HireRow.id.desc())
                .offset(max(0, offset))
                .limit(limit)
            )
        ).all()
        hires = [self._hire(row) for row in rows]
        visits = await self._visits([h.user_id for h in hires if h.user_id is not None])
        return [
            HireOverview(h, None if h.user_id is None or h.erased else visits.get(h.user_id))
            for h in hires
        ]

    async def _visits(self, user_ids: list[int]) -> dict[int, VisitFacts]:
        """The active booking of each user, reduced to its day, BSN date and pre-registration."""
        if not user_ids:
            return {}
        bookings = (
            await self._session.scalars(
                select(BookingRow).where(
                    BookingRow.user_id.in_(user_ids), BookingRow.status == "active"
                )
            )
        ).all()
        complete = set(
            await self._session.scalars(
                select(PreregistrationRow.booking_id).where(
                    PreregistrationRow.booking_id.in_([b.id for b in bookings] or [-1]),
                    PreregistrationRow.complete.is_(True),
                )
            )
        )
        return {
            b.user_id: VisitFacts(
                day=b.day,
                prereg_complete=b.id in complete,
                bsn_issued_at=b.bsn_issued_at,
            )
            for b in bookings
        }

    async def renew_token(
        self, hire_id: int, kvk: str, token_hash: str, expires_at: datetime
    ) -> bool:
        """Replaces the link of an unopened hire of this sponsor; the old link stops working."""
        result = await self._session.execute(
            update(HireRow)
            .where(
                HireRow.id == hire_id,
                HireRow.kvk == kvk,
                HireRow.opened_at.is_(None),
                HireRow.user_id.is_(None),
            )
            .values(token_hash=token_hash, token_expires_at=expires_at)
        )
        return bool(getattr(result, "rowcount", 0))

    async def bind(self, hire_id: int, user_id: int, now: datetime) -> bool:
        """The first opening of a valid link ties the hire to that user; False if too late."""
        result = await self._session.execute(
            update(HireRow)
            .where(
                HireRow.id == hire_id,
                HireRow.user_id.is_(None),
                HireRow.token_expires_at > now,
            )
            .values(user_id=user_id, opened_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def correct(self, hire_id: int, user_id: int, column: str, value: object) -> Hire | None:
        """The hire's own correction of one field (HR keeps seeing only what HR entered)."""
        row = await self._session.scalar(
            select(HireRow).where(HireRow.id == hire_id, HireRow.user_id == user_id)
        )
        if row is None:
            return None
        body = self._body(row)
        if body.get("erased"):
            return None
        if column in CORRECTABLE:
            body["fix"] = {**(body.get("fix") or {}), column: str(value)}
        elif column == "language":
            body["language"] = str(value)
        elif column == "arrival_date" and isinstance(value, date):
            row.arrival_date = value
        elif column == "route":
            row.route = str(value)
        elif column == "municipality":
            row.municipality = str(value)
        elif column == "family_members" and isinstance(value, int):
            row.family_count = value
        else:
            raise ValueError(f"cannot correct {column!r}")
        row.body = self._cipher.encrypt(json.dumps(body, ensure_ascii=False))
        await self._session.flush()
        return self._hire(row)

    async def confirm(self, hire_id: int, user_id: int, now: datetime) -> None:
        """The hire said the details are right."""
        await self._session.execute(
            update(HireRow)
            .where(HireRow.id == hire_id, HireRow.user_id == user_id)
            .values(confirmed_at=now)
        )

    async def bound_to(self, user_id: int) -> list[Hire]:
        """Every hire (of any sponsor) whose invite this user opened, data not erased."""
        rows = await self._session.scalars(
            select(HireRow).where(HireRow.user_id == user_id).order_by(HireRow.id.desc())
        )
        return [h for h in (self._hire(row) for row in rows) if not h.erased]

    async def for_user(self, user_id: int) -> Hire | None:
        """The newest hire this user opened, with its (decrypted) data; None once erased."""
        hires = await self.bound_to(user_id)
        return hires[0] if hires else None

    async def forget_user(self, user_id: int) -> int:
        """Erases the personal fields of the user's hires; the rows stay for HR's status."""
        rows = (
            await self._session.scalars(select(HireRow).where(HireRow.user_id == user_id))
        ).all()
        return self._erase(rows)

    async def purge_personal_data(self, older_than: datetime) -> int:
        """Erases hires whose link expired unopened, or whose visit day, before `older_than`."""
        visited = select(BookingRow.user_id).where(
            BookingRow.status == "active", BookingRow.day < older_than.date()
        )
        rows = (
            await self._session.scalars(
                select(HireRow).where(
                    or_(
                        (HireRow.opened_at.is_(None) & (HireRow.token_expires_at < older_than)),
                        HireRow.user_id.in_(visited),
                    )
                )
            )
        ).all()
        return self._erase(rows)

    def _erase(self, rows: Sequence[HireRow]) -> int:
        erased = 0
        for row in rows:
            if self._body(row).get("erased"):
                continue
            row.body = self._cipher.encrypt(json.dumps(ERASED))
            row.family_count = 0
            erased += 1
        return erased
