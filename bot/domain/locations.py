"""A location's desks, opening hours and visit steps, as plain data the planner can trust."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, time


@dataclass(frozen=True)
class Interval:
    """A stretch of wall-clock opening time, so a day can have a lunch break."""

    start: time
    end: time


@dataclass(frozen=True)
class Desk:
    """Counters that serve one party each, with their opening intervals per weekday (0=Monday)."""

    id: str
    capacity: int
    hours: Mapping[int, tuple[Interval, ...]]


@dataclass(frozen=True)
class Step:
    """One stage of the visit; shared steps take the whole party at once."""

    id: str
    desk: str
    minutes_per_person: int
    shared: bool
    buffer_after: int

    def minutes(self, party_size: int) -> int:
        """How long the party holds the desk, since individual steps scale with its size."""
        return self.minutes_per_person if self.shared else self.minutes_per_person * party_size


@dataclass(frozen=True)
class Closure:
    """A day the location (desk None) or one desk is closed besides public holidays."""

    day: date
    reason: str
    desk: str | None


@dataclass(frozen=True)
class Location:
    """Everything needed to plan and book a one-stop visit at one place."""

    id: str
    reference_prefix: str
    name: str
    address: str
    timezone: str
    desks: Mapping[str, Desk]
    steps: tuple[Step, ...]
    slot_minutes: int
    start_every_minutes: int
    min_notice_working_days: int
    horizon_days: int
    closures: tuple[Closure, ...]
    holiday_country: str
    municipalities: tuple[str, ...]

    def closed_desks(self, day: date) -> frozenset[str]:
        """The desks closed that day by configured closures (all of them for a location closure)."""
        closed: set[str] = set()
        for closure in self.closures:
            if closure.day == day:
                if closure.desk is None:
                    return frozenset(self.desks)
                closed.add(closure.desk)
        return frozenset(closed)

    def with_steps(self, steps: Collection[str]) -> Location:
        """The location planning only these steps (a visit without the IND desk, say)."""
        return replace(self, steps=tuple(step for step in self.steps if step.id in steps))

    def location_closure(self, day: date) -> Closure | None:
        """The whole-location closure that day, so callers can say why."""
        for closure in self.closures:
            if closure.day == day and closure.desk is None:
                return closure
        return None
