"""Reads content/handoff.toml."""

from __future__ import annotations

import tomllib
from datetime import time
from pathlib import Path

from bot.domain.handoff import HandoffSettings


def load_handoff_settings(content_dir: Path) -> HandoffSettings:
    """Office hours and ticket settings; ValueError naming the field on bad values."""
    path = content_dir / "handoff.toml"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    try:
        hours, tickets = data["office_hours"], data["tickets"]
        settings = HandoffSettings(
            weekdays=frozenset(int(d) for d in hours["weekdays"]),
            opens=time.fromisoformat(hours["opens"]),
            closes=time.fromisoformat(hours["closes"]),
            reraise_minutes=int(tickets["reraise_minutes"]),
            minutes_per_ticket=int(tickets["minutes_per_ticket"]),
            recent_messages=int(tickets["recent_messages"]),
            unanswered_before_offer=int(tickets["unanswered_before_offer"]),
            topics=tuple(str(t) for t in tickets["topics"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    if not settings.opens < settings.closes or not settings.weekdays <= set(range(7)):
        raise ValueError(f"{path}: office hours must open before they close, weekdays 0-6")
    return settings
