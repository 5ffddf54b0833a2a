"""HR accounts and hires in memory; seal/unseal really encrypt, as dialog state must not show."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from bot.domain.hr import CORRECTABLE, AccountStatus, Hire, HireOverview, HrAccount
from bot.domain.invites import VisitFacts
from bot.domain.language import stored_language
from bot.storage.crypto import Cipher
from tests.unit.fakes.tables import (
    ConstraintBroken,
    HireRecord,
    HrAccountRecord,
    Tables,
    json_copy,
    utc,
)

if TYPE_CHECKING:
    from bot.domain.hires import HireDraft

ERASED = {"erased": True}
STATUS_ORDER = {"pending": 0, "approved": 1, "rejected": 2, "revoked": 3}


def _account(user_id: int, record: HrAccountRecord) -> HrAccount:
    return HrAccount(
        user_id=user_id,
        chat_id=record.chat_id,
        kvk=record.kvk,
        email=record.email,
        language=stored_language(record.language),
        status=cast(AccountStatus, record.status),
        notify=record.notify,
        requested_at=record.requested_at,
        decided_by=record.decided_by,
        decided_at=record.decided_at,
    )


class MemoryHrAccounts:
    """HrAccountRepository."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def get(self, user_id: int) -> HrAccount | None:
        record = self._t.hr_accounts.get(user_id)
        return None if record is None else _account(user_id, record)

    async def request(
        self, user_id: int, chat_id: int, kvk: str, email: str, language: str, now: datetime
    ) -> HrAccount:
        record = HrAccountRecord(chat_id, kvk, email, language, "pending", True, utc(now))
        self._t.hr_accounts[user_id] = record
        return _account(user_id, record)

    async def decide(
        self,
        user_id: int,
        status: AccountStatus,
        by: int,
        now: datetime,
        *,
        only_from: Sequence[AccountStatus],
    ) -> HrAccount | None:
        record = self._t.hr_accounts.get(user_id)
        if record is None or record.status not in tuple(only_from):
            return None
        record.status, record.decided_by, record.decided_at = status, by, utc(now)
        return _account(user_id, record)

    async def set_notify(self, user_id: int, notify: bool) -> None:
        record = self._t.hr_accounts.get(user_id)
        if record is not None:
            record.notify = notify

    async def listing(self, limit: int = 50) -> list[HrAccount]:
        newest = sorted(
            self._t.hr_accounts.items(), key=lambda item: item[1].requested_at, reverse=True
        )[:limit]
        accounts = [_account(user_id, record) for user_id, record in newest]
        return sorted(accounts, key=lambda a: STATUS_ORDER.get(a.status, 9))

    async def notify_targets(self, kvk: str) -> list[HrAccount]:
        return [
            _account(user_id, record)
            for user_id, record in sorted(self._t.hr_accounts.items())
            if record.kvk == kvk and record.status == "approved" and record.notify
        ]


class MemoryHires:
    """HireRepository: token hashes are unique; erasing keeps the row but not its data."""

    def __init__(self, tables: Tables, cipher: Cipher) -> None:
        self._t = tables
        self._cipher = cipher

    def seal(self, text: str) -> str:
        return self._cipher.encrypt(text)

    def unseal(self, token: str) -> str:
        try:
            return self._cipher.decrypt(token)
        except ValueError:
            return ""

    def _hire(self, record: HireRecord) -> Hire:
        body = record.body
        fixes = body.get("fix") or {}
        return Hire(
            id=record.id,
            kvk=record.kvk,
            created_by=record.created_by,
            hr_name=str(body.get("name", "")),
            name=str(fixes.get("name", body.get("name", ""))),
            email=str(fixes.get("email", body.get("email", ""))),
            phone=str(fixes.get("phone", body.get("phone", ""))),
            language=stored_language(str(body.get("language", ""))),
            arrival_date=record.arrival_date,
            route=record.route,
            municipality=record.municipality,
            family_members=record.family_count,
            token_expires_at=record.token_expires_at,
            created_at=record.created_at,
            opened_at=record.opened_at,
            user_id=record.user_id,
            confirmed_at=record.confirmed_at,
            erased=bool(body.get("erased")),
        )

    def _where(self, **match: object) -> list[HireRecord]:
        return [
            r
            for _, r in sorted(self._t.hires.items())
            if all(getattr(r, key) == value for key, value in match.items())
        ]

    def _token_free(self, token_hash: str, hire_id: int | None = None) -> None:
        if any(r.token_hash == token_hash and r.id != hire_id for r in self._t.hires.values()):
            raise ConstraintBroken("token hash taken")

    async def registered(self, kvk: str) -> list[Hire]:
        return [h for h in map(self._hire, self._where(kvk=kvk)) if not h.erased]

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
        self._token_free(token_hash)
        body = {
            "name": draft.name,
            "email": draft.email,
            "phone": draft.phone,
            "language": draft.language,
        }
        record = HireRecord(
            id=self._t.new_id("hires"),
            kvk=kvk,
            created_by=created_by,
            body=json_copy(body),
            arrival_date=draft.arrival_date,
            route=draft.route,
            municipality=draft.municipality,
            family_count=draft.family_members,
            token_hash=token_hash,
            token_expires_at=utc(expires_at),
            created_at=utc(now),
        )
        self._t.hires[record.id] = record
        return self._hire(record)

    async def by_token_hash(self, token_hash: str) -> Hire | None:
        found = self._where(token_hash=token_hash)
        return self._hire(found[0]) if found else None

    async def of_sponsor(self, hire_id: int, kvk: str) -> Hire | None:
        found = self._where(id=hire_id, kvk=kvk)
        return self._hire(found[0]) if found else None

    async def of_user(self, hire_id: int, user_id: int) -> Hire | None:
        found = self._where(id=hire_id, user_id=user_id)
        return self._hire(found[0]) if found else None

    async def count_for_sponsor(self, kvk: str) -> int:
        return len(self._where(kvk=kvk))

    async def page_for_sponsor(self, kvk: str, offset: int, limit: int) -> list[HireOverview]:
        newest = list(reversed(self._where(kvk=kvk)))[max(0, offset) :][:limit]
        hires = [self._hire(r) for r in newest]
        visits = self._visits(h.user_id for h in hires if h.user_id is not None)
        return [
            HireOverview(h, None if h.user_id is None or h.erased else visits.get(h.user_id))
            for h in hires
        ]

    def _visits(self, user_ids: Iterable[int]) -> dict[int, VisitFacts]:
        wanted = set(user_ids)
        facts: dict[int, VisitFacts] = {}
        for b in self._t.bookings.values():
            if b.user_id not in wanted or b.status != "active":
                continue
            form = self._t.preregistrations.get(b.id)
            facts[b.user_id] = VisitFacts(
                day=b.day,
                prereg_complete=form is not None and form.complete,
                bsn_issued_at=b.bsn_issued_at,
            )
        return facts

    async def renew_token(
        self, hire_id: int, kvk: str, token_hash: str, expires_at: datetime
    ) -> bool:
        record = self._t.hires.get(hire_id)
        if (
            record is None
            or record.kvk != kvk
            or record.opened_at is not None
            or record.user_id is not None
        ):
            return False
        self._token_free(token_hash, hire_id)
        record.token_hash, record.token_expires_at = token_hash, utc(expires_at)
        return True

    async def bind(self, hire_id: int, user_id: int, now: datetime) -> bool:
        record = self._t.hires.get(hire_id)
        if record is None or record.user_id is not None or not record.token_expires_at > now:
            return False
        record.user_id, record.opened_at = user_id, utc(now)
        return True

    async def correct(self, hire_id: int, user_id: int, column: str, value: object) -> Hire | None:
        record = self._t.hires.get(hire_id)
        if record is None or record.user_id != user_id:
            return None
        body: dict[str, Any] = copy.deepcopy(record.body)
        if body.get("erased"):
            return None
        if column in CORRECTABLE:
            body["fix"] = {**(body.get("fix") or {}), column: str(value)}
        elif column == "language":
            body["language"] = str(value)
        elif column == "arrival_date" and isinstance(value, date):
            record.arrival_date = value
        elif column == "route":
            record.route = str(value)
        elif column == "municipality":
            record.municipality = str(value)
        elif column == "family_members" and isinstance(value, int):
            record.family_count = value
        else:
            raise ValueError(f"cannot correct {column!r}")
        record.body = json_copy(body)
        return self._hire(record)

    async def confirm(self, hire_id: int, user_id: int, now: datetime) -> None:
        record = self._t.hires.get(hire_id)
        if record is not None and record.user_id == user_id:
            record.confirmed_at = utc(now)

    async def bound_to(self, user_id: int) -> list[Hire]:
        newest = reversed(self._where(user_id=user_id))
        return [h for h in map(self._hire, newest) if not h.erased]

    async def for_user(self, user_id: int) -> Hire | None:
        hires = await self.bound_to(user_id)
        return hires[0] if hires else None

    async def forget_user(self, user_id: int) -> int:
        return self._erase(self._where(user_id=user_id))

    async def purge_personal_data(self, older_than: datetime) -> int:
        visited = {
            b.user_id
            for b in self._t.bookings.values()
            if b.status == "active" and b.day < older_than.date()
        }
        return self._erase(
            [
                r
                for _, r in sorted(self._t.hires.items())
                if (r.opened_at is None and r.token_expires_at < older_than) or r.user_id in visited
            ]
        )

    def _erase(self, records: list[HireRecord]) -> int:
        erased = 0
        for record in records:
            if record.body.get("erased"):
                continue
            record.body = dict(ERASED)
            record.family_count = 0
            erased += 1
        return erased
