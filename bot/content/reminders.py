"""Loads content/reminders.toml, refusing values that would send reminders at the wrong time."""

from __future__ import annotations

import re
import tomllib
from datetime import time
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.domain.reminders import KINDS, STALE_RULES, Kind, ReminderSettings, StaleRule

_TIME = re.compile(r"(\d{2}):(\d{2})")
_SECTIONS: dict[str, tuple[str, ...]] = {
    "newcomer": (
        "evening_before_time",
        "morning_of_time",
        "morning_of_fallback_minutes",
        "bsn_expected_delay_minutes",
        "bsn_next_steps_delay_minutes",
    ),
    "bsn": ("working_days", "promise_source", "promise_checked", "due_time", "staff_overdue_time"),
    "insurance": ("months", "warning_days", "reminder_time"),
    "quiet_hours": ("start", "end"),
    "staff": ("digest_time",),
    "stale_after": KINDS,
}


class _Reader:
    """Typed access to the TOML tables, raising ValueError naming the file and the field."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, field: str, message: str) -> ValueError:
        """An error an editor of the TOML file can act on."""
        return ValueError(f"{self.path}: {field}: {message}")

    def raw(self, section: str, key: str) -> Any:
        """The value, present or a ValueError, since the code holds no defaults."""
        if key not in self.data[section]:
            raise self.fail(f"{section}.{key}", "missing")
        return self.data[section][key]

    def time(self, section: str, key: str) -> time:
        """A 'HH:MM' local wall-clock time."""
        value = self.raw(section, key)
        match = _TIME.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise self.fail(f"{section}.{key}", f"{value!r} is not a quoted 'HH:MM' time")
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            raise self.fail(f"{section}.{key}", f"{value!r} is not a time of day")
        return time(hour, minute)

    def integer(self, section: str, key: str, minimum: int, maximum: int) -> int:
        """A whole number in a sane range, since bools and floats are typos here."""
        value = self.raw(section, key)
        if type(value) is not int:
            raise self.fail(f"{section}.{key}", f"{value!r} is not a whole number")
        if not minimum <= value <= maximum:
            raise self.fail(f"{section}.{key}", f"{value} is not between {minimum} and {maximum}")
        return value

    def stale_rule(self, kind: Kind) -> StaleRule:
        """One of the known stale rules."""
        value = self.raw("stale_after", kind)
        for rule in STALE_RULES:
            if value == rule:
                return rule
        raise self.fail(f"stale_after.{kind}", f"{value!r} is not one of {list(STALE_RULES)}")


def _checked_shape(path: Path, data: dict[str, Any]) -> _Reader:
    """Every section a table with only known keys, so a misspelt key is not silently ignored."""
    reader = _Reader(path, data)
    for section in sorted(set(data) - set(_SECTIONS)):
        raise reader.fail(section, "unknown section")
    for section, keys in _SECTIONS.items():
        if not isinstance(data.get(section), dict):
            raise reader.fail(section, "missing [section] table")
        for key in sorted(set(data[section]) - set(keys)):
            raise reader.fail(f"{section}.{key}", "unknown key")
    return reader


def load_reminder_settings(content_dir: Path) -> ReminderSettings:
    """The checked reminder settings from content/reminders.toml."""
    path = content_dir / "reminders.toml"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    read = _checked_shape(path, data)
    settings = ReminderSettings(
        evening_before_time=read.time("newcomer", "evening_before_time"),
        morning_of_time=read.time("newcomer", "morning_of_time"),
        morning_of_fallback_minutes=read.integer(
            "newcomer", "morning_of_fallback_minutes", 1, 24 * 60
        ),
        bsn_expected_delay_minutes=read.integer(
            "newcomer", "bsn_expected_delay_minutes", 0, 24 * 60
        ),
        bsn_next_steps_delay_minutes=read.integer(
            "newcomer", "bsn_next_steps_delay_minutes", 0, 24 * 60
        ),
        bsn_working_days=read.integer("bsn", "working_days", 1, 60),
        bsn_due_time=read.time("bsn", "due_time"),
        staff_overdue_time=read.time("bsn", "staff_overdue_time"),
        insurance_months=read.integer("insurance", "months", 1, 24),
        insurance_warning_days=read.integer("insurance", "warning_days", 0, 27),
        insurance_time=read.time("insurance", "reminder_time"),
        quiet_start=read.time("quiet_hours", "start"),
        quiet_end=read.time("quiet_hours", "end"),
        digest_time=read.time("staff", "digest_time"),
        stale_after=MappingProxyType({kind: read.stale_rule(kind) for kind in KINDS}),
    )
    if settings.quiet_start == settings.quiet_end:
        raise read.fail("quiet_hours.end", "must differ from quiet_hours.start")
    return settings
