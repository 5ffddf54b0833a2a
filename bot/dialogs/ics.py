"""The calendar file sent with a booking: one event per step, at the location."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from icalendar import Calendar, Event

from bot.domain.booking import Booking
from bot.domain.locations import Location


def booking_calendar(
    booking: Booking, location: Location, step_title: Callable[[str], str], now: datetime
) -> bytes:
    """An iCalendar file any calendar app can import."""
    calendar = Calendar()
    calendar.add("prodid", "-//onestop//booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for number, visit in enumerate(booking.visits, start=1):
        event = Event()
        event.add("uid", f"{booking.reference}-{number}-{visit.step}@onestop")
        event.add("dtstamp", now)
        event.add("dtstart", visit.start)
        event.add("dtend", visit.end)
        event.add("summary", f"{step_title(visit.step)} ({booking.reference})")
        event.add("location", f"{location.name}, {location.address}")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
