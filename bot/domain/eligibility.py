"""The eligibility check as data-driven rules: which question is next, and what they decide."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

Category = Literal["one_stop", "service_point", "neither"]
Answers = Mapping[str, object]
Conditions = Mapping[str, frozenset[str]]


def _holds(conditions: Conditions, answers: Answers) -> bool | None:
    """True or False once every condition is known, None while any is still open."""
    for key, allowed in conditions.items():
        if key not in answers:
            return None
        if str(answers[key]) not in allowed:
            return False
    return True


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


@dataclass(frozen=True)
class Outcome:
    """Where the user can go, with the sources that say so."""

    id: str
    category: Category
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    """The outcome and the answers that decided it."""

    outcome: Outcome
    rule: Rule
    because: tuple[str, ...]


@dataclass(frozen=True)
class EligibilityRules:
    """The whole check; built from content/eligibility.toml."""

    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    outcomes: Mapping[str, Outcome]
    checked: date

    def question(self, question_id: str) -> Question:
        """The question with this id."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def next_question(self, answers: Answers) -> Question | None:
        """The first applicable question not yet answered, or None when all are."""
        if self._decide(answers, only_early=True) is not None:
            return None
        for question in self.questions:
            if question.id not in answers and question.applies(answers):
                return question
        return None

    def decide(self, answers: Answers) -> Decision | None:
        """The outcome once enough is known, else None."""
        early = self._decide(answers, only_early=True)
        if early is not None:
            return early
        if any(q.id not in answers and q.applies(answers) for q in self.questions):
            return None
        return self._decide(answers, only_early=False)

    def _decide(self, answers: Answers, *, only_early: bool) -> Decision | None:
        for rule in self.rules:
            holds = _holds(rule.when, answers)
            if holds is None:
                if only_early:
                    return None  # an earlier rule may still match: first match wins
                continue
            if holds and (rule.early or not only_early):
                because = tuple(key for key in rule.because if key in answers)
                return Decision(self.outcomes[rule.outcome], rule, because)
        return None

    def validate(self) -> None:
        """Fails loudly at start on a rule that names an unknown question or outcome."""
        known = {q.id for q in self.questions} | {"kvk_registered"}
        for rule in self.rules:
            if rule.outcome not in self.outcomes:
                raise ValueError(f"rule {rule.id}: unknown outcome {rule.outcome}")
            unknown = (set(rule.when) | set(rule.because)) - known
            if unknown:
                raise ValueError(f"rule {rule.id}: unknown answers {sorted(unknown)}")
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
