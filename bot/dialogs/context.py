"""Everything the dialogs read but never change: content, rules and settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.content.catalog import Catalog
from bot.content.eligibility import (
    Municipality,
    load_municipalities,
    load_rules,
    load_salary_table,
)
from bot.content.faq import load_faq
from bot.content.sponsors import load_register
from bot.domain.eligibility import EligibilityRules, SalaryTable
from bot.domain.faq import FaqIndex
from bot.domain.language import Language
from bot.domain.sponsors import SponsorRegister


@dataclass(frozen=True)
class DialogContext:
    """Loaded once at start and shared by every turn."""

    catalog: Catalog
    rules: EligibilityRules
    salary: SalaryTable
    salary_routes: tuple[str, ...]
    municipalities: tuple[Municipality, ...]
    sponsors: SponsorRegister
    faq: FaqIndex
    zone: ZoneInfo
    default_language: Language

    @classmethod
    def load(cls, content_dir: Path, zone: ZoneInfo, default_language: Language) -> DialogContext:
        """Reads content/; any inconsistency stops the start with a clear error."""
        municipalities = load_municipalities(content_dir)
        salary, salary_routes = load_salary_table(content_dir)
        return cls(
            catalog=Catalog.load(content_dir),
            rules=load_rules(content_dir, tuple(m.id for m in municipalities)),
            salary=salary,
            salary_routes=salary_routes,
            municipalities=municipalities,
            sponsors=load_register(content_dir),
            faq=FaqIndex(load_faq(content_dir)),
            zone=zone,
            default_language=default_language,
        )

    def municipality_name(self, municipality_id: str) -> str | None:
        """The display name of a municipality id."""
        for municipality in self.municipalities:
            if municipality.id == municipality_id:
                return municipality.name
        return None
