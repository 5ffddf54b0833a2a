"""Pre-registration forms: one encrypted document per booking, never a personal field in clear."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.prereg import Person, Preregistration
from bot.storage.crypto import Cipher
from bot.storage.tables import BookingRow, PreregistrationRow


def _body(form: Preregistration) -> str:
    """The encrypted body's plaintext."""
    return json.dumps(
        {"persons": [{"role": p.role, "answers": dict(p.answers)} for p in form.persons]},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _form(row: PreregistrationRow, cipher: Cipher) -> Preregistration:
    body = json.loads(cipher.decrypt(row.body))
    persons = tuple(Person(p["role"], p.get("answers") or {}) for p in body.get("persons", []))
    return Preregistration(
        booking_id=row.booking_id,
        user_id=row.user_id,
        persons=persons,
        consent_at=row.consent_at,
        complete=row.complete,
        submitted_at=row.submitted_at,
    )


class PreregRepository:
    """Reads and writes forms; decrypts only what is asked for."""

    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    async def get(self, booking_id: int) -> Preregistration | None:
        """The form of a booking, decrypted."""
        row = await self._session.get(PreregistrationRow, booking_id)
        return None if row is None else _form(row, self._cipher)

    async def create(
        self, booking_id: int, user_id: int, persons: Sequence[Person], now: datetime
    ) -> Preregistration:
        """Starts a form once the user has consented."""
        form = Preregistration(booking_id, user_id, tuple(persons), consent_at=now)
        self._session.add(
            PreregistrationRow(
                booking_id=booking_id,
                user_id=user_id,
                body=self._cipher.encrypt(_body(form)),
                consent_at=now,
                complete=False,
                updated_at=now,
            )
        )
        await self._session.flush()
        return form

    async def save(self, form: Preregistration, now: datetime) -> None:
        """Writes the whole form back, encrypted with the newest key."""
        row = await self._session.get(PreregistrationRow, form.booking_id)
        if row is None:
            raise LookupError("no pre-registration for this booking")
        row.body = self._cipher.encrypt(_body(form))
        row.complete = form.complete
        row.submitted_at = form.submitted_at
        row.updated_at = now
        await self._session.flush()

    async def completeness(self, booking_ids: Iterable[int]) -> dict[int, bool]:
        """Which bookings have a form and whether it was submitted complete (no decryption)."""
        ids = list(booking_ids)
        if not ids:
            return {}
        rows = await self._session.execute(
            select(PreregistrationRow.booking_id, PreregistrationRow.complete).where(
                PreregistrationRow.booking_id.in_(ids)
            )
        )
        return {booking_id: complete for booking_id, complete in rows.all()}

    async def for_user(self, user_id: int) -> list[Preregistration]:
        """Every form the user has, for /mydata."""
        rows = await self._session.scalars(
            select(PreregistrationRow).where(PreregistrationRow.user_id == user_id)
        )
        return [_form(row, self._cipher) for row in rows]

    async def delete(self, booking_id: int) -> None:
        """Forgets a booking's form (cancelled booking, or the user asked)."""
        await self._session.execute(
            delete(PreregistrationRow).where(PreregistrationRow.booking_id == booking_id)
        )

    async def delete_for_user(self, user_id: int) -> int:
        """Forgets every form of a user; the count removed."""
        result = await self._session.execute(
            delete(PreregistrationRow).where(PreregistrationRow.user_id == user_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def purge_visited_before(self, day: date) -> int:
        """Deletes the forms of visits on or before a day (the retention period has passed)."""
        old = select(BookingRow.id).where(BookingRow.day <= day).scalar_subquery()
        result = await self._session.execute(
            delete(PreregistrationRow).where(PreregistrationRow.booking_id.in_(old))
        )
        return int(getattr(result, "rowcount", 0) or 0)
