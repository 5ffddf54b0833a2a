"""Every outcome of the eligibility check is reachable, and each is decided by the right answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.content.eligibility import load_municipalities, load_rules, load_salary_table
from bot.domain.eligibility import EligibilityRules, parse_salary
from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def rules() -> EligibilityRules:
    return load_rules(CONTENT, tuple(m.id for m in load_municipalities(CONTENT)))


def walk(rules: EligibilityRules, given: dict[str, str]) -> tuple[str, list[str]]:
    """Answers the questions the rules ask, from `given`, until an outcome is decided."""
    answers: dict[str, object] = {}
    asked: list[str] = []
    while (decision := rules.decide(answers)) is None:
        question = rules.next_question(answers)
        assert question is not None, f"no outcome and no question after {answers}"
        asked.append(question.id)
        answers[question.id] = given[question.id]
        if question.id == "kvk":
            answers["kvk_registered"] = given["kvk_registered"]
    return decision.outcome.id, asked


BASE = {
    "nationality": "other",
    "route": "hsm",
    "stay_long": "yes",
    "municipality": "maastricht",
    "brp_registered": "no",
    "sponsor": "yes",
    "family": "none",
}


def test_nationality_is_asked_first(rules: EligibilityRules) -> None:
    _, asked = walk(rules, BASE)
    assert asked[0] == "nationality"
    assert asked == ["nationality", "route", "stay_long", "municipality", "brp_registered",
                     "sponsor", "family"]  # fmt: skip


def test_early_rules_stop_asking(rules: EligibilityRules) -> None:
    _, asked = walk(rules, {**BASE, "route": "investor", "investor_existing": "no"})
    assert asked == ["nationality", "route", "investor_existing"]
    _, asked = walk(rules, {**BASE, "stay_long": "no"})
    assert asked == ["nationality", "route", "stay_long"]


def test_family_is_only_asked_when_it_matters(rules: EligibilityRules) -> None:
    _, asked = walk(rules, {**BASE, "route": "student"})
    assert "family" not in asked
    _, asked = walk(rules, {**BASE, "sponsor": "no"})
    assert "family" not in asked


def test_sponsor_question_only_where_the_route_has_a_sponsor(rules: EligibilityRules) -> None:
    for route in ("startup", "orientation_year", "self_employed"):
        _, asked = walk(rules, {**BASE, "route": route})
        assert "sponsor" not in asked, route
    _, asked = walk(rules, {**BASE, "route": "family", "principal_route": "startup"})
    assert "sponsor" not in asked and "principal_route" in asked
    _, asked = walk(rules, {**BASE, "route": "hsm"})
    assert "sponsor" in asked and "kvk" not in asked


def test_a_condition_on_a_question_never_asked_does_not_block(rules: EligibilityRules) -> None:
    decision = rules.decide({"nationality": "dutch", "dutch_from": "caribbean",
                             "stay_long": "yes", "municipality": "heerlen",
                             "family": "none"})  # fmt: skip
    assert decision is not None and decision.outcome.id == "brp_dutch_caribbean"


def test_the_reason_names_the_deciding_answers(rules: EligibilityRules) -> None:
    decision = rules.decide({**BASE, "sponsor": "no"})
    assert decision is not None
    assert decision.because == ("route", "sponsor")


def test_researchers_hosts_are_checked_in_the_research_list(rules: EligibilityRules) -> None:
    assert rules.register_for({"route": "researcher"}) == "research"
    assert rules.register_for({"route": "family", "principal_route": "researcher"}) == "research"
    assert rules.register_for({"eu_route": "eu_researcher"}) == "research"
    assert rules.register_for({"route": "hsm"}) == "work"
    assert rules.register_for({"route": "ict"}) == "work"


def test_visits_decide_the_ind_step(rules: EligibilityRules) -> None:
    assert rules.visits["expat"].ind_step
    assert not rules.visits["eu"].ind_step
    assert not rules.visits["brp_only"].ind_step
    assert rules.visit_for_steps(["municipality", "advice"]).id == "eu"
    assert rules.visit_for_steps(["something", "old"]).id == "expat"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("5942", Decimal("5942")),
        ("€ 5.942", Decimal("5942")),
        ("5,942.50", Decimal("5942.50")),
        ("5.942,50", Decimal("5942.50")),
        ("4357,5", Decimal("4357.5")),
        ("5 942", Decimal("5942")),
        ("abc", None),
        ("-5000", None),
        ("0", None),
        ("1e9", None),
        ("5942€€€", Decimal("5942")),
        ("", None),
    ],
)
def test_salaries_are_read_in_dutch_and_english_notation(
    typed: str, expected: Decimal | None
) -> None:
    assert parse_salary(typed) == expected


def test_salary_thresholds_follow_the_filing_year() -> None:
    table, routes = load_salary_table(CONTENT)
    assert routes == ("hsm", "blue_card")
    verdict = table.check("hsm_30plus", Decimal("5942"), date(2026, 3, 1))
    assert verdict is not None and verdict.meets and verdict.year == 2026
    below = table.check("hsm_under30", Decimal("4356.99"), date(2026, 12, 31))
    assert below is not None and not below.meets and below.threshold == 4357
    old = table.check("hsm_30plus", Decimal("5700"), date(2025, 6, 1))
    assert old is not None and old.meets and old.threshold == 5688
    assert table.check("hsm_30plus", Decimal("6000"), date(2031, 1, 1)) is None


def test_pilot_area_has_seventeen_municipalities() -> None:
    municipalities = load_municipalities(CONTENT)
    assert len(municipalities) == 17
    names = {m.name for m in municipalities}
    assert {"Maastricht", "Beekdaelen", "Echt-Susteren", "Valkenburg aan de Geul"} <= names
    beekdaelen = next(m for m in municipalities if m.id == "beekdaelen")
    assert not beekdaelen.valid_on(date(2018, 12, 31)) and beekdaelen.valid_on(date(2019, 1, 1))
