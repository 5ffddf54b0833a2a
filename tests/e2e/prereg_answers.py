"""The e2e family's pre-registration answers, for the Telegram and the shell tests alike."""

from __future__ import annotations

from datetime import date

from bot.content.catalog import Catalog
from bot.domain.countries import country_name
from bot.domain.prereg_fields import FIELDS, HOUSEHOLD_FIELDS, fields_for
from tests.conftest import CONTENT

CATALOG = Catalog.load(CONTENT)
ZOE = "Zoë Ingrid Ødegaard"

# What each person answers: typed text, a tapped choice, or a country typed by its name (taken at
# once). The municipality comes from the eligibility check; family members take the household
# details with one tap at the postcode.
MAIN = {
    "surname": ("type", "Ødegaard"),
    "given_names": ("type", "Zoë Ingrid"),
    "sex": ("choice", "female"),
    "birth_date": ("type", "3 december 1990"),
    "birth_place": ("type", "Tromsø"),
    "birth_country": ("country", "NO"),
    "nationalities": ("countries", "NO"),
    "civil_status": ("choice", "married"),
    "document_type": ("choice", "passport"),
    "document_number": ("type", "XK9912345"),
    "document_expiry": ("type", "2031-01-01"),
    "postcode": ("type", "6211 dw 10a"),  # the house number comes along
    "house_number": ("type", "10a"),
    "municipality": ("tap", "Maastricht"),
    "housing": ("choice", "rental"),
    "arrival_date": ("today", ""),
    "previous_country": ("country", "NO"),
    "email": ("type", "zoe@example.org"),
    "phone": ("type", "+31 6 12345678"),
    "v_number": ("skip", ""),
}
PARTNER = {
    **MAIN,
    "surname": ("type", "O'Brien"),
    "given_names": ("type", "Seán"),
    "sex": ("choice", "male"),
    "birth_date": ("type", "1988-07-14"),
    "birth_place": ("type", "Cork"),
    "birth_country": ("country", "IE"),
    "nationalities": ("countries", "IE"),
    "document_number": ("type", "PA7654321"),
    "email": ("type", "sean@example.org"),
    "phone": ("type", "+353 85 123 4567"),
    "v_number": ("type", "1234567890"),
}
CHILD = {
    **MAIN,
    "surname": ("type", "O'Brien-Ødegaard"),
    "given_names": ("type", "李小龙"),
    "sex": ("choice", "unknown"),
    "birth_date": ("type", "03-05-2019"),
    "birth_place": ("type", "Saint-Étienne"),
    "birth_country": ("country", "FR"),
    "document_number": ("type", "CH1122334"),
}
FAMILY = [("main", MAIN), ("partner", PARTNER), ("child", CHILD)]


def shell_lines(lang: str, today: date) -> list[str]:
    """Consent, every person's answers as typed or tapped in `onestop shell`, then submit."""

    def label(key: str, **params: object) -> str:
        return CATALOG.plain(lang, key, **params)  # type: ignore[arg-type]

    lines = [label("prereg.button_start"), label("prereg.consent_yes")]
    for index, (role, answers) in enumerate(FAMILY):
        for field in fields_for(role):
            how, value = answers[field.key]
            if not asked(index, field.key):
                continue
            if index > 0 and field.household:
                lines.append(label("prereg.same_household", name=ZOE))
            elif how in ("type", "tap"):
                lines.append(value)
            elif how == "today":
                lines.append(today.strftime("%d-%m-%Y"))
            elif how == "choice":
                lines.append(label(f"prereg_fields.{field.key}.choices.{value}"))
            elif how == "skip":
                lines.append(label("prereg.skip"))
            else:
                lines.append(country_name(value, lang))  # type: ignore[arg-type]
    lines.append(label("prereg.submit"))
    return lines


def asked(person: int, key: str) -> bool:
    """Whether the form asks it: not the checked municipality nor the house number typed with the
    postcode; a family member's household details take one tap."""
    if person == 0:
        return key not in ("municipality", "house_number")
    return not FIELDS[key].household or key == HOUSEHOLD_FIELDS[0]
