"""Reading dates people type, in Dutch and English."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.numbers import plain_int

RELATIVE = {"today": 0, "vandaag": 0, "tomorrow": 1, "morgen": 1, "yesterday": -1, "gisteren": -1}


def parse_staff_date(text: str, today: date) -> date | None:
    """2026-12-03, 3-12-2026, 3/12/2026, 3-12 (this year), today/vandaag, tomorrow/morgen."""
    cleaned = text.strip().lower()
    if cleaned in RELATIVE:
        return today + timedelta(days=RELATIVE[cleaned])
    parts = cleaned.replace("/", "-").replace(".", "-").split("-")
    parsed = [plain_int(p, maximum=9999) for p in parts]
    numbers = [n for n in parsed if n is not None]
    if len(parts) not in (2, 3) or len(numbers) != len(parts):
        return None
    try:
        if len(parts[0]) == 4:
            return date(numbers[0], numbers[1], numbers[2]) if len(parts) == 3 else None
        year = numbers[2] if len(parts) == 3 else today.year
        return date(year, numbers[1], numbers[0])
    except ValueError:
        return None
