"""Everything the dialogs read but never change: content, rules and settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.content.catalog import Catalog
from bot.content.countries import load_country_aliases
from bot.content.eligibility import (
    Municipality,
    load_municipalities,
    load_rules,
    load_salary_table,
)
from bot.content.faq import load_faq
from bot.content.handoff import load_handoff_settings
from bot.content.locations import load_locations
from bot.content.reminders import load_reminder_settings
from bot.content.smalltalk import load_smalltalk
from bot.content.sponsors import load_register
from bot.content.synonyms import load_synonyms
from bot.domain.countries import NO_ALIASES, CountryAliases
from bot.domain.eligibility import EligibilityRules, SalaryTable
from bot.domain.faq import FaqIndex
from bot.domain.handoff import HandoffSettings
from bot.domain.language import Language
from bot.domain.locations import Location
from bot.domain.postcodes import NoLookup, PostcodeLookup
from bot.domain.reminders import ReminderSettings
from bot.domain.smalltalk import SmallTalk
from bot.domain.sponsors import SponsorRegister
from bot.domain.working_days import WorkingDays


@dataclass(frozen=True)
class AppContext:
    """Loaded once at start and shared by every turn."""

    catalog: Catalog
    rules: EligibilityRules
    salary: SalaryTable
    salary_routes: tuple[str, ...]
    municipalities: tuple[Municipality, ...]
    sponsors: SponsorRegister
    faq: FaqIndex
    smalltalk: SmallTalk
    zone: ZoneInfo
    default_language: Language
    locations: dict[str, Location]
    working_days: dict[str, WorkingDays]
    reminders: ReminderSettings
    handoff: HandoffSettings
    staff_chat_id: int | None = None
    admin_ids: tuple[int, ...] = ()
    purge_after_days: int = 30
    invite_valid_days: int = 30
    countries: CountryAliases = NO_ALIASES
    postcodes: PostcodeLookup = field(default_factory=NoLookup)  # PDOK, set by bot.app
    bot_username: str = ""  # known after getMe; filled in by bot.app when the bot starts

    @classmethod
    def load(
        cls,
        content_dir: Path,
        zone: ZoneInfo,
        default_language: Language,
        *,
        staff_chat_id: int | None = None,
        admin_ids: tuple[int, ...] = (),
        purge_after_days: int = 30,
        invite_valid_days: int = 30,
    ) -> AppContext:
        """Reads content/; any inconsistency stops the start with a clear error."""
        municipalities = load_municipalities(content_dir)
        salary, salary_routes = load_salary_table(content_dir)
        locations = load_locations(content_dir, tuple(m.id for m in municipalities))
        return cls(
            catalog=Catalog.load(content_dir),
            rules=load_rules(content_dir, tuple(m.id for m in municipalities)),
            salary=salary,
            salary_routes=salary_routes,
            municipalities=municipalities,
            sponsors=load_register(content_dir),
            faq=FaqIndex(load_faq(content_dir), load_synonyms(content_dir)),
            smalltalk=load_smalltalk(content_dir),
            zone=zone,
            default_language=default_language,
            locations=locations,
            working_days={key: WorkingDays(loc) for key, loc in locations.items()},
            reminders=load_reminder_settings(content_dir),
            handoff=load_handoff_settings(content_dir),
            countries=load_country_aliases(content_dir),
            staff_chat_id=staff_chat_id,
            admin_ids=admin_ids,
            purge_after_days=purge_after_days,
            invite_valid_days=invite_valid_days,
        )

    @property
    def default_location(self) -> Location:
        """The first location configured: the one staff commands and digests mean by default."""
        return next(iter(self.locations.values()))

    def location_for(self, municipality_id: str) -> Location:
        """The location serving a municipality, else the default one."""
        for location in self.locations.values():
            if municipality_id in location.municipalities:
                return location
        return self.default_location

    def municipality_by_cbs(self, code: str) -> str | None:
        """The id of the municipality with this CBS code ('GM0935'), if it is one of ours."""
        for municipality in self.municipalities:
            if municipality.cbs and municipality.cbs == code:
                return municipality.id
        return None

    def municipality_name(self, municipality_id: str) -> str | None:
        """The display name of a municipality id."""
        for municipality in self.municipalities:
            if municipality.id == municipality_id:
                return municipality.name
        return None
