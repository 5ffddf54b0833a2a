"""Working days at a location, for minimum notice and 'visit + N working days' due dates."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from bot.domain.locations import Location

# Holiday names come in these languages; the package's code for English is en_US.
_LANGUAGES = {"en": "en_US", "nl": "nl"}
# No location closes for this long; a longer search means the data is wrong.
_MAX_SEARCH_DAYS = 3660


@lru_cache(maxsize=256)
def _holidays(country: str, year: int, language: str) -> dict[date, str]:
    """One country's public holidays for one year, cached because building them is slow."""
    found = holidays.country_holidays(country, years=year, language=language)
    return {day: found.get(day) or "" for day in found}


class WorkingDays:
    """Monday to Friday, minus public holidays and whole-location closures.

    Public holidays come from the `holidays` package. For NL it counts King's Day
    (27 April, 26 April when the 27th is a Sunday) every year, but Liberation Day (5 May)
    only in lustrum years (2025, 2030, ...); add a closure if the location closes on
    5 May in other years.
    """

    def __init__(self, location: Location) -> None:
        self._country = location.holiday_country
        self._closures = {c.day: c.reason for c in location.closures if c.desk is None}

    def _holiday(self, day: date, language: str = "en_US") -> str | None:
        return _holidays(self._country, day.year, language).get(day)

    def is_working_day(self, day: date) -> bool:
        """Whether the location is open at all that day."""
        return day.weekday() < 5 and day not in self._closures and self._holiday(day) is None

    def add(self, day: date, n: int) -> date:
        """The n-th working day after day; for n=0, day itself if working, else the next one."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        current = day
        if n == 0:
            remaining = 1
            current -= timedelta(days=1)
        else:
            remaining = n
        for _ in range(_MAX_SEARCH_DAYS + n):
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
                if remaining == 0:
                    return current
        raise ValueError(f"no working day found within {_MAX_SEARCH_DAYS} days after {day}")

    def holiday_name(self, day: date, *, language: str = "en") -> str | None:
        """The public holiday's name, to tell a user why a day is not offered."""
        return self._holiday(day, _LANGUAGES.get(language, language))

    def closure_reason(self, day: date) -> str | None:
        """The configured reason the whole location is closed that day, if it is."""
        return self._closures.get(day)
