"""Loads the eligibility rules, salary thresholds and the pilot area from content/."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from bot.domain.eligibility import (
    Category,
    Derived,
    EligibilityRules,
    Outcome,
    Question,
    Rule,
    SalaryTable,
    SalaryYear,
    VisitPlan,
)

CATEGORIES = ("one_stop", "service_point", "neither")


@dataclass(frozen=True)
class Municipality:
    """A municipality a location serves, valid between two dates."""

    id: str
    name: str
    valid_from: date | None = None
    valid_to: date | None = None
    cbs: str = ""  # the CBS code ('GM0935') the national address register uses

    def valid_on(self, day: date) -> bool:
        """Whether it exists on that day (mergers change the list)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


def _read(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _conditions(raw: dict[str, list[str]] | None) -> dict[str, frozenset[str]] | None:
    if raw is None:
        return None
    return {key: frozenset(str(v) for v in values) for key, values in raw.items()}


def load_municipalities(content_dir: Path) -> tuple[Municipality, ...]:
    """The pilot area's municipalities in alphabetical order."""
    data = _read(content_dir / "municipalities.toml")["pilot_area"]["municipalities"]
    return tuple(
        Municipality(m["id"], m["name"], m.get("valid_from"), m.get("valid_to"), m.get("cbs", ""))
        for m in data
    )


def load_visits(content_dir: Path) -> dict[str, VisitPlan]:
    """Who needs which step: content/visits.toml."""
    data = _read(content_dir / "visits.toml")["visits"]
    return {
        visit_id: VisitPlan(
            visit_id,
            tuple(raw["steps"]),
            tuple(raw["checklist"]),
            tuple(raw.get("checklist_partner", ())),
            tuple(raw.get("checklist_children", ())),
        )
        for visit_id, raw in data.items()
    }


def load_rules(content_dir: Path, municipality_ids: tuple[str, ...]) -> EligibilityRules:
    """The questions, rules, outcomes and visits; raises ValueError on inconsistent data."""
    data = _read(content_dir / "eligibility.toml")
    questions = []
    for raw in data["questions"]:
        options = raw.get("options", ())
        if options == "municipalities":
            options = (*municipality_ids, "limburg", "elsewhere")
        questions.append(
            Question(
                id=raw["id"],
                options=tuple(options),
                input=raw.get("input", ""),
                ask_if=_conditions(raw.get("ask_if")),
                columns=int(raw.get("columns", 2)),
            )
        )
    rules = tuple(
        Rule(
            id=raw["id"],
            outcome=raw["outcome"],
            when=_conditions(raw["when"]) or {},
            because=tuple(raw.get("because", ())),
            early=bool(raw.get("early", False)),
            notes=tuple(raw.get("notes", ())),
        )
        for raw in data["rules"]
    )
    outcomes = {}
    for outcome_id, raw in data["outcomes"].items():
        if raw["category"] not in CATEGORIES:
            raise ValueError(f"outcome {outcome_id}: unknown category {raw['category']}")
        outcomes[outcome_id] = Outcome(
            outcome_id, cast(Category, raw["category"]), tuple(raw["sources"]), raw.get("visit")
        )
    derived = tuple(
        Derived(key, tuple(raw["sources"]), frozenset(raw.get("skip", ())))
        for key, raw in data.get("derived", {}).items()
    )
    result = EligibilityRules(
        tuple(questions),
        rules,
        outcomes,
        data["checked"],
        derived,
        load_visits(content_dir),
        {str(k): str(v) for k, v in data.get("sponsor_registers", {}).items()},
    )
    result.validate()
    return result


def load_salary_table(content_dir: Path) -> tuple[SalaryTable, tuple[str, ...]]:
    """The thresholds by filing year, and the routes they apply to."""
    data = _read(content_dir / "eligibility.toml")["salary"]
    years = []
    for raw in data["years"]:
        thresholds = {
            k: int(v)
            for k, v in raw.items()
            if k not in ("year", "valid_from", "valid_to", "sources")
        }
        years.append(
            SalaryYear(
                raw["year"], raw["valid_from"], raw["valid_to"], thresholds, tuple(raw["sources"])
            )
        )
    return SalaryTable(tuple(years)), tuple(data["applies_to"])
