"""Plans a one-stop visit (IND, municipality, advice talk) and finds the days and starts left.

Times are planned as whole minutes after the instant of local midnight, so a day with a DST
change stays exact; on every other day those minutes equal the wall clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.domain.locations import Location, Step
from bot.domain.working_days import WorkingDays

Cell = tuple[str, datetime]
"""(desk id, slot start as an aware UTC datetime): one unit of a desk's capacity for one slot."""

_Leg = tuple[str, str, int, int]  # step id, desk id, start minute, end minute
_Open = Mapping[str, tuple[tuple[int, int], ...]]  # desk id -> open intervals in minutes


@dataclass(frozen=True)
class Visit:
    """One step of the itinerary at its desk, in the location's timezone."""

    step: str
    desk: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Itinerary:
    """The party's whole day at the location, and the desk capacity it holds."""

    location_id: str
    day: date
    party_size: int
    visits: tuple[Visit, ...]
    slot_minutes: int

    @property
    def start(self) -> datetime:
        """When the party must be at the first desk."""
        return self.visits[0].start

    @property
    def end(self) -> datetime:
        """When the last step is over."""
        return self.visits[-1].end

    def cells(self) -> tuple[Cell, ...]:
        """Every desk slot the visits hold, the unit in which capacity is counted."""
        step = timedelta(minutes=self.slot_minutes)
        cells: list[Cell] = []
        for visit in self.visits:
            moment = visit.start.astimezone(UTC)
            end = visit.end.astimezone(UTC)
            while moment < end:
                cells.append((visit.desk, moment))
                moment += step
        return tuple(cells)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    """The timezone object, looked up once per name."""
    return ZoneInfo(name)


@lru_cache(maxsize=1441 * 2)
def _minutes(n: int) -> timedelta:
    """A cached timedelta, since availability checks build thousands of instants."""
    return timedelta(minutes=n)


@dataclass(frozen=True)
class _Frame:
    """One local day as minutes after the instant of local midnight."""

    day: date
    zone: ZoneInfo
    midnight: datetime
    linear: bool

    @classmethod
    def of(cls, location: Location, day: date) -> _Frame:
        """The frame of a day; linear unless the UTC offset changes during it."""
        zone = _zone(location.timezone)
        local = datetime.combine(day, time(0), zone)
        following = datetime.combine(day + timedelta(days=1), time(0), zone)
        return cls(day, zone, local.astimezone(UTC), local.utcoffset() == following.utcoffset())

    def minute(self, wall: time) -> int:
        """Minutes after midnight's instant at which the wall clock shows this time."""
        if self.linear:
            return wall.hour * 60 + wall.minute
        moment = datetime.combine(self.day, wall, self.zone).astimezone(UTC)
        return (moment - self.midnight) // timedelta(minutes=1)

    def instant(self, minute: int) -> datetime:
        """The UTC instant of a minute of this day."""
        return self.midnight + _minutes(minute)


def _open(location: Location, frame: _Frame) -> dict[str, tuple[tuple[int, int], ...]]:
    """Each desk's opening intervals that day in frame minutes, without closed desks."""
    closed = location.closed_desks(frame.day)
    weekday = frame.day.weekday()
    return {
        desk.id: tuple(
            (frame.minute(iv.start), frame.minute(iv.end)) for iv in desk.hours.get(weekday, ())
        )
        for desk in location.desks.values()
        if desk.id not in closed
    }


def _legs(steps: tuple[Step, ...], open_: _Open, start: int, party_size: int) -> tuple[_Leg, ...]:
    """The steps in order from start, each inside one opening interval; empty if any misses."""
    legs: list[_Leg] = []
    cursor = start
    for step in steps:
        end = cursor + step.minutes(party_size)
        if not any(lo <= cursor and end <= hi for lo, hi in open_.get(step.desk, ())):
            return ()
        legs.append((step.id, step.desk, cursor, end))
        cursor = end + step.buffer_after
    return tuple(legs)


def _itinerary(
    location: Location, frame: _Frame, party_size: int, legs: tuple[_Leg, ...]
) -> Itinerary:
    """Turns planned minutes into aware datetimes in the location's timezone."""
    visits = tuple(
        Visit(
            step,
            desk,
            frame.instant(lo).astimezone(frame.zone),
            frame.instant(hi).astimezone(frame.zone),
        )
        for step, desk, lo, hi in legs
    )
    return Itinerary(location.id, frame.day, party_size, visits, location.slot_minutes)


def _fits(
    location: Location, frame: _Frame, legs: tuple[_Leg, ...], usage: Mapping[Cell, int]
) -> bool:
    """Whether every slot of every leg has a unit of capacity left."""
    slot = location.slot_minutes
    for _step, desk, lo, hi in legs:
        capacity = location.desks[desk].capacity
        for minute in range(lo, hi, slot):
            if usage.get((desk, frame.instant(minute)), 0) + 1 > capacity:
                return False
    return True


def _check_party(party_size: int) -> None:
    """Refuses an empty party, which would plan zero-length visits."""
    if party_size < 1:
        raise ValueError(f"party_size must be >= 1, got {party_size}")


def _on_grid(location: Location, start: time) -> bool:
    """Whether a start lies on the slot grid, so its cells line up with everyone else's."""
    return (
        start.second == 0
        and start.microsecond == 0
        and (start.hour * 60 + start.minute) % location.slot_minutes == 0
    )


def plan(location: Location, day: date, start: time, party_size: int) -> Itinerary | None:
    """The visit starting at this wall-clock time, or None if any step does not fit that day."""
    _check_party(party_size)
    if not location.steps or not _on_grid(location, start):
        return None
    frame = _Frame.of(location, day)
    legs = _legs(location.steps, _open(location, frame), frame.minute(start), party_size)
    return _itinerary(location, frame, party_size, legs) if legs else None


def start_times(location: Location, day: date) -> list[time]:
    """Candidate starts, every start_every_minutes across the first desk's opening that day."""
    if not location.steps:
        return []
    desk = location.steps[0].desk
    intervals = location.desks[desk].hours.get(day.weekday(), ())
    if not intervals or desk in location.closed_desks(day):
        return []
    first = min(iv.start.hour * 60 + iv.start.minute for iv in intervals)
    last = max(iv.end.hour * 60 + iv.end.minute for iv in intervals)
    return [time(m // 60, m % 60) for m in range(first, last, location.start_every_minutes)]


def available_starts(
    location: Location,
    day: date,
    party_size: int,
    usage: Mapping[Cell, int],
    *,
    now: datetime | None = None,
) -> list[Itinerary]:
    """The itineraries that day with capacity left at every desk; with now, only future ones."""
    _check_party(party_size)
    frame = _Frame.of(location, day)
    open_ = _open(location, frame)
    found: list[Itinerary] = []
    for start in start_times(location, day):
        minute = frame.minute(start)
        if now is not None and frame.instant(minute) < now:
            continue
        legs = _legs(location.steps, open_, minute, party_size)
        if legs and _fits(location, frame, legs, usage):
            found.append(_itinerary(location, frame, party_size, legs))
    return found


def _day_legs(location: Location, frame: _Frame, party_size: int) -> list[tuple[_Leg, ...]]:
    """Every itinerary that fits the day's opening hours, ignoring usage."""
    open_ = _open(location, frame)
    found: list[tuple[_Leg, ...]] = []
    for start in start_times(location, frame.day):
        legs = _legs(location.steps, open_, frame.minute(start), party_size)
        if legs:
            found.append(legs)
    return found


def _has_room(
    location: Location,
    frame: _Frame,
    candidates: list[tuple[_Leg, ...]],
    usage: Mapping[Cell, int],
    now: datetime | None,
) -> bool:
    """Whether any candidate fits; remembers each slot it looks up, as starts overlap."""
    full: dict[tuple[str, int], bool] = {}
    slot = location.slot_minutes
    for legs in candidates:
        if now is not None and frame.instant(legs[0][2]) < now:
            continue
        fits = True
        for _step, desk, lo, hi in legs:
            capacity = location.desks[desk].capacity
            for minute in range(lo, hi, slot):
                key = (desk, minute)
                is_full = full.get(key)
                if is_full is None:
                    is_full = usage.get((desk, frame.instant(minute)), 0) + 1 > capacity
                    full[key] = is_full
                if is_full:
                    fits = False
                    break
            if not fits:
                break
        if fits:
            return True
    return False


def bookable_days(
    location: Location,
    today: date,
    party_size: int,
    usage: Mapping[Cell, int],
    working_days: WorkingDays,
    *,
    now: datetime | None = None,
) -> list[date]:
    """Working days from minimum notice to the horizon with at least one start left."""
    _check_party(party_size)
    first = working_days.add(today, location.min_notice_working_days)
    last = today + timedelta(days=location.horizon_days)
    # Days with the same weekday and closed desks plan identically (minutes = wall clock).
    plans: dict[tuple[int, frozenset[str]], list[tuple[_Leg, ...]]] = {}
    days: list[date] = []
    day = first
    while day <= last:
        if working_days.is_working_day(day):
            frame = _Frame.of(location, day)
            if frame.linear:
                key = (day.weekday(), location.closed_desks(day))
                candidates = plans.get(key)
                if candidates is None:
                    candidates = plans[key] = _day_legs(location, frame, party_size)
            else:
                candidates = _day_legs(location, frame, party_size)
            if candidates and _has_room(location, frame, candidates, usage, now):
                days.append(day)
        day += timedelta(days=1)
    return days


def is_bookable(
    location: Location,
    itinerary_day: date,
    start: time,
    party_size: int,
    today: date,
    usage: Mapping[Cell, int],
    working_days: WorkingDays,
    *,
    now: datetime | None = None,
) -> Itinerary | None:
    """The itinerary if this (day, start) may still be booked; None for forged or stale requests."""
    if party_size < 1:
        return None
    if itinerary_day < working_days.add(today, location.min_notice_working_days):
        return None
    if itinerary_day > today + timedelta(days=location.horizon_days):
        return None
    if not working_days.is_working_day(itinerary_day):
        return None
    if start not in start_times(location, itinerary_day):
        return None
    itinerary = plan(location, itinerary_day, start, party_size)
    if itinerary is None or (now is not None and itinerary.start < now):
        return None
    if any(usage.get(cell, 0) + 1 > location.desks[cell[0]].capacity for cell in itinerary.cells()):
        return None
    return itinerary
