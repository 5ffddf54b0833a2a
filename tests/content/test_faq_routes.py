"""The FAQ entries that say who can use the one-stop shop name the same routes the rules book."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content.eligibility import load_municipalities, load_rules
from bot.content.faq import load_faq

CONTENT = Path(__file__).parents[2] / "content"
RULES = load_rules(CONTENT, tuple(m.id for m in load_municipalities(CONTENT)))
WHO = {e.lang: e for e in load_faq(CONTENT) if e.id == "onestop-who"}
# How the FAQ names each residence route (compared lower-case).
NAMES = {
    "en": {
        "hsm": "highly skilled migrant",
        "researcher": "researcher",
        "orientation_year": "orientation year",
        "startup": "start-up",
        "self_employed": "self-employed",
        "ict": "intra-corporate transferee",
        "twv_worker": "work permit (twv)",
        "top_artist": "top artist",
        "investor": "foreign-investor permit",
        "family": "partners and children",
        "blue_card": "blue card",
        "student": "student",
    },
    "nl": {
        "hsm": "kennismigrant",
        "researcher": "onderzoeker",
        "orientation_year": "zoekjaar",
        "startup": "start-up",
        "self_employed": "zelfstandige",
        "ict": "(ict)",
        "twv_worker": "tewerkstellingsvergunning (twv)",
        "top_artist": "topkunstenaar",
        "investor": "investeerdersvergunning",
        "family": "partners en kinderen",
        "blue_card": "blauwe kaart",
        "student": "student",
    },
}


def bookable(route: str) -> bool:
    """Whether the rules book the one-stop visit for this route (sponsor recognised, area)."""
    answers: dict[str, object] = {
        "nationality": "other",
        "route": route,
        "principal_route": "hsm",
        "investor_existing": "yes",
        "stay_long": "yes",
        "municipality": "maastricht",
        "brp_registered": "no",
        "sponsor": "yes",
        "family": "none",
    }
    given: dict[str, object] = {}
    while (question := RULES.next_question(given)) is not None:
        given[question.id] = answers[question.id]
    decision = RULES.decide(given)
    assert decision is not None
    return RULES.visit_of(decision.outcome.id) is not None


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_route_the_faq_names_has_a_rule_that_books_it(lang: str) -> None:
    body = re.sub(r"\s+", " ", WHO[lang].answer.lower())
    named = {route for route, name in NAMES[lang].items() if name in body}
    routes = set(RULES.question("route").options)
    assert named <= routes
    booked = {route for route in routes if bookable(route)}
    assert named == booked, f"FAQ names {sorted(named)}, the rules book {sorted(booked)}"
