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
    "route": "hsm",
    "investor_existing": "yes",
    "stay_long": "yes",
    "municipality": "maastricht",
    "brp_registered": "no",
    "sponsor": "yes",
    "kvk": "10000001",
    "kvk_registered": "yes",
    "family": "none",
}

CASES = [
    # (what differs from BASE, expected outcome, questions that must have been asked)
    ({}, "one_stop", ["route", "stay_long", "municipality", "brp_registered", "sponsor", "family"]),
    ({"route": "researcher", "family": "partner_children"}, "one_stop", ["sponsor"]),
    ({"route": "startup"}, "one_stop", ["family"]),
    ({"route": "orientation_year", "municipality": "echt_susteren"}, "one_stop", ["family"]),
    ({"route": "investor", "investor_existing": "yes"}, "one_stop", ["investor_existing"]),
    ({"route": "family", "sponsor": "unknown"}, "one_stop", ["kvk"]),
    ({"route": "investor", "investor_existing": "no"}, "neither_investor", ["investor_existing"]),
    ({"stay_long": "no"}, "neither_short_stay", ["stay_long"]),
    ({"municipality": "elsewhere"}, "neither_elsewhere", ["municipality"]),
    ({"brp_registered": "yes"}, "service_point_registered", ["brp_registered"]),
    ({"route": "blue_card"}, "service_point_route", ["brp_registered"]),
    ({"route": "ict"}, "service_point_route", []),
    ({"route": "student"}, "service_point_route", []),
    ({"route": "other", "municipality": "heerlen"}, "service_point_route", []),
    ({"sponsor": "no"}, "service_point_sponsor", ["sponsor"]),
    ({"sponsor": "unknown", "kvk_registered": "no"}, "service_point_sponsor", ["kvk"]),
]


@pytest.mark.parametrize(("changes", "expected", "must_ask"), CASES)
def test_answers_lead_to_the_expected_outcome(
    rules: EligibilityRules, changes: dict[str, str], expected: str, must_ask: list[str]
) -> None:
    outcome, asked = walk(rules, {**BASE, **changes})
    assert outcome == expected
    assert set(must_ask) <= set(asked)


def test_every_outcome_is_reached_by_the_table(rules: EligibilityRules) -> None:
    reached = {expected for _, expected, _ in CASES}
    assert reached == set(rules.outcomes)


def test_early_rules_stop_asking(rules: EligibilityRules) -> None:
    _, asked = walk(rules, {**BASE, "route": "investor", "investor_existing": "no"})
    assert asked == ["route", "investor_existing"]
    _, asked = walk(rules, {**BASE, "stay_long": "no"})
    assert asked == ["route", "stay_long"]


def test_family_is_only_asked_when_it_matters(rules: EligibilityRules) -> None:
    _, asked = walk(rules, {**BASE, "route": "student"})
    assert "family" not in asked
    _, asked = walk(rules, {**BASE, "sponsor": "no"})
    assert "family" not in asked


def test_sponsor_question_only_for_sponsored_routes(rules: EligibilityRules) -> None:
    _, asked = walk(rules, {**BASE, "route": "startup"})
    assert "sponsor" not in asked
    _, asked = walk(rules, {**BASE, "route": "hsm"})
    assert "sponsor" in asked and "kvk" not in asked


def test_the_reason_names_the_deciding_answers(rules: EligibilityRules) -> None:
    answers = {**BASE, "sponsor": "no"}
    decision = rules.decide(answers)
    assert decision is not None
    assert decision.because == ("sponsor",)


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
