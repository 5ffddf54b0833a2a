"""The days a report covers, read from the CLI's dates or a staff member's `/report` arguments."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_month_names

from bot.domain.language import LANGUAGES, Language

MAX_DAYS = 366
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_YEAR = re.compile(r"^\d{4}$")


def _month_words() -> dict[str, int]:
    """Month names and abbreviations in both languages, lower case, without a trailing dot."""
    words: dict[str, int] = {}
    for locale in ("nl_NL", "en_GB"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                words[str(name).lower().rstrip(".")] = int(number)
    words.update({"sep": 9, "mar": 3, "okt": 10, "oct": 10, "mrt": 3, "mei": 5, "may": 5})
    return words


MONTHS = _month_words()


class PeriodError(ValueError):
    """Why a period was refused; `key` names the message under report.errors."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Period:
    """A range of days, both ends included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        """How many days the period spans."""
        return (self.last - self.first).days + 1

    def contains(self, day: date) -> bool:
        """Whether a day falls in the period."""
        return self.first <= day <= self.last

    def weeks(self) -> tuple[date, ...]:
        """The Monday of every week that overlaps the period, in order."""
        monday = self.first - timedelta(days=self.first.weekday())
        found: list[date] = []
        while monday <= self.last:
            found.append(monday)
            monday += timedelta(days=7)
        return tuple(found)

    def week_of(self, day: date) -> int:
        """The position in weeks() of the week a day of the period falls in."""
        first_monday = self.first - timedelta(days=self.first.weekday())
        return (day - first_monday).days // 7

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as [start, end) moments in UTC, days taken in the given time zone."""
        start = datetime.combine(self.first, time.min, zone).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time.min, zone).astimezone(UTC)
        return start, end


def parse_day(text: str) -> date | None:
    """A strict YYYY-MM-DD date, or None."""
    cleaned = text.strip()
    if not _ISO_DAY.match(cleaned):
        return None
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        return None


def period_between(first: date, last: date) -> Period:
    """A checked period: in order and at most MAX_DAYS long."""
    if last < first:
        raise PeriodError("order")
    period = Period(first, last)
    if period.days > MAX_DAYS:
        raise PeriodError("too_long")
    return period


@dataclass(frozen=True)
class ReportRequest:
    """What a staff member asked for with `/report [month] [nl|en] [location]`."""

    period: Period
    language: Language | None = None
    location_id: str | None = None


def parse_request(args: str, today: date, location_ids: tuple[str, ...]) -> ReportRequest:
    """Reads `/report` arguments; no month means the current month so far."""
    language: Language | None = None
    location: str | None = None
    month: int | None = None
    year: int | None = None
    for raw in args.lower().replace(",", " ").split():
        word = raw.rstrip(".")
        if word in LANGUAGES and language is None:
            language = next(lang for lang in LANGUAGES if lang == word)
        elif word in location_ids and location is None:
            location = word
        elif (match := _YEAR_MONTH.match(word) or _MONTH_YEAR.match(word)) and month is None:
            numbers = [int(g) for g in match.groups()]
            year, month = (numbers[0], numbers[1]) if len(match.group(1)) == 4 else numbers[::-1]
        elif word in MONTHS and month is None:
            month = MONTHS[word]
        elif _YEAR.match(word) and year is None:
            year = int(word)
        else:
            raise PeriodError("unknown_word")
    if month is None:
        if year is not None:
            raise PeriodError("unknown_word")
        return ReportRequest(Period(today.replace(day=1), today), language, location)
    if not 1 <= month <= 12:
        raise PeriodError("unknown_word")
    if year is None:  # a month name alone: its latest occurrence that has begun
        year = today.year if month <= today.month else today.year - 1
    if year < 2000:
        raise PeriodError("unknown_word")
    first = date(year, month, 1)
    if first > today:
        raise PeriodError("future")
    last = min(date(year, month, calendar.monthrange(year, month)[1]), today)
    return ReportRequest(Period(first, last), language, location)
