"""The personalised checklist: which documents each person brings, following facts.md section 3."""

from __future__ import annotations

from collections.abc import Mapping

from bot.content.catalog import Catalog, placeholders
from bot.domain.checklist import EU, NO_RESIDENCE_PERMIT, ChecklistItem, prereg_checklist
from tests.conftest import CONTENT

Person = tuple[str, Mapping[str, object]]

PRIYA: dict[str, object] = {
    "given_names": "Priya",
    "surname": "Sharma",
    "birth_country": "IN",
    "nationalities": ["IN"],
    "civil_status": "married",
    "document_type": "passport",
    "housing": "rental",
    "previous_country": "IN",
}
KENJI: dict[str, object] = {
    "given_names": "Kenji",
    "surname": "Sato",
    "birth_country": "JP",
    "nationalities": ["JP"],
    "civil_status": "married",
    "document_type": "passport",
    "housing": "rental",
}
AIKO: dict[str, object] = {
    "given_names": "Aiko",
    "surname": "Sato",
    "birth_country": "NL",
    "nationalities": ["JP"],
    "document_type": "passport",
}


def keys(items: list[ChecklistItem]) -> list[str]:
    return [item.key for item in items]


def find(items: list[ChecklistItem], key: str) -> list[dict[str, str]]:
    return [item.params for item in items if item.key == key]


def test_family_of_three() -> None:
    items = prereg_checklist([("main", PRIYA), ("partner", KENJI), ("child", AIKO)], "en")
    assert keys(items) == [
        "id_passport",
        "ind_document",
        "id_passport",
        "ind_document",
        "id_passport",
        "ind_document",
        "birth_certificate",  # Priya, India
        "birth_certificate_translation",  # stated as a condition: the language is not guessed
        "birth_certificate",  # Kenji, Japan
        "birth_certificate_translation",
        "birth_certificate_nl",  # Aiko, born in the Netherlands
        "marriage_certificate",
        "housing_rental",
    ]
    assert find(items, "id_passport")[0] == {"name": "Priya Sharma"}
    assert find(items, "birth_certificate") == [
        {"name": "Priya Sharma", "country": "India"},
        {"name": "Kenji Sato", "country": "Japan"},
    ]
    assert find(items, "birth_certificate_translation") == [
        {"name": "Priya Sharma"},
        {"name": "Kenji Sato"},
    ]
    assert find(items, "birth_certificate_nl") == [{"name": "Aiko Sato"}]


def test_country_names_are_in_the_users_language() -> None:
    items = prereg_checklist([("main", KENJI)], "nl")
    assert find(items, "birth_certificate") == [{"name": "Kenji Sato", "country": "Japan"}]
    german = {**KENJI, "birth_country": "DE"}
    assert find(prereg_checklist([("main", german)], "nl"), "birth_certificate_eu") == [
        {"name": "Kenji Sato", "country": "Duitsland"}
    ]


def test_the_translation_note_is_a_condition_for_every_certificate_from_abroad() -> None:
    # India, Pakistan and Morocco issue certificates in languages other than their official
    # English or French, so the bot never guesses from the country and always states the rule.
    for born in ("IN", "PK", "MA", "JP", "US", "DE", "BE", "CH", "ZZ"):
        person = {**KENJI, "birth_country": born}
        assert find(
            prereg_checklist([("main", person)], "en"), "birth_certificate_translation"
        ) == [{"name": "Kenji Sato"}], born
    dutch_born = {**KENJI, "birth_country": "NL"}
    assert "birth_certificate_translation" not in keys(
        prereg_checklist([("main", dutch_born)], "en")
    )


def test_certificates_from_eu_countries_need_no_apostille() -> None:
    for born, key in (("DE", "birth_certificate_eu"), ("PL", "birth_certificate_eu")):
        person = {**KENJI, "birth_country": born}
        assert key in keys(prereg_checklist([("main", person)], "en")), born
    # The regulation covers documents of EU member states only, not the EEA or Switzerland.
    for born in ("NO", "CH", "GB", "IN"):
        person = {**KENJI, "birth_country": born}
        assert "birth_certificate" in keys(prereg_checklist([("main", person)], "en")), born
    text = Catalog.load(CONTENT).plain(
        "en", "checklist.birth_certificate_eu", name="A", country="B"
    )
    assert "no apostille" in text and "multilingual standard form" in text


def test_the_permit_free_nationalities_are_the_eu_the_eea_and_switzerland() -> None:
    assert len(EU) == 27
    assert {"IS", "LI", "NO", "CH"} == NO_RESIDENCE_PERMIT - EU
    assert "GB" not in NO_RESIDENCE_PERMIT  # the United Kingdom left the EU


def test_eea_and_swiss_citizens_need_no_ind_document() -> None:
    for nationality in ("NO", "IS", "LI", "CH"):
        person = {**KENJI, "nationalities": [nationality]}
        assert "ind_document" not in keys(prereg_checklist([("main", person)], "en")), nationality
    for nationality in ("GB", "TR", "US"):
        person = {**KENJI, "nationalities": [nationality]}
        assert "ind_document" in keys(prereg_checklist([("main", person)], "en")), nationality
    text = Catalog.load(CONTENT).plain("en", "checklist.ind_document_unless_eu", name="A")
    assert "EU, the EEA or Switzerland" in text


def test_eu_citizens_need_no_ind_document() -> None:
    eu = {**KENJI, "nationalities": ["DE"]}
    dual = {**KENJI, "nationalities": ["JP", "FR"]}
    unknown = {**KENJI, "nationalities": []}
    assert "ind_document" not in keys(prereg_checklist([("main", eu)], "en"))
    assert "ind_document" not in keys(prereg_checklist([("main", dual)], "en"))
    assert find(prereg_checklist([("main", unknown)], "en"), "ind_document_unless_eu") == [
        {"name": "Kenji Sato"}
    ]


def test_identity_document_follows_the_answer() -> None:
    card = {**KENJI, "document_type": "id_card"}
    assert keys(prereg_checklist([("main", card)], "en"))[0] == "id_card"
    assert keys(prereg_checklist([("main", {})], "en"))[0] == "id_document"


def test_proof_of_housing_by_situation() -> None:
    for housing, key in (
        ("rental", "housing_rental"),
        ("owner", "housing_purchase"),
        ("main_occupant", "housing_consent"),
    ):
        person = {**KENJI, "housing": housing}
        assert key in keys(prereg_checklist([("main", person)], "en"))
    assert "housing_any" in keys(prereg_checklist([("main", {})], "en"))
    mixed = [("main", KENJI), ("partner", {**KENJI, "housing": "main_occupant"})]
    assert {"housing_rental", "housing_consent"} <= set(keys(prereg_checklist(mixed, "en")))


def test_civil_status_documents() -> None:
    partnership = {**KENJI, "civil_status": "registered_partnership"}
    unmarried = {**KENJI, "civil_status": "unmarried"}
    divorced = {**KENJI, "civil_status": "divorced"}
    widowed = {**KENJI, "civil_status": "widowed"}
    assert "marriage_certificate" in keys(prereg_checklist([("main", KENJI)], "en"))
    assert "partnership_certificate" in keys(prereg_checklist([("main", partnership)], "en"))
    couple = keys(prereg_checklist([("main", unmarried), ("partner", {})], "en"))
    assert "marriage_or_partnership_certificate" in couple
    together = keys(prereg_checklist([("main", unmarried), ("partner", unmarried)], "en"))
    assert not {"marriage_certificate", "marriage_or_partnership_certificate"} & set(together)
    alone = keys(prereg_checklist([("main", unmarried)], "en"))
    assert not any("marriage" in key or "partnership" in key for key in alone)
    assert find(prereg_checklist([("main", divorced)], "en"), "divorce_certificate") == [
        {"name": "Kenji Sato"}
    ]
    assert find(prereg_checklist([("main", widowed)], "en"), "death_certificate") == [
        {"name": "Kenji Sato"}
    ]


def test_birth_certificate_when_birth_country_unknown_or_netherlands() -> None:
    unknown = prereg_checklist([("main", {"given_names": "Ana"})], "en")
    assert find(unknown, "birth_certificate_if_abroad") == [{"name": "Ana"}]
    dutch_born = prereg_checklist([("main", {**KENJI, "birth_country": "NL"})], "en")
    assert not any(key.startswith("birth_certificate") for key in keys(dutch_born))


def test_deregistration_from_the_caribbean_parts_of_the_kingdom() -> None:
    for code, name in (("AW", "Aruba"), ("CW", "Curaçao"), ("SX", "Sint-Maarten")):
        items = prereg_checklist([("main", {**KENJI, "previous_country": code})], "nl")
        assert find(items, "deregistration") == [{"name": "Kenji Sato", "country": name}]
    bes = prereg_checklist([("main", {**KENJI, "previous_country": "BQ"})], "en")
    assert find(bes, "deregistration") == [
        {"name": "Kenji Sato", "country": "Caribbean Netherlands"}
    ]
    assert "deregistration" not in keys(prereg_checklist([("main", PRIYA)], "en"))


def test_names_fall_back_to_what_the_flow_calls_a_person() -> None:
    persons: list[Person] = [("main", {}), ("partner", {"surname": "Sato"}), ("child", {})]
    items = prereg_checklist(persons, "en", names=["You", "Your partner", "Child 1"])
    assert [p["name"] for p in find(items, "id_document")] == ["You", "Your partner", "Child 1"]
    items = prereg_checklist(persons, "en")
    assert [p["name"] for p in find(items, "id_document")] == ["#1", "Sato", "#3"]


def test_incomplete_or_odd_answers_never_break_it() -> None:
    odd: dict[str, object] = {
        "birth_country": "ZZ",
        "nationalities": "XX",
        "civil_status": 3,
        "housing": None,
        "previous_country": ["AW"],
    }
    items = prereg_checklist([("main", odd), ("child", {})], "en")
    assert find(items, "birth_certificate")[0]["country"] == "ZZ"
    assert prereg_checklist([], "en") == [ChecklistItem("housing_any", {})]


def test_every_item_has_a_text_with_matching_placeholders() -> None:
    catalog = Catalog.load(CONTENT)
    everyone: list[list[Person]] = [
        [("main", PRIYA), ("partner", KENJI), ("child", AIKO)],
        [("main", {}), ("partner", {}), ("child", {})],
        [("main", {**KENJI, "civil_status": "divorced", "previous_country": "CW"})],
        [("main", {**KENJI, "civil_status": "widowed", "housing": "owner"})],
        [("main", {**KENJI, "civil_status": "registered_partnership"})],
        [("main", {**KENJI, "housing": "main_occupant", "document_type": "id_card"})],
        [("main", {**KENJI, "birth_country": "FR", "nationalities": ["FR"]})],
    ]
    seen: set[str] = set()
    for persons in everyone:
        for lang in ("nl", "en"):
            for item in prereg_checklist(persons, lang):
                template = catalog.texts[lang][f"checklist.{item.key}"]
                assert placeholders(template) == set(item.params), item
                assert catalog.text(lang, f"checklist.{item.key}", **item.params)
                seen.add(item.key)
    defined = {
        k.removeprefix("checklist.") for k in catalog.keys("en") if k.startswith("checklist.")
    }
    assert seen == defined


def test_before_the_form_the_party_decides_the_documents() -> None:
    from bot.domain.booking import party_of
    from bot.domain.checklist import party_checklist

    alone = party_checklist(party_of(False, 0))
    family = party_checklist(party_of(True, 2))
    assert "passports" in alone and "marriage_certificate" not in alone
    assert {"marriage_certificate", "partner_birth_certificate"} <= set(family)
    assert "children_birth_certificates" in family
    assert "children_birth_certificates" not in party_checklist(party_of(True, 0))
