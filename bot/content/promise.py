"""The BSN fast-track promise: one value in content/reminders.toml, scheduled and shown alike.

The reminders count the promised working days from `[bsn] working_days`; every text that states
the promise writes `{bsn_days}` instead of a number, and the loaders fill in that same value, so
the date a newcomer is told and the day the bot checks can never drift apart.
"""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.content.reminders import load_reminder_settings

PLACEHOLDER = "bsn_days"  # the {name} texts use for the promised number of working days
_FILE = "reminders.toml"


@dataclass(frozen=True)
class BsnPromise:
    """How many working days the BSN is promised in, and where that figure was checked."""

    working_days: int
    source: str  # the official page that states the promise
    checked: datetime.date  # when an editor last compared the value with that page


def load_bsn_promise(content_dir: Path) -> BsnPromise:
    """The promise from content/reminders.toml, refusing it without a source and a date."""
    path = content_dir / _FILE
    settings = load_reminder_settings(content_dir)
    with path.open("rb") as fh:
        bsn = tomllib.load(fh)["bsn"]
    source = bsn.get("promise_source")
    if not isinstance(source, str) or not source.startswith("https://"):
        raise ValueError(f"{path}: bsn.promise_source: {source!r} is not an https URL")
    checked = bsn.get("promise_checked")
    if not isinstance(checked, datetime.date) or isinstance(checked, datetime.datetime):
        raise ValueError(f"{path}: bsn.promise_checked: {checked!r} is not a date")
    return BsnPromise(settings.bsn_working_days, source, checked)


def text_values(content_dir: Path) -> dict[str, str]:
    """The values any text may name without its caller passing them (none without the file)."""
    if not (content_dir / _FILE).is_file():
        return {}
    return {PLACEHOLDER: str(load_bsn_promise(content_dir).working_days)}


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replaces only the named {placeholders}, so other braces in plain text stay as they are."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text
