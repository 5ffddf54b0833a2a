"""The fields HR enters for a new hire, checked the same way when typed and when uploaded."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from bot.domain.language import Language
from bot.domain.validators import Invalid, check_date, check_email, check_name, check_phone

HIRE_COLUMNS: tuple[str, ...] = (
    "name",
    "email",
    "phone",
    "arrival_date",
    "route",
    "municipality",
    "family_members",
    "language",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("name", "arrival_date", "route", "municipality")

# Routes for which the IND requires a recognised sponsor and which the fast track covers
# (facts.md §1.1, §1.3, §2): highly skilled migrants and researchers (Directive 2016/801).
# Blue Card and ICT need no recognised sponsor and go to the IND service point instead.
HIRE_ROUTES: tuple[str, ...] = ("hsm", "researcher")

# What HR may type or put in a file for a route, besides its id (compared after _fold).
ROUTE_ALIASES: Mapping[str, tuple[str, ...]] = {
    "hsm": ("hsm", "highly skilled migrant", "knowledge migrant", "kennismigrant"),
    "researcher": (
        "researcher",
        "onderzoeker",
        "scientific researcher",
        "wetenschappelijk onderzoeker",
    ),
}
LANGUAGE_ALIASES: Mapping[Language, tuple[str, ...]] = {
    "en": ("en", "eng", "english", "engels"),
    "nl": ("nl", "nld", "dutch", "nederlands", "nederlandse"),
}

# The template's example row carries this address (example.com is reserved, RFC 2606); a row
# with it is the example left in place, never a real hire.
EXAMPLE_EMAIL = "alex.example@example.com"
NAME_MAX_LENGTH = 100
MAX_FAMILY_MEMBERS = 9
ARRIVAL_PAST_DAYS = 30


class MunicipalityLike(Protocol):
    """What a hire check needs of a municipality (bot.content.eligibility.Municipality)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    def valid_on(self, day: date) -> bool: ...


@dataclass(frozen=True)
class HireDraft:
    """A hire whose fields all passed the checks, ready to be stored."""

    name: str
    email: str
    phone: str
    arrival_date: date
    route: str
    municipality: str
    family_members: int
    language: Language


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in an uploaded row (row 0: typed), with the message key to explain it."""

    row: int
    column: str
    key: str
    params: dict[str, str] = field(default_factory=dict)


class HireFieldInvalid(Invalid):
    """A rejected hire field whose message lives under `hire_files.` instead of `validation.`."""


def message_key(error: Invalid) -> str:
    """The catalog key that explains a rejected field: hire_files.<key> or validation.<key>."""
    prefix = "hire_files." if isinstance(error, HireFieldInvalid) else "validation."
    return prefix + error.key


def _fold(text: str) -> str:
    """Lower case, no accents, no punctuation or spaces: 'Sittard-Geleen' -> 'sittardgeleen'."""
    text = re.sub(r"\(.*?\)", " ", text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def arrival_window(today: date) -> tuple[date, date]:
    """The earliest and latest expected arrival date accepted today: 30 days back, a year ahead."""
    try:
        latest = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + 1, day=28)
    return today - timedelta(days=ARRIVAL_PAST_DAYS), latest


def _check_arrival(raw: str, today: date) -> date:
    earliest, latest = arrival_window(today)
    try:
        return check_date(
            raw,
            earliest=earliest,
            latest=latest,
            too_early="arrival_too_early",
            too_late="arrival_too_late",
        )
    except Invalid as error:
        if error.key in ("arrival_too_early", "arrival_too_late"):
            raise HireFieldInvalid(
                error.key, earliest=earliest.isoformat(), latest=latest.isoformat()
            ) from None
        raise


def _check_phone(raw: str) -> str:
    try:
        return check_phone(raw)
    except Invalid as error:
        # A spreadsheet turns +31612345678 into the number 31612345678: retry with the plus.
        if raw.isascii() and raw.isdigit() and len(raw) >= 11:
            try:
                return check_phone("+" + raw)
            except Invalid:
                raise error from None
        raise


def _check_route(raw: str) -> str:
    folded = _fold(raw)
    for route in HIRE_ROUTES:
        if folded in {_fold(alias) for alias in (route, *ROUTE_ALIASES.get(route, ()))}:
            return route
    raise HireFieldInvalid("route_unknown", routes=", ".join(HIRE_ROUTES))


def _check_municipality(raw: str, today: date, municipalities: Sequence[MunicipalityLike]) -> str:
    folded = _fold(raw)
    current = [m for m in municipalities if m.valid_on(today)]
    for municipality in current:
        if folded in (_fold(municipality.id), _fold(municipality.name)):
            return municipality.id
    # 'Valkenburg' or 'Sittard' for 'Valkenburg aan de Geul' and 'Sittard-Geleen', when unique.
    starting = [m for m in current if len(folded) >= 4 and _fold(m.name).startswith(folded)]
    if len(starting) == 1:
        return starting[0].id
    raise HireFieldInvalid("municipality_unknown", value=raw.strip()[:60])


def _check_family(raw: str) -> int:
    text = raw.strip()
    if not text:
        return 0
    match = re.fullmatch(r"([0-9]{1,2})(?:[.,]0+)?", text)
    if match is not None and int(match.group(1)) <= MAX_FAMILY_MEMBERS:
        return int(match.group(1))
    raise HireFieldInvalid("family_members", max=str(MAX_FAMILY_MEMBERS))


def _check_language(raw: str) -> Language:
    folded = _fold(raw)
    if not folded:
        return "en"
    for language, aliases in LANGUAGE_ALIASES.items():
        if folded in aliases:
            return language
    raise HireFieldInvalid("language_unknown")


def check_hire_field(
    column: str, raw: str, *, today: date, municipalities: Sequence[MunicipalityLike]
) -> object:
    """One answer -> its value; raises Invalid (see message_key) when it is not acceptable."""
    text = raw.strip()
    if column in REQUIRED_COLUMNS and not text:
        raise HireFieldInvalid("required")
    if column == "name":
        return check_name(text, max_length=NAME_MAX_LENGTH)
    if column == "email":
        return check_email(text) if text else ""
    if column == "phone":
        return _check_phone(text) if text else ""
    if column == "arrival_date":
        return _check_arrival(text, today)
    if column == "route":
        return _check_route(text)
    if column == "municipality":
        return _check_municipality(text, today, municipalities)
    if column == "family_members":
        return _check_family(text)
    if column == "language":
        return _check_language(text)
    raise ValueError(f"unknown hire column {column!r}")


def check_hire_row(
    values: Mapping[str, str],
    *,
    row: int,
    today: date,
    municipalities: Sequence[MunicipalityLike],
) -> HireDraft | list[RowProblem]:
    """A whole hire: the draft when every field is fine, else every problem found."""
    if (values.get("email") or "").strip().casefold() == EXAMPLE_EMAIL:
        return [RowProblem(row, "", "hire_files.example_row", {})]
    checked: dict[str, object] = {}
    problems: list[RowProblem] = []
    for column in HIRE_COLUMNS:
        try:
            checked[column] = check_hire_field(
                column, values.get(column) or "", today=today, municipalities=municipalities
            )
        except Invalid as error:
            problems.append(RowProblem(row, column, message_key(error), dict(error.params)))
    if checked.get("email") == "" and checked.get("phone") == "":
        problems.append(RowProblem(row, "email", "hire_files.contact_missing", {}))
    if problems:
        return problems
    arrival, family = checked["arrival_date"], checked["family_members"]
    if not isinstance(arrival, date) or not isinstance(family, int):
        raise TypeError("check_hire_field returned an unexpected type")
    return HireDraft(
        name=str(checked["name"]),
        email=str(checked["email"]),
        phone=str(checked["phone"]),
        arrival_date=arrival,
        route=str(checked["route"]),
        municipality=str(checked["municipality"]),
        family_members=family,
        language="nl" if checked["language"] == "nl" else "en",
    )


Contact = tuple[str, str, str]  # name, e-mail, phone of a registered hire


def repeats(draft: HireDraft, known: Iterable[Contact]) -> bool:
    """A second registration: the same name (ignoring case and accents) and e-mail or phone."""
    name = _fold(draft.name)
    for other, email, phone in known:
        same_contact = (draft.email and draft.email == email) or (
            draft.phone and draft.phone == phone
        )
        if same_contact and _fold(other) == name:
            return True
    return False
