"""Everything stored about one person, to show it (/mydata) and to erase it (/delete, purge)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.crypto import Cipher
from bot.storage.tables import (
    BookingRow,
    DialogRow,
    EligibilityRow,
    HireRow,
    HrAccountRow,
    OutboxRow,
    PreregistrationRow,
    RecentMessageRow,
    TicketRow,
    UserRow,
)


def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class PersonalData:
    """Reads or removes a user's rows across tables; personal fields are decrypted only here."""

    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    async def export(self, user_id: int, chat_id: int) -> dict[str, Any]:
        """A plain document of all the user's data, grouped by what it is for."""
        s = self._session
        user = await s.get(UserRow, user_id)
        eligibility = await s.get(EligibilityRow, user_id)
        bookings = list(
            await s.scalars(
                select(BookingRow).where(BookingRow.user_id == user_id).order_by(BookingRow.id)
            )
        )
        forms = {
            row.booking_id: json.loads(self._cipher.decrypt(row.body))
            for row in await s.scalars(
                select(PreregistrationRow).where(PreregistrationRow.user_id == user_id)
            )
        }
        tickets = list(
            await s.scalars(
                select(TicketRow).where(TicketRow.user_id == user_id).order_by(TicketRow.id)
            )
        )
        messages = list(
            await s.scalars(
                select(RecentMessageRow)
                .where(RecentMessageRow.chat_id == chat_id)
                .order_by(RecentMessageRow.id)
            )
        )
        reminders = list(
            await s.scalars(
                select(OutboxRow)
                .where(OutboxRow.user_id == user_id, OutboxRow.status == "pending")
                .order_by(OutboxRow.due_at)
            )
        )
        hire = await s.scalar(select(HireRow).where(HireRow.user_id == user_id))
        hr_account = await s.get(HrAccountRow, user_id)
        return {
            "telegram_user_id": user_id,
            "profile": None
            if user is None
            else {
                "language": user.language,
                "language_chosen": user.language_chosen,
                "first_seen": _when(user.created_at),
            },
            "eligibility": None
            if eligibility is None
            else {
                "outcome": eligibility.outcome,
                "visit": eligibility.visit,
                "answers": eligibility.answers,
                "decided_at": _when(eligibility.decided_at),
            },
            "bookings": [
                {
                    "reference": b.reference,
                    "location": b.location_id,
                    "day": _when(b.day),
                    "start": _when(b.start_at),
                    "status": b.status,
                    "party": [m.get("role") for m in b.party],
                    "attendance": b.attendance,
                    "bsn_issued_at": _when(b.bsn_issued_at),
                    "pre_registration": forms.get(b.id),
                }
                for b in bookings
            ],
            "scheduled_reminders": [{"kind": r.kind, "due": _when(r.due_at)} for r in reminders],
            "conversations_with_staff": [
                {
                    "ticket": t.id,
                    "topic": t.topic,
                    "status": t.status,
                    "your_name": self._cipher.decrypt(t.user_name) if t.user_name else "",
                    "opened": _when(t.created_at),
                    "closed": _when(t.closed_at),
                    "rating": t.rating,
                }
                for t in tickets
            ],
            "recent_messages": [
                {"at": _when(m.at), "text": self._cipher.decrypt(m.body)} for m in messages
            ],
            "registered_by_employer": None
            if hire is None
            else {
                "employer_kvk": hire.kvk,
                "details": json.loads(self._cipher.decrypt(hire.body) or "{}"),
                "arrival_date": _when(hire.arrival_date),
                "route": hire.route,
                "municipality": hire.municipality,
                "family_members": hire.family_count,
            },
            "hr_account": None
            if hr_account is None
            else {
                "employer_kvk": hr_account.kvk,
                "work_email": self._cipher.decrypt(hr_account.email),
                "status": hr_account.status,
            },
        }

    async def erase(self, user_id: int, chat_id: int, now: datetime) -> dict[str, int]:
        """Removes the user's rows; tickets stay for statistics without name or link to them."""
        s = self._session
        counts = {
            "bookings": _rowcount(
                await s.execute(delete(BookingRow).where(BookingRow.user_id == user_id))
            ),
            "reminders": _rowcount(
                await s.execute(delete(OutboxRow).where(OutboxRow.user_id == user_id))
            ),
            "eligibility": _rowcount(
                await s.execute(delete(EligibilityRow).where(EligibilityRow.user_id == user_id))
            ),
            "messages": _rowcount(
                await s.execute(delete(RecentMessageRow).where(RecentMessageRow.chat_id == chat_id))
            ),
            "hr_account": _rowcount(
                await s.execute(delete(HrAccountRow).where(HrAccountRow.user_id == user_id))
            ),
        }
        # The forms went with their bookings (ON DELETE CASCADE on booking_id).
        counts["tickets"] = _rowcount(
            await s.execute(
                update(TicketRow)
                .where(TicketRow.user_id == user_id)
                .values(
                    user_name="",
                    user_id=0,
                    chat_id=0,
                    status="closed",
                    closed_at=now,
                )
            )
        )
        await s.execute(delete(DialogRow).where(DialogRow.chat_id == chat_id))
        await s.execute(delete(UserRow).where(UserRow.user_id == user_id))
        return counts

    async def purge(self, visited_before: date, older_than: datetime) -> dict[str, int]:
        """Scheduled deletion: forms of past visits, old message context, old ticket names, and
        the accounts of HR users refused or revoked long enough ago."""
        s = self._session
        past = select(BookingRow.id).where(BookingRow.day < visited_before).scalar_subquery()
        return {
            "forms": _rowcount(
                await s.execute(
                    delete(PreregistrationRow).where(PreregistrationRow.booking_id.in_(past))
                )
            ),
            "messages": _rowcount(
                await s.execute(delete(RecentMessageRow).where(RecentMessageRow.at < older_than))
            ),
            "hr_accounts": _rowcount(  # refused or revoked: the work e-mail is not needed
                await s.execute(
                    delete(HrAccountRow).where(
                        HrAccountRow.status.in_(("rejected", "revoked")),
                        HrAccountRow.decided_at < older_than,
                    )
                )
            ),
            "ticket_names": _rowcount(
                await s.execute(
                    update(TicketRow)
                    .where(TicketRow.closed_at < older_than, TicketRow.user_name != "")
                    .values(user_name="")
                )
            ),
        }
