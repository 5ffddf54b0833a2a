"""Loads content/locations.toml, refusing data the planner would silently get wrong."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.domain.locations import Closure, Desk, Interval, Location, Step

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PILOT_AREA = "pilot_area"
_PREFIX = re.compile(r"[A-Z]{2,4}")
_INTERVAL = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _DeskData(_Model):
    capacity: int
    hours: dict[str, list[str]]


class _StepData(_Model):
    id: str
    desk: str
    minutes_per_person: int
    shared: bool = False
    buffer_after: int = 0


class _ClosureData(_Model):
    day: dt.date = Field(alias="date")
    reason: str
    desk: str | None = None

    @field_validator("day", mode="before")
    @classmethod
    def _toml_date(cls, value: Any) -> Any:
        """Only a TOML date, since a quoted string or a datetime hints at a typo."""
        if type(value) is not dt.date:
            raise ValueError("must be a TOML date like 2027-02-08 (no quotes, no time)")
        return value


class _LocationData(_Model):
    id: str
    reference_prefix: str
    name: str
    address: str
    timezone: str
    holiday_country: str
    municipalities: str | list[str]
    slot_minutes: int
    start_every_minutes: int
    min_notice_working_days: int
    horizon_days: int
    desks: dict[str, _DeskData]
    steps: list[_StepData]
    closures: list[_ClosureData] = Field(default_factory=list)


class _Checker:
    """Raises ValueError naming the file, the location and the field."""

    def __init__(self, path: Path, location_id: str) -> None:
        self.where = f"{path}: location {location_id!r}"

    def require(self, ok: bool, field: str, message: str) -> None:
        """Fails with a message an editor of the TOML file can act on."""
        if not ok:
            raise ValueError(f"{self.where}: {field}: {message}")


def _intervals(check: _Checker, field: str, texts: list[str], slot: int) -> tuple[Interval, ...]:
    """Parses 'HH:MM-HH:MM' strings into sorted, non-overlapping, slot-aligned intervals."""
    spans: list[tuple[int, int]] = []
    for text in texts:
        match = _INTERVAL.fullmatch(text)
        check.require(match is not None, field, f"{text!r} is not 'HH:MM-HH:MM'")
        assert match is not None
        start_hour, start_minute, end_hour, end_minute = (int(g) for g in match.groups())
        check.require(
            max(start_hour, end_hour) < 24 and max(start_minute, end_minute) < 60,
            field,
            f"{text!r} is not a time of day",
        )
        start, end = start_hour * 60 + start_minute, end_hour * 60 + end_minute
        check.require(end > start, field, f"{text!r} ends before it starts")
        check.require(
            start % slot == 0 and end % slot == 0,
            field,
            f"{text!r} is not on the {slot}-minute slot grid",
        )
        spans.append((start, end))
    spans.sort()
    for (_, previous_end), (start, _) in pairwise(spans):
        check.require(start >= previous_end, field, "intervals overlap")
    return tuple(
        Interval(dt.time(lo // 60, lo % 60), dt.time(hi // 60, hi % 60)) for lo, hi in spans
    )


def _desk(check: _Checker, desk_id: str, data: _DeskData, slot: int) -> Desk:
    """A desk with weekday numbers, so the planner never parses names."""
    field = f"desks.{desk_id}"
    check.require(data.capacity > 0, f"{field}.capacity", "must be positive")
    hours: dict[int, tuple[Interval, ...]] = {}
    for day_name, texts in data.hours.items():
        check.require(day_name in WEEKDAYS, f"{field}.hours", f"unknown weekday {day_name!r}")
        hours[WEEKDAYS.index(day_name)] = _intervals(
            check, f"{field}.hours.{day_name}", texts, slot
        )
    return Desk(desk_id, data.capacity, MappingProxyType(hours))


def _steps(
    check: _Checker, data: list[_StepData], desks: dict[str, Desk], slot: int
) -> tuple[Step, ...]:
    """The steps in visiting order, each at a known desk with slot-aligned durations."""
    check.require(bool(data), "steps", "need at least one step")
    seen: set[str] = set()
    for index, step in enumerate(data):
        field = f"steps[{index}]"
        check.require(step.id not in seen, f"{field}.id", f"duplicate step id {step.id!r}")
        seen.add(step.id)
        check.require(step.desk in desks, f"{field}.desk", f"unknown desk {step.desk!r}")
        check.require(step.minutes_per_person > 0, f"{field}.minutes_per_person", "must be > 0")
        check.require(step.buffer_after >= 0, f"{field}.buffer_after", "must be >= 0")
        for name, value in (
            ("minutes_per_person", step.minutes_per_person),
            ("buffer_after", step.buffer_after),
        ):
            check.require(
                value % slot == 0, f"{field}.{name}", f"{value} is not a multiple of {slot}"
            )
    return tuple(Step(s.id, s.desk, s.minutes_per_person, s.shared, s.buffer_after) for s in data)


def _municipalities(
    check: _Checker, value: str | list[str], known: tuple[str, ...]
) -> tuple[str, ...]:
    """The ids served, so a typo cannot silently drop a municipality."""
    if isinstance(value, str):
        check.require(value == PILOT_AREA, "municipalities", f"use {PILOT_AREA!r} or a list")
        return known
    check.require(bool(value), "municipalities", "must not be empty")
    unknown = sorted(set(value) - set(known))
    check.require(not unknown, "municipalities", f"unknown municipality ids {unknown}")
    return tuple(value)


def _location(path: Path, data: _LocationData, municipality_ids: tuple[str, ...]) -> Location:
    """One checked location; cross-field rules pydantic's shapes cannot express."""
    check = _Checker(path, data.id)
    check.require(
        _PREFIX.fullmatch(data.reference_prefix) is not None,
        "reference_prefix",
        f"{data.reference_prefix!r} is not 2-4 uppercase letters",
    )
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        check.require(False, "timezone", f"unknown timezone {data.timezone!r}")
    check.require(
        data.holiday_country in holidays.list_supported_countries(),
        "holiday_country",
        f"unknown country {data.holiday_country!r}",
    )
    slot = data.slot_minutes
    check.require(slot > 0, "slot_minutes", "must be positive")
    check.require(
        data.start_every_minutes > 0 and data.start_every_minutes % slot == 0,
        "start_every_minutes",
        f"must be a positive multiple of slot_minutes ({slot})",
    )
    check.require(data.min_notice_working_days >= 0, "min_notice_working_days", "must be >= 0")
    check.require(data.horizon_days > 0, "horizon_days", "must be positive")
    check.require(bool(data.desks), "desks", "need at least one desk")
    desks = {desk_id: _desk(check, desk_id, raw, slot) for desk_id, raw in data.desks.items()}
    steps = _steps(check, data.steps, desks, slot)
    for index, closure in enumerate(data.closures):
        field = f"closures[{index}]"
        check.require(bool(closure.reason.strip()), f"{field}.reason", "must not be empty")
        check.require(
            closure.desk is None or closure.desk in desks,
            f"{field}.desk",
            f"unknown desk {closure.desk!r}",
        )
    return Location(
        id=data.id,
        reference_prefix=data.reference_prefix,
        name=data.name,
        address=data.address,
        timezone=data.timezone,
        desks=MappingProxyType(desks),
        steps=steps,
        slot_minutes=slot,
        start_every_minutes=data.start_every_minutes,
        min_notice_working_days=data.min_notice_working_days,
        horizon_days=data.horizon_days,
        closures=tuple(Closure(c.day, c.reason, c.desk) for c in data.closures),
        holiday_country=data.holiday_country,
        municipalities=_municipalities(check, data.municipalities, municipality_ids),
    )


def _validated(path: Path, index: int, raw: Any) -> _LocationData:
    """The table as typed data, or a ValueError naming the location and the field."""
    location_id = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
    try:
        return _LocationData.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or '(table)'}: {e['msg']}"
            for e in error.errors()
        )
        raise ValueError(f"{path}: location {location_id!r}: {problems}") from None


def load_locations(content_dir: Path, municipality_ids: tuple[str, ...]) -> dict[str, Location]:
    """Every location in content/locations.toml by id, in file order."""
    path = content_dir / "locations.toml"
    with path.open("rb") as fh:
        tables = tomllib.load(fh).get("locations", [])
    if not isinstance(tables, list) or not tables:
        raise ValueError(f"{path}: need at least one [[locations]] table")
    locations: dict[str, Location] = {}
    prefixes: dict[str, str] = {}
    for index, raw in enumerate(tables):
        data = _validated(path, index, raw)
        check = _Checker(path, data.id)
        check.require(bool(data.id), "id", "must not be empty")
        check.require(data.id not in locations, "id", "duplicate location id")
        check.require(
            data.reference_prefix not in prefixes,
            "reference_prefix",
            f"{data.reference_prefix!r} is already used by {prefixes.get(data.reference_prefix)!r}",
        )
        locations[data.id] = _location(path, data, municipality_ids)
        prefixes[data.reference_prefix] = data.id
    return locations
