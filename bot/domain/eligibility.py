"""The eligibility check as data-driven rules: which question is next, and what they decide."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Category = Literal["one_stop", "service_point", "neither"]
Answers = Mapping[str, object]
Conditions = Mapping[str, frozenset[str]]
# Answers recorded beside a question's own (the lookup result of a typed KvK number).
COMPANION = {"kvk_registered": "kvk"}
FULL_VISIT = "expat"  # the visit of results stored before visits were data (all three steps)


@dataclass(frozen=True)
class VisitPlan:
    """Who needs which step: the desks a visit has and what the party brings to it."""

    id: str
    steps: tuple[str, ...]
    checklist: tuple[str, ...]
    checklist_partner: tuple[str, ...] = ()
    checklist_children: tuple[str, ...] = ()

    @property
    def ind_step(self) -> bool:
        """Whether the IND desk (and so its Tue/Thu/Fri days) is part of the visit."""
        return "ind" in self.steps

    def items(self, roles: Collection[str]) -> list[str]:
        """The checklist keys for a party with these roles (main, partner, child)."""
        keys = list(self.checklist)
        if "partner" in roles:
            keys += self.checklist_partner
        if "child" in roles:
            keys += self.checklist_children
        return keys


@dataclass(frozen=True)
class Question:
    """One step of the check: buttons to choose from, or a typed value."""

    id: str
    options: tuple[str, ...] = ()
    input: str = ""
    ask_if: Conditions | None = None
    columns: int = 2

    def applies(self, answers: Answers) -> bool | None:
        """Whether to ask it, given the answers so far (None: not yet known)."""
        return True if self.ask_if is None else _holds(self.ask_if, answers)


@dataclass(frozen=True)
class Rule:
    """If the answers match `when`, the outcome is decided."""

    id: str
    outcome: str
    when: Conditions
    because: tuple[str, ...]
    early: bool = False
    notes: tuple[str, ...] = ()  # open points to state with this outcome (texts under notes.)


@dataclass(frozen=True)
class Outcome:
    """Where the user can go, with the visit it books (if any) and the sources that say so."""

    id: str
    category: Category
    sources: tuple[str, ...]
    visit: str | None = None  # a VisitPlan id when the bot can book it


@dataclass(frozen=True)
class Decision:
    """The outcome and the answers that decided it."""

    outcome: Outcome
    rule: Rule
    because: tuple[str, ...]


@dataclass(frozen=True)
class Derived:
    """An answer computed from others: the first answered of `sources` not in `skip`."""

    id: str
    sources: tuple[str, ...]
    skip: frozenset[str] = frozenset()


def _holds(conditions: Conditions, answers: Answers) -> bool | None:
    """True or False once every condition is known, None while any is still open."""
    for key, allowed in conditions.items():
        if key not in answers:
            return None
        if str(answers[key]) not in allowed:
            return False
    return True


@dataclass(frozen=True)
class EligibilityRules:
    """The whole check; built from content/eligibility.toml and content/visits.toml."""

    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    outcomes: Mapping[str, Outcome]
    checked: date
    derived: tuple[Derived, ...] = ()
    visits: Mapping[str, VisitPlan] = field(default_factory=dict)
    sponsor_registers: Mapping[str, str] = field(default_factory=dict)  # principal -> category

    def question(self, question_id: str) -> Question:
        """The question with this id."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def complete(self, answers: Answers) -> dict[str, object]:
        """The answers with the derived ones added where they are known."""
        full = dict(answers)
        for derived in self.derived:
            for source in derived.sources:
                value = full.get(source)
                if value is not None and str(value) not in derived.skip:
                    full[derived.id] = str(value)
                    break
        return full

    def next_question(self, answers: Answers) -> Question | None:
        """The first applicable question not yet answered, or None when all are."""
        full = self.complete(answers)
        if self._decide(full, only_early=True) is not None:
            return None
        for question in self.questions:
            if question.id not in full and question.applies(full):
                return question
        return None

    def decide(self, answers: Answers) -> Decision | None:
        """The outcome once enough is known, else None."""
        full = self.complete(answers)
        early = self._decide(full, only_early=True)
        if early is not None:
            return early
        if any(q.id not in full and q.applies(full) for q in self.questions):
            return None
        return self._decide(full, only_early=False)

    def register_for(self, answers: Answers) -> str:
        """Which register category the sponsor is checked in (research for researchers)."""
        principal = str(self.complete(answers).get("principal", ""))
        return self.sponsor_registers.get(principal, self.sponsor_registers.get("*", "work"))

    def visit_of(self, outcome_id: str) -> VisitPlan | None:
        """The visit an outcome books, or None when the bot does not book it."""
        outcome = self.outcomes.get(outcome_id)
        if outcome is None or outcome.visit is None:
            return None
        return self.visits[outcome.visit]

    def visit_for_steps(self, steps: Collection[str]) -> VisitPlan:
        """The visit whose steps these are (a booking knows its steps); the full one otherwise."""
        wanted = tuple(steps)
        for visit in self.visits.values():
            if visit.steps == wanted:
                return visit
        return self.visits[FULL_VISIT]

    def _value(self, key: str, answers: Answers) -> str | bool | None:
        """The answer, None while it may still come, False when it never will."""
        if key in answers:
            return str(answers[key])
        asked_by = COMPANION.get(key, key)
        asked = any(q.id == asked_by for q in self.questions)
        if asked and self.question(asked_by).applies(answers) is False:
            return False
        return None

    def _rule_holds(self, rule: Rule, answers: Answers) -> bool | None:
        open_ = False
        for key, allowed in rule.when.items():
            value = self._value(key, answers)
            if value is False:
                return False
            if value is None:
                open_ = True
            elif value not in allowed:
                return False
        return None if open_ else True

    def _decide(self, answers: Answers, *, only_early: bool) -> Decision | None:
        for rule in self.rules:
            holds = self._rule_holds(rule, answers)
            if holds is None:
                if only_early:
                    return None  # an earlier rule may still match: first match wins
                continue
            if holds and only_early and not rule.early:
                return None  # it decides, but only once every question is answered
            if holds:
                because = tuple(key for key in rule.because if key in answers)
                return Decision(self.outcomes[rule.outcome], rule, because)
        return None

    def validate(self) -> None:
        """Fails loudly at start on a rule that names an unknown question, outcome or visit."""
        known = {q.id for q in self.questions} | set(COMPANION) | {d.id for d in self.derived}
        for rule in self.rules:
            if rule.outcome not in self.outcomes:
                raise ValueError(f"rule {rule.id}: unknown outcome {rule.outcome}")
            unknown = (set(rule.when) | set(rule.because)) - known
            if unknown:
                raise ValueError(f"rule {rule.id}: unknown answers {sorted(unknown)}")
        for question in self.questions:
            unknown = set(question.ask_if or {}) - known
            if unknown:
                raise ValueError(f"question {question.id}: unknown answers {sorted(unknown)}")
        for outcome in self.outcomes.values():
            if outcome.visit is not None and outcome.visit not in self.visits:
                raise ValueError(f"outcome {outcome.id}: unknown visit {outcome.visit}")
        if self.visits and FULL_VISIT not in self.visits:
            raise ValueError(f"visits: the {FULL_VISIT!r} visit is missing")
        seen: dict[tuple[str, ...], str] = {}
        for visit in self.visits.values():
            if visit.steps in seen:
                raise ValueError(f"visits {seen[visit.steps]} and {visit.id} have the same steps")
            seen[visit.steps] = visit.id
        if not self.rules or self.rules[-1].when:
            raise ValueError("the last rule must match everything (when = {})")


SalaryBand = Literal["hsm_30plus", "hsm_under30", "reduced", "blue_card", "blue_card_graduate"]
SALARY_BANDS: dict[str, tuple[SalaryBand, ...]] = {
    "hsm": ("hsm_30plus", "hsm_under30", "reduced"),
    "blue_card": ("blue_card", "blue_card_graduate"),
}


@dataclass(frozen=True)
class SalaryYear:
    """The thresholds for applications filed in one year."""

    year: int
    valid_from: date
    valid_to: date
    thresholds: Mapping[str, int]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SalaryVerdict:
    """A salary compared to the threshold of the filing year."""

    year: int
    band: str
    threshold: int
    salary: Decimal
    meets: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SalaryTable:
    """Thresholds by year, so next year is a content edit."""

    years: tuple[SalaryYear, ...]

    def for_day(self, day: date) -> SalaryYear | None:
        """The thresholds that apply to an application filed on this day."""
        for year in self.years:
            if year.valid_from <= day <= year.valid_to:
                return year
        return None

    def check(self, band: str, salary: Decimal, day: date) -> SalaryVerdict | None:
        """Compares a gross monthly salary (without holiday allowance) to the threshold."""
        year = self.for_day(day)
        if year is None or band not in year.thresholds:
            return None
        threshold = year.thresholds[band]
        return SalaryVerdict(year.year, band, threshold, salary, salary >= threshold, year.sources)


def parse_salary(text: str) -> Decimal | None:
    """Reads '5942', '€ 5.942', '5,942.50', '5942,50', '5.500 euro' or '5500,-' as euros."""
    cleaned = re.sub(r"(?i)€|eur(?:os?)?|\s", "", text.strip()[:40])
    cleaned = cleaned.removesuffix(",-").removesuffix(".-")
    if not cleaned or len(cleaned) > 15 or not all(c.isdigit() or c in ".," for c in cleaned):
        return None
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
    elif cleaned.count(",") == 1 and len(cleaned.split(",")[1]) in (1, 2):
        decimal_mark = ","
    elif cleaned.count(".") == 1 and len(cleaned.split(".")[1]) in (1, 2):
        decimal_mark = "."
    else:
        decimal_mark = ""
    thousands = {",", "."} - {decimal_mark}
    for mark in thousands:
        cleaned = cleaned.replace(mark, "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        return None
    if not value.is_finite() or value <= 0 or value >= 1_000_000:
        return None
    return value
