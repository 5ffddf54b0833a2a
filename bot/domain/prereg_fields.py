"""The fields of the BRP pre-registration, per person, and how a typed answer becomes a value.

What the BRP records on first registration: ../shared/domain/facts.md section 3.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.domain.countries import NO_ALIASES, CountryAliases, lookup_country
from bot.domain.validators import (
    MAX_INPUT,
    Invalid,
    check_date,
    check_document_number,
    check_email,
    check_house_number,
    check_name,
    check_phone,
    check_postcode,
    check_text,
    check_vnumber,
)

FieldKind = Literal[
    "name",
    "text",
    "choice",
    "date",
    "country",
    "countries",
    "postcode",
    "house_number",
    "email",
    "phone",
    "vnumber",
    "document_number",
]
Role = Literal["main", "partner", "child"]
ROLES: tuple[Role, ...] = ("main", "partner", "child")
EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class Field:
    """One question of the form; the flow asks them in the order of PERSON_FIELDS."""

    key: str
    kind: FieldKind
    choices: tuple[str, ...] = ()
    optional: bool = False  # may be skipped (a Skip button)
    household: bool = False  # for family members the flow offers "same as <main applicant>"
    adults_only: bool = False  # not asked for children
    max_length: int = 100


PERSON_FIELDS: tuple[Field, ...] = (
    Field("surname", "name"),
    Field("given_names", "name", optional=True),  # some people have only one name
    Field("sex", "choice", choices=("male", "female", "unknown")),
    Field("birth_date", "date"),
    Field("birth_place", "text"),
    Field("birth_country", "country"),
    Field("nationalities", "countries"),
    Field(
        "civil_status",
        "choice",
        choices=("unmarried", "married", "registered_partnership", "divorced", "widowed"),
        adults_only=True,
    ),
    Field("document_type", "choice", choices=("passport", "id_card")),
    Field("document_number", "document_number", max_length=20),
    Field("document_expiry", "date"),
    Field("postcode", "postcode", household=True),
    Field("house_number", "house_number", household=True),
    Field("municipality", "choice", household=True),
    Field("housing", "choice", choices=("rental", "owner", "main_occupant"), household=True),
    Field("arrival_date", "date", household=True),
    Field("previous_country", "country", household=True),
    Field("email", "email", adults_only=True, max_length=254),
    Field("phone", "phone", adults_only=True, max_length=20),
    Field("v_number", "vnumber", optional=True, max_length=10),
)
FIELDS: dict[str, Field] = {field.key: field for field in PERSON_FIELDS}
HOUSEHOLD_FIELDS: tuple[str, ...] = tuple(field.key for field in PERSON_FIELDS if field.household)


@dataclass(frozen=True)
class FieldRules:
    """What answers depend on: today, the appointment, the municipalities the location serves."""

    today: date
    appointment_day: date | None
    municipality_ids: tuple[str, ...]
    countries: CountryAliases = NO_ALIASES


def fields_for(role: str) -> tuple[Field, ...]:
    """The fields asked for a main applicant, partner or child, in asking order."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if role == "child":
        return tuple(field for field in PERSON_FIELDS if not field.adults_only)
    return PERSON_FIELDS


def _year_before(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _parse_date(field: Field, text: str, rules: FieldRules) -> str:
    """A date within the bounds that make sense for this field, as an ISO string."""
    if field.key == "birth_date":
        value = check_date(
            text,
            earliest=EARLIEST_BIRTH,
            latest=rules.today,
            too_early="birth_date_too_early",
            too_late="birth_date_future",
        )
    elif field.key == "document_expiry":
        valid_on = rules.appointment_day or rules.today
        value = check_date(text, earliest=valid_on, too_early="document_expired")
    elif field.key == "arrival_date":
        value = check_date(
            text,
            earliest=_year_before(rules.today),
            latest=rules.appointment_day,
            too_early="arrival_too_early",
            too_late="arrival_after_appointment",
        )
    else:
        value = check_date(text)
    return value.isoformat()


def _parse_choice(field: Field, text: str, rules: FieldRules) -> str:
    """One of the field's choices (for the municipality: one the location serves)."""
    value = text.strip()
    if field.key == "municipality":
        if value not in rules.municipality_ids:
            raise Invalid("municipality_not_served")
        return value
    lowered = value.lower()
    for choice in field.choices:
        if lowered == choice:
            return choice
    raise Invalid("choice_unknown")


def _parse_country(text: str, rules: FieldRules) -> str:
    code = lookup_country(text, rules.countries)
    if code is None:
        raise Invalid("country_unknown")
    return code


_SIMPLE: dict[str, Callable[[str], str]] = {
    "postcode": check_postcode,
    "house_number": check_house_number,
    "email": check_email,
    "phone": check_phone,
    "vnumber": check_vnumber,
    "document_number": check_document_number,
}


def parse_answer(field: Field, text: str, rules: FieldRules) -> str | list[str]:
    """Typed text or a button's value -> the value to store; Invalid with a specific key if not."""
    if len(text) > MAX_INPUT:
        raise Invalid("too_long", max=str(field.max_length))
    value: str
    if field.kind == "name":
        value = check_name(text, max_length=field.max_length)
    elif field.kind == "text":
        value = check_text(text, max_length=field.max_length)
    elif field.kind == "choice":
        value = _parse_choice(field, text, rules)
    elif field.kind == "date":
        value = _parse_date(field, text, rules)
    elif field.kind == "country":
        value = _parse_country(text, rules)
    elif field.kind == "countries":
        return [_parse_country(text, rules)]
    else:
        value = _SIMPLE[field.kind](text)
    if len(value) > field.max_length:
        raise Invalid("too_long", max=str(field.max_length))
    return value


def _answered(value: object) -> bool:
    return value is not None and value != "" and value != [] and value != ()


def missing_fields(person: Mapping[str, object], role: str) -> list[str]:
    """The required fields of this person not answered yet, in asking order."""
    return [
        field.key
        for field in fields_for(role)
        if not field.optional and not _answered(person.get(field.key))
    ]


def is_complete(person: Mapping[str, object], role: str) -> bool:
    """Whether every required field of this person has an answer."""
    return not missing_fields(person, role)
