"""Personas on every row of the route map: outcome, the visit's steps and the checklist, in both
languages (facts.md section 11; rules in content/eligibility.toml, visits in content/visits.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

import pytest

from bot.content.catalog import Catalog
from bot.content.eligibility import load_municipalities, load_rules
from bot.content.locations import load_locations
from bot.domain.booking import party_of
from bot.domain.checklist import party_checklist
from bot.domain.eligibility import EligibilityRules
from bot.domain.itinerary import plan
from bot.domain.language import Language
from tests.conftest import CONTENT

MUNICIPALITIES = tuple(m.id for m in load_municipalities(CONTENT))
RULES: EligibilityRules = load_rules(CONTENT, MUNICIPALITIES)
LOCATION = load_locations(CONTENT, MUNICIPALITIES)["maastricht"]
CATALOG = Catalog.load(CONTENT)
MONDAY, TUESDAY = date(2027, 3, 1), date(2027, 3, 2)
EXPAT = ("ind", "municipality", "advice")
EU = ("municipality", "advice")
BRP = ("municipality",)
NONE: tuple[str, ...] = ()


@dataclass(frozen=True)
class Persona:
    """Someone arriving, as the answers they give."""

    name: str
    answers: dict[str, str]
    outcome: str
    steps: tuple[str, ...]
    brings: tuple[str, ...] = ()  # checklist keys that must be there
    never: tuple[str, ...] = ()  # checklist keys that must not
    notes: tuple[str, ...] = field(default=())


def other(route: str, **more: str) -> dict[str, str]:
    """A non-EU national on a route, living in Maastricht, sponsor recognised."""
    return {
        "nationality": "other",
        "route": route,
        "stay_long": "yes",
        "municipality": "maastricht",
        "brp_registered": "no",
        "sponsor": "yes",
        "family": "none",
        **more,
    }


def eu(route: str = "eu_employee", **more: str) -> dict[str, str]:
    """An EU/EEA/Swiss citizen."""
    return {
        "nationality": "eu",
        "eu_route": route,
        "stay_long": "yes",
        "municipality": "heerlen",
        "sponsor": "yes",
        "family": "none",
        **more,
    }


def family(principal: str, **more: str) -> dict[str, str]:
    """A partner or child of someone on a route."""
    return other("family", principal_route=principal, **more)


NO_IND = ("ind_letter",)
PERSONAS = [
    # Row 1: expats of a recognised sponsor (or on a route without one), South Limburg.
    Persona("Indian HSM in Maastricht", other("hsm"), "one_stop", EXPAT, ("ind_letter",)),
    Persona("Chinese researcher in Heerlen", other("researcher", municipality="heerlen"),
            "one_stop", EXPAT, ("ind_letter",)),
    Persona("Brazilian zoekjaar graduate", other("orientation_year"), "one_stop", EXPAT),
    Persona("Nigerian start-up founder in Sittard-Geleen",
            other("startup", municipality="sittard_geleen"), "one_stop", EXPAT),
    Persona("US self-employed designer", other("self_employed"), "one_stop", EXPAT,
            notes=("not_on_ind_list",)),
    Persona("Japanese ICT manager", other("ict"), "one_stop", EXPAT, notes=("ict_twv_desks",)),
    Persona("Filipino nurse with a TWV", other("twv_worker", municipality="kerkrade"),
            "one_stop", EXPAT, notes=("ict_twv_desks",)),
    Persona("Korean top artist", other("top_artist", municipality="vaals"), "one_stop", EXPAT,
            notes=("not_on_ind_list",)),
    Persona("HSM in Echt-Susteren with partner and children",
            other("hsm", municipality="echt_susteren", family="partner_children"), "one_stop",
            EXPAT, ("marriage_certificate", "children_birth_certificates")),
    Persona("Turkish HSM with a recognised sponsor", other("hsm", nationality="turkish"),
            "one_stop", EXPAT),
    Persona("HSM whose sponsor is found by KvK",
            other("hsm", sponsor="unknown", kvk="10000002", kvk_registered="yes"),
            "one_stop", EXPAT),
    Persona("Existing investor", other("investor", investor_existing="yes"), "one_stop", EXPAT),
    # Row 2: family of principals without a sponsor.
    Persona("Partner of a start-up founder", family("startup", family="partner"), "one_stop",
            EXPAT, ("marriage_certificate",)),
    Persona("Child of a zoekjaar graduate", family("orientation_year"), "one_stop", EXPAT),
    Persona("Partner of an existing investor", family("investor", investor_existing="yes"),
            "one_stop", EXPAT),
    Persona("Partner of an HSM", family("hsm"), "one_stop", EXPAT),
    Persona("Partner of a researcher, host found", family("researcher", sponsor="unknown",
            kvk="10000004", kvk_registered="yes"), "one_stop", EXPAT),
    # Row 3: EU/EEA/Swiss employees: no IND step.
    Persona("German engineer of a sponsor", eu(), "one_stop_eu", EU,
            ("passports", "birth_certificate_eu"), NO_IND),
    Persona("Swiss researcher at a host", eu("eu_researcher", municipality="maastricht"),
            "one_stop_eu", EU, (), NO_IND),
    Persona("Belgian engineer with family", eu(family="partner_children"), "one_stop_eu", EU,
            ("marriage_certificate_eu", "children_birth_certificates_eu"),
            ("marriage_certificate", "ind_letter")),
    Persona("Italian of a non-sponsor employer", eu(sponsor="no"), "eu_regular", NONE,
            notes=("eu_fast_track_sponsor",)),
    Persona("Spanish employee, sponsor not found", eu(sponsor="unknown", kvk="99999999",
            kvk_registered="no"), "eu_regular", NONE, notes=("eu_fast_track_sponsor",)),
    Persona("French student", eu("eu_other"), "register_own_municipality", NONE),
    Persona("Polish worker in Venlo", eu(municipality="limburg"),
            "register_own_municipality", NONE),
    Persona("Austrian outside Limburg", eu(municipality="elsewhere"),
            "register_own_municipality", NONE),
    # Row 4: Dutch nationals.
    Persona("Dutch national from Curaçao in Maastricht",
            {"nationality": "dutch", "dutch_from": "caribbean", "stay_long": "yes",
             "municipality": "maastricht", "family": "none"},
            "brp_dutch_caribbean", BRP, ("deregistration_caribbean",), NO_IND),
    Persona("Dutch national from Aruba with children",
            {"nationality": "dutch", "dutch_from": "caribbean", "stay_long": "yes",
             "municipality": "brunssum", "family": "children"},
            "brp_dutch_caribbean", BRP, ("children_birth_certificates_plain",), NO_IND),
    Persona("Dutch national from Canada",
            {"nationality": "dutch", "dutch_from": "elsewhere", "stay_long": "yes",
             "municipality": "maastricht", "family": "none"},
            "register_own_municipality", NONE),
    # Row 5: Blue Card, or a sponsor that is not recognised.
    Persona("Blue Card engineer", other("blue_card"), "service_point_blue_card", NONE,
            notes=("blue_card_one_stop",)),
    Persona("HSM of a non-sponsor", other("hsm", sponsor="no"), "service_point_sponsor", NONE),
    Persona("ICT of a non-sponsor", other("ict", sponsor="no"), "service_point_sponsor", NONE),
    Persona("Turkish HSM of a non-sponsor", other("hsm", nationality="turkish", sponsor="no"),
            "service_point_sponsor_turkish", NONE),
    Persona("HSM, KvK not found, then I don't know",
            other("hsm", sponsor="unknown", kvk="unknown", kvk_registered="unknown"),
            "sponsor_unconfirmed", NONE),
    Persona("Researcher whose host is only a work sponsor",
            other("researcher", sponsor="unknown", kvk="10000002", kvk_registered="no"),
            "sponsor_unconfirmed", NONE),
    # Row 6: students and other non-expats in Limburg.
    Persona("Ghanaian student in Maastricht", other("student"), "service_point_student", NONE),
    Persona("Student in Roermond", other("student", municipality="limburg"),
            "service_point_student", NONE),
    Persona("Asylum-related other route", other("other", municipality="heerlen"),
            "service_point_route", NONE),
    Persona("Child of a student", family("student"), "service_point_student", NONE),
    # Row 7: expats already in the BRP, or in Limburg outside South Limburg.
    Persona("HSM in Venlo", other("hsm", municipality="limburg"), "mic_planner", NONE),
    Persona("Researcher already in the BRP", other("researcher", brp_registered="yes"),
            "mic_planner", NONE),
    # Row 8: outside Limburg.
    Persona("HSM in Utrecht", other("hsm", municipality="elsewhere"), "ind_desk_elsewhere", NONE),
    Persona("Student in Eindhoven", other("student", municipality="elsewhere"),
            "ind_desk_elsewhere", NONE),
    # Row 9: short stays (RNI by nationality, 2026 rule).
    Persona("Indian engineer for 3 months", other("hsm", stay_long="no"), "rni_non_eu", NONE),
    Persona("Turkish cross-border worker", other("ict", nationality="turkish", stay_long="no"),
            "rni_non_eu", NONE),
    Persona("German for 2 months", eu(stay_long="no"), "rni_eu", NONE),
    Persona("Dutch national for 3 months",
            {"nationality": "dutch", "dutch_from": "elsewhere", "stay_long": "no"},
            "rni_eu", NONE),
    # Row 10: new investors.
    Persona("New investor", other("investor", investor_existing="no"), "neither_investor", NONE),
    Persona("Partner of a new investor", family("investor", investor_existing="no"),
            "neither_investor", NONE),
]  # fmt: skip


def walk(answers: dict[str, str]) -> tuple[str, tuple[str, ...], list[str]]:
    """Answers only what the check asks; returns outcome, notes and the questions asked."""
    given: dict[str, object] = {}
    asked: list[str] = []
    while (decision := RULES.decide(given)) is None:
        question = RULES.next_question(given)
        assert question is not None, f"no outcome and no question after {given}"
        asked.append(question.id)
        given[question.id] = answers[question.id]
        if question.id == "kvk":
            given["kvk_registered"] = answers["kvk_registered"]
    return decision.outcome.id, decision.rule.notes, asked


def test_enough_personas_on_every_row_and_outcome() -> None:
    assert len(PERSONAS) >= 40
    assert {p.outcome for p in PERSONAS} == set(RULES.outcomes)
    routes = {p.answers.get("principal_route") or p.answers.get("route") for p in PERSONAS}
    assert set(RULES.question("route").options) - {"family"} <= routes
    assert {p.answers.get("eu_route") for p in PERSONAS} >= set(RULES.question("eu_route").options)
    rules_used = set()
    for persona in PERSONAS:
        decision = RULES.decide(_answered(persona.answers))
        assert decision is not None
        rules_used.add(decision.rule.id)
    assert rules_used == {rule.id for rule in RULES.rules}


def _answered(answers: dict[str, str]) -> dict[str, object]:
    given: dict[str, object] = {}
    while (question := RULES.next_question(given)) is not None:
        given[question.id] = answers[question.id]
        if question.id == "kvk":
            given["kvk_registered"] = answers["kvk_registered"]
    return given


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("persona", PERSONAS, ids=[p.name for p in PERSONAS])
def test_persona(persona: Persona, lang: Language) -> None:
    outcome, notes, asked = walk(persona.answers)
    assert outcome == persona.outcome
    assert asked[0] == "nationality"
    assert set(persona.notes) <= set(notes)
    visit = RULES.visit_of(outcome)
    steps = visit.steps if visit is not None else ()
    assert steps == persona.steps
    texts = [
        CATALOG.text(lang, f"eligibility.outcomes.{outcome}.title"),
        CATALOG.text(lang, f"eligibility.outcomes.{outcome}.body"),
        *(CATALOG.text(lang, f"eligibility.notes.{note}") for note in notes),
    ]
    if visit is None:
        assert not persona.brings
        assert all(text.strip() and "{" not in text for text in texts)
        return
    family = persona.answers.get("family", "none")
    party = party_of(family in ("partner", "partner_children"), 1 if "children" in family else 0)
    items = party_checklist(party, visit)
    assert set(persona.brings) <= set(items)
    assert not set(persona.never) & set(items)
    assert ("ind_letter" in items) == ("ind" in steps)
    texts += [CATALOG.text(lang, f"booking.checklist.{key}") for key in items]
    texts += [CATALOG.text(lang, f"booking.steps.{step}") for step in steps]
    assert all(text.strip() and "{" not in text for text in texts)
    located = LOCATION.with_steps(steps)
    itinerary = plan(located, TUESDAY, time(9, 0), len(party))
    assert itinerary is not None
    assert tuple(v.step for v in itinerary.visits) == steps
    monday = plan(located, MONDAY, time(9, 0), len(party))
    assert (monday is None) == ("ind" in steps)  # the Tue/Thu/Fri limit binds the IND step only
