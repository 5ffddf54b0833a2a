"""A booking's pre-registration form as values: every change makes a new form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from bot.domain.prereg_fields import fields_for, is_complete, missing_fields

Answers = Mapping[str, Any]
EXPIRY = "document_expiry"


def _frozen(answers: Mapping[str, Any]) -> Answers:
    """A read-only copy, so no caller can change a stored answer in place."""
    return MappingProxyType(dict(answers))


@dataclass(frozen=True)
class Person:
    """One member of the party and what they answered so far."""

    role: str
    answers: Answers = field(default_factory=lambda: _frozen({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", _frozen(self.answers))

    def with_answer(self, key: str, value: Any) -> Person:
        """This person with one answer set."""
        return Person(self.role, {**self.answers, key: value})

    def without(self, key: str) -> Person:
        """This person with one answer cleared."""
        return Person(self.role, {k: v for k, v in self.answers.items() if k != key})


@dataclass(frozen=True)
class Preregistration:
    """A booking's form; `complete` follows the answers once it was submitted."""

    booking_id: int
    user_id: int
    persons: tuple[Person, ...]
    consent_at: datetime
    complete: bool = False
    submitted_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "persons", tuple(self.persons))

    def sequence(self) -> list[tuple[int, str]]:
        """Every (person, field) in the order they are asked."""
        return [
            (index, each.key)
            for index, person in enumerate(self.persons)
            for each in fields_for(person.role)
        ]

    def missing(self) -> list[tuple[int, str]]:
        """Every required (person, field) still unanswered, in asking order."""
        return [
            (index, key)
            for index, person in enumerate(self.persons)
            for key in missing_fields(person.answers, person.role)
        ]

    def all_answered(self) -> bool:
        """Whether every person has answered every required field."""
        return all(is_complete(p.answers, p.role) for p in self.persons)

    def _with_persons(self, persons: tuple[Person, ...]) -> Preregistration:
        """After a change a submitted form stays complete only while nothing is missing."""
        changed = replace(self, persons=persons)
        if changed.submitted_at is not None:
            changed = replace(changed, complete=changed.all_answered())
        return changed

    def with_answer(self, index: int, key: str, value: Any) -> Preregistration:
        """The form with one person's answer set."""
        persons = list(self.persons)
        persons[index] = persons[index].with_answer(key, value)
        return self._with_persons(tuple(persons))

    def without_answer(self, index: int, key: str) -> Preregistration:
        """The form with one person's answer cleared."""
        persons = list(self.persons)
        persons[index] = persons[index].without(key)
        return self._with_persons(tuple(persons))

    def without_person(self, index: int) -> Preregistration:
        """The form after a member left the booking: their answers go with them."""
        if not 0 <= index < len(self.persons):
            return self
        return self._with_persons(self.persons[:index] + self.persons[index + 1 :])

    def submitted(self, now: datetime) -> Preregistration:
        """The form as sent by the user (only when nothing is missing)."""
        return replace(self, complete=True, submitted_at=now)

    def expiring_before(self, day: date) -> list[int]:
        """Persons whose identity document expires before the visit day."""
        return [
            index
            for index, person in enumerate(self.persons)
            if (expiry := _expiry(person.answers.get(EXPIRY))) is not None and expiry < day
        ]

    def reopened_for(self, day: date) -> tuple[Preregistration, list[int]]:
        """A visit moved to `day`: expired documents are asked again and the form is reopened."""
        expired = self.expiring_before(day)
        if not expired:
            return self, []
        persons = tuple(
            person.without(EXPIRY) if index in expired else person
            for index, person in enumerate(self.persons)
        )
        return replace(self, persons=persons, complete=False), expired


def _expiry(value: object) -> date | None:
    """A stored expiry date (ISO text), None when unanswered or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
