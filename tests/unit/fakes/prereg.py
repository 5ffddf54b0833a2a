"""Pre-registration forms and everything stored about one person, in memory."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from bot.domain.prereg import Person, Preregistration
from tests.unit.fakes.tables import ConstraintBroken, FormRecord, Tables, utc


def _body(form: Preregistration) -> str:
    """The form's document, as bot.storage.prereg writes it (there encrypted)."""
    return json.dumps(
        {"persons": [{"role": p.role, "answers": dict(p.answers)} for p in form.persons]},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _form(booking_id: int, record: FormRecord) -> Preregistration:
    body = json.loads(record.body)
    persons = tuple(Person(p["role"], p.get("answers") or {}) for p in body.get("persons", []))
    return Preregistration(
        booking_id=booking_id,
        user_id=record.user_id,
        persons=persons,
        consent_at=record.consent_at,
        complete=record.complete,
        submitted_at=record.submitted_at,
    )


class MemoryPrereg:
    """PreregRepository: one form per existing booking."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def get(self, booking_id: int) -> Preregistration | None:
        record = self._t.preregistrations.get(booking_id)
        return None if record is None else _form(booking_id, record)

    async def create(
        self, booking_id: int, user_id: int, persons: Sequence[Person], now: datetime
    ) -> Preregistration:
        self._t.require_booking(booking_id)
        if booking_id in self._t.preregistrations:
            raise ConstraintBroken(f"booking {booking_id} has a form")
        form = Preregistration(booking_id, user_id, tuple(persons), consent_at=now)
        self._t.preregistrations[booking_id] = FormRecord(
            user_id, _body(form), utc(now), False, utc(now)
        )
        return form

    async def save(self, form: Preregistration, now: datetime) -> None:
        record = self._t.preregistrations.get(form.booking_id)
        if record is None:
            raise LookupError("no pre-registration for this booking")
        record.body = _body(form)
        record.complete = form.complete
        record.submitted_at = None if form.submitted_at is None else utc(form.submitted_at)
        record.updated_at = utc(now)

    async def completeness(self, booking_ids: Iterable[int]) -> dict[int, bool]:
        forms = self._t.preregistrations
        return {i: forms[i].complete for i in booking_ids if i in forms}

    async def for_user(self, user_id: int) -> list[Preregistration]:
        return [
            _form(booking_id, record)
            for booking_id, record in self._t.preregistrations.items()
            if record.user_id == user_id
        ]

    async def delete(self, booking_id: int) -> None:
        self._t.preregistrations.pop(booking_id, None)

    async def delete_for_user(self, user_id: int) -> int:
        return self._delete(i for i, r in self._t.preregistrations.items() if r.user_id == user_id)

    async def purge_visited_before(self, day: date) -> int:
        old = {i for i, b in self._t.bookings.items() if b.day <= day}
        return self._delete(i for i in self._t.preregistrations if i in old)

    def _delete(self, booking_ids: Iterable[int]) -> int:
        chosen = list(booking_ids)
        for booking_id in chosen:
            del self._t.preregistrations[booking_id]
        return len(chosen)


def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


class MemoryPersonalData:
    """PersonalData: the same document and the same erasure, over the in-memory tables."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def export(self, user_id: int, chat_id: int) -> dict[str, Any]:
        t = self._t
        user = t.users.get(user_id)
        eligibility = t.eligibility.get(user_id)
        bookings = [b for _, b in sorted(t.bookings.items()) if b.user_id == user_id]
        forms = {
            i: json.loads(r.body) for i, r in t.preregistrations.items() if r.user_id == user_id
        }
        tickets = [r for _, r in sorted(t.tickets.items()) if r.user_id == user_id]
        messages = [r for _, r in sorted(t.recent_messages.items()) if r.chat_id == chat_id]
        reminders = sorted(
            (r for r in t.outbox.values() if r.user_id == user_id and r.status == "pending"),
            key=lambda r: r.due_at,
        )
        hire = next((r for _, r in sorted(t.hires.items()) if r.user_id == user_id), None)
        hr_account = t.hr_accounts.get(user_id)
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
                    "ticket": r.id,
                    "topic": r.topic,
                    "status": r.status,
                    "your_name": r.user_name,
                    "opened": _when(r.created_at),
                    "closed": _when(r.closed_at),
                    "rating": r.rating,
                }
                for r in tickets
            ],
            "recent_messages": [{"at": _when(m.at), "text": m.body} for m in messages],
            "registered_by_employer": None
            if hire is None
            else {
                "employer_kvk": hire.kvk,
                "details": dict(hire.body),
                "arrival_date": _when(hire.arrival_date),
                "route": hire.route,
                "municipality": hire.municipality,
                "family_members": hire.family_count,
            },
            "hr_account": None
            if hr_account is None
            else {
                "employer_kvk": hr_account.kvk,
                "work_email": hr_account.email,
                "status": hr_account.status,
            },
        }

    async def erase(self, user_id: int, chat_id: int, now: datetime) -> dict[str, int]:
        t = self._t
        counts = {
            "bookings": t.delete_bookings(
                [i for i, b in t.bookings.items() if b.user_id == user_id]
            ),
        }
        reminders = [i for i, r in t.outbox.items() if r.user_id == user_id]
        for message_id in reminders:
            del t.outbox[message_id]
        counts["reminders"] = len(reminders)
        counts["eligibility"] = int(t.eligibility.pop(user_id, None) is not None)
        messages = [i for i, r in t.recent_messages.items() if r.chat_id == chat_id]
        for message_id in messages:
            del t.recent_messages[message_id]
        counts["messages"] = len(messages)
        counts["hr_account"] = int(t.hr_accounts.pop(user_id, None) is not None)
        tickets = [r for r in t.tickets.values() if r.user_id == user_id]
        for record in tickets:
            record.user_name, record.user_id, record.chat_id = "", 0, 0
            record.status, record.closed_at = "closed", utc(now)
        counts["tickets"] = len(tickets)
        t.dialogs.pop(chat_id, None)
        t.users.pop(user_id, None)
        return counts

    async def purge(self, visited_before: date, older_than: datetime) -> dict[str, int]:
        t = self._t
        past = {i for i, b in t.bookings.items() if b.day < visited_before}
        forms = [i for i in t.preregistrations if i in past]
        for booking_id in forms:
            del t.preregistrations[booking_id]
        messages = [i for i, r in t.recent_messages.items() if r.at < older_than]
        for message_id in messages:
            del t.recent_messages[message_id]
        accounts = [
            user_id
            for user_id, r in t.hr_accounts.items()
            if r.status in ("rejected", "revoked")
            and r.decided_at is not None
            and r.decided_at < older_than
        ]
        for user_id in accounts:
            del t.hr_accounts[user_id]
        names = [
            r
            for r in t.tickets.values()
            if r.closed_at is not None and r.closed_at < older_than and r.user_name != ""
        ]
        for record in names:
            record.user_name = ""
        return {
            "forms": len(forms),
            "messages": len(messages),
            "hr_accounts": len(accounts),
            "ticket_names": len(names),
        }
