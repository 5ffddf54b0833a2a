"""The pre-registration form is a value: changes make new forms and keep completeness honest."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.prereg import Person, Preregistration

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _form(*persons: Person) -> Preregistration:
    return Preregistration(booking_id=1, user_id=7, persons=persons, consent_at=NOW)


def test_answers_cannot_be_changed_in_place() -> None:
    person = Person("main", {"surname": "Ødegaard"})
    with pytest.raises(TypeError):
        person.answers["surname"] = "Other"  # type: ignore[index]
    form = _form(person)
    changed = form.with_answer(0, "surname", "Zoë")
    assert form.persons[0].answers["surname"] == "Ødegaard"
    assert changed.persons[0].answers["surname"] == "Zoë"


def test_a_submitted_form_stays_complete_only_while_nothing_is_missing() -> None:
    form = _form(Person("child", {"surname": "Li"}))
    submitted = form.submitted(NOW)
    assert submitted.complete and submitted.submitted_at == NOW
    reopened = submitted.without_answer(0, "surname")
    assert not reopened.complete
    assert (0, "surname") in reopened.missing()
    draft = form.without_answer(0, "surname")
    assert not draft.complete and draft.submitted_at is None


def test_moving_the_visit_reopens_only_documents_expiring_before_it() -> None:
    expires = {"document_expiry": "2027-01-10", "surname": "A"}
    lasts = {"document_expiry": "2030-01-01", "surname": "B"}
    form = _form(Person("main", expires), Person("partner", lasts), Person("child", {}))
    submitted = form.submitted(NOW)
    same, none = submitted.reopened_for(date(2027, 1, 10))
    assert none == [] and same is submitted
    moved, expired = submitted.reopened_for(date(2027, 1, 11))
    assert expired == [0] and not moved.complete
    assert "document_expiry" not in moved.persons[0].answers
    assert moved.persons[0].answers["surname"] == "A"
    assert moved.persons[1].answers == lasts


def test_an_unreadable_stored_expiry_is_not_taken_for_a_date() -> None:
    form = _form(Person("main", {"document_expiry": "not a date"}))
    assert form.expiring_before(date(2099, 1, 1)) == []


def test_a_member_who_leaves_takes_their_answers_along() -> None:
    form = _form(Person("main", {"surname": "A"}), Person("child", {"surname": "C"}))
    assert [p.answers["surname"] for p in form.without_person(1).persons] == ["A"]
    assert form.without_person(5) is form
