"""Which documents each newcomer brings to the first registration, from their form answers.

The rules follow the municipality's list for a first registration in the BRP
(../shared/domain/facts.md section 3, source SDG-MST): valid ID; proof of housing; a birth
certificate when born outside the Netherlands, legalised or with an apostille unless it is a public
document of an EU member state, and with a sworn translation when not in Dutch, English, German or
French (the bot states that condition instead of guessing the certificate's language); for
nationals outside the EU, the EEA and Switzerland the IND proof of lawful residence; deregistration
from Aruba, Curaçao, Sint Maarten or the BES islands; marriage, partnership, divorce or death
certificates and children's birth certificates where they apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain.booking import PartyMember
from bot.domain.countries import country_name
from bot.domain.eligibility import VisitPlan
from bot.domain.language import Language

# Where the documents for the first registration are listed (the municipality's own page).
SOURCE = "https://www.gemeentemaastricht.nl/en/moving-and-housing/first-registration-netherlands"

# The 27 member states of the European Union (europa.eu, "EU countries"). Their civil-status
# documents need no apostille or legalisation since 16 February 2019 (Regulation (EU) 2016/1191;
# netherlandsandyou.nl, "Simpler procedure for use of public EU documents", checked 6 Dec 2026).
EU = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()  # noqa: SIM905
)
# The EEA states outside the EU (europa.eu, "European Economic Area").
EEA_OUTSIDE_EU = frozenset({"IS", "LI", "NO"})
# Citizens of these need no residence permit, so they bring no IND letter: "Do you have Swiss or
# European Union or European Economic Area citizenship? If so, you do not need a residence permit"
# (gemeentemaastricht.nl/en/moving-and-housing/moving-maastricht-abroad, checked 6 Dec 2026).
NO_RESIDENCE_PERMIT = EU | EEA_OUTSIDE_EU | {"CH"}
# Arriving from these, a person brings proof of deregistration there (facts.md section 3).
DEREGISTER_FROM = ("AW", "CW", "SX", "BQ")
HOUSING_ITEMS = {
    "rental": "housing_rental",
    "owner": "housing_purchase",
    "main_occupant": "housing_consent",
}


def party_checklist(party: Sequence[PartyMember], visit: VisitPlan | None = None) -> list[str]:
    """Before the form is filled in: the documents a party of these roles must bring.

    The visit (content/visits.toml) says what its steps need; without one, the full visit's list.
    """
    if visit is not None:
        return visit.items({member.role for member in party})
    keys = ["passports", "ind_letter", "birth_certificate", "proof_of_address"]
    if any(m.role == "partner" for m in party):
        keys += ["marriage_certificate", "partner_birth_certificate"]
    if any(m.role == "child" for m in party):
        keys.append("children_birth_certificates")
    return keys


@dataclass(frozen=True)
class ChecklistItem:
    """One document to bring: a text `checklist.<key>` with its parameters."""

    key: str  # a text under `checklist.` in content/<lang>/checklist.toml
    params: dict[str, str] = field(default_factory=dict)  # plain strings in the user's language


def _text(answers: Mapping[str, object], key: str) -> str:
    value = answers.get(key)
    return value.strip() if isinstance(value, str) else ""


def _codes(answers: Mapping[str, object], key: str) -> list[str]:
    value = answers.get(key)
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [str(code) for code in value if code]
    return []


def _country(code: str, lang: Language) -> str:
    try:
        return country_name(code, lang)
    except ValueError:
        return code


def _name(answers: Mapping[str, object], index: int, names: Sequence[str] | None) -> str:
    """The name the flow shows for this person, else the names given, else '#2'."""
    if names is not None and index < len(names) and names[index]:
        return names[index]
    given = " ".join(n for n in (_text(answers, "given_names"), _text(answers, "surname")) if n)
    return given or f"#{index + 1}"


def _identity(answers: Mapping[str, object], name: str) -> list[ChecklistItem]:
    document = _text(answers, "document_type")
    key = {"passport": "id_passport", "id_card": "id_card"}.get(document, "id_document")
    items = [ChecklistItem(key, {"name": name})]
    nationalities = _codes(answers, "nationalities")
    if not nationalities:
        items.append(ChecklistItem("ind_document_unless_eu", {"name": name}))
    elif not NO_RESIDENCE_PERMIT.intersection(nationalities):
        items.append(ChecklistItem("ind_document", {"name": name}))
    return items


def _birth(
    answers: Mapping[str, object], role: str, name: str, lang: Language
) -> list[ChecklistItem]:
    born = _text(answers, "birth_country")
    if not born:
        return [ChecklistItem("birth_certificate_if_abroad", {"name": name})]
    if born == "NL":
        return [ChecklistItem("birth_certificate_nl", {"name": name})] if role == "child" else []
    params = {"name": name, "country": _country(born, lang)}
    key = "birth_certificate_eu" if born in EU else "birth_certificate"
    # A certificate's language cannot be told from the country (India issues them in many), so
    # the translation item states the condition rather than guessing.
    return [
        ChecklistItem(key, params),
        ChecklistItem("birth_certificate_translation", {"name": name}),
    ]


def _civil_status(
    persons: Sequence[tuple[str, Mapping[str, object]]], labels: list[str]
) -> list[ChecklistItem]:
    adults = [
        (answers, name)
        for (role, answers), name in zip(persons, labels, strict=True)
        if role != "child"
    ]
    statuses = [_text(answers, "civil_status") for answers, _ in adults]
    items: list[ChecklistItem] = []
    if "married" in statuses:
        items.append(ChecklistItem("marriage_certificate"))
    elif "registered_partnership" in statuses:
        items.append(ChecklistItem("partnership_certificate"))
    elif any(role == "partner" for role, _ in persons) and not all(statuses):
        items.append(ChecklistItem("marriage_or_partnership_certificate"))
    for answers, name in adults:
        status = _text(answers, "civil_status")
        if status == "divorced":
            items.append(ChecklistItem("divorce_certificate", {"name": name}))
        elif status == "widowed":
            items.append(ChecklistItem("death_certificate", {"name": name}))
    return items


def _housing(persons: Sequence[tuple[str, Mapping[str, object]]]) -> list[ChecklistItem]:
    given = {_text(answers, "housing") for _, answers in persons}
    keys = [item for value, item in HOUSING_ITEMS.items() if value in given]
    return [ChecklistItem(key) for key in keys] or [ChecklistItem("housing_any")]


def prereg_checklist(
    persons: Sequence[tuple[str, Mapping[str, object]]],
    lang: Language,
    names: Sequence[str] | None = None,
) -> list[ChecklistItem]:
    """The documents this party brings, personalised by the (possibly incomplete) answers.

    persons are (role, answers) with role main/partner/child; names, if given, are how the flow
    calls each person ('Your partner') and are used where no name has been answered yet.
    """
    labels = [_name(answers, i, names) for i, (_, answers) in enumerate(persons)]
    items: list[ChecklistItem] = []
    for (_, answers), name in zip(persons, labels, strict=True):
        items += _identity(answers, name)
    for (role, answers), name in zip(persons, labels, strict=True):
        items += _birth(answers, role, name, lang)
    items += _civil_status(persons, labels)
    items += _housing(persons)
    for (_, answers), name in zip(persons, labels, strict=True):
        previous = _text(answers, "previous_country")
        if previous in DEREGISTER_FROM:
            params = {"name": name, "country": _country(previous, lang)}
            items.append(ChecklistItem("deregistration", params))
    return items
