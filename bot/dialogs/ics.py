"""The calendar file sent with a booking: one event per step, at the location, in local time.

RFC 5545: a TZID needs its VTIMEZONE (icalendar builds it from the zone), the UID stays the same
for the life of the booking, SEQUENCE grows with every change, and a cancellation is
METHOD:CANCEL with the same UIDs. An alarm rings the evening before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone

from bot.dialogs.turn import Document, Turn
from bot.domain.booking import Booking
from bot.domain.locations import Location

EVENING = time(19, 0)  # the alarm: 19:00 local time the day before the visit


def booking_calendar(
    booking: Booking,
    location: Location,
    step_title: Callable[[str], str],
    now: datetime,
    zone: ZoneInfo,
    *,
    reminder: str = "",
) -> bytes:
    """An iCalendar file any calendar app can import (a cancellation when the booking is)."""
    cancelled = booking.status != "active"
    calendar = Calendar()
    calendar.add("prodid", "-//onestop//booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(Timezone.from_tzinfo(zone, first_date=booking.start.date()))
    for number, visit in enumerate(booking.visits, start=1):
        event = Event()
        event.add("uid", f"{booking.reference}-{number}-{visit.step}@onestop")
        event.add("sequence", booking.revision)
        event.add("dtstamp", now)
        event.add("dtstart", visit.start.astimezone(zone))
        event.add("dtend", visit.end.astimezone(zone))
        event.add("summary", f"{step_title(visit.step)} ({booking.reference})")
        event.add("location", f"{location.name}, {location.address}")
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        if number == 1 and not cancelled:
            day_before = visit.start.astimezone(zone).date() - timedelta(days=1)
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", reminder or event["summary"])
            alarm.add("trigger", datetime.combine(day_before, EVENING, zone).astimezone(UTC))
            event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def calendar_document(turn: Turn, booking: Booking, location: Location) -> Document:
    """The .ics file for a booking."""
    content = booking_calendar(
        booking,
        location,
        lambda step: turn.label(f"booking.steps.{step}"),
        turn.now,
        turn.ctx.zone,
        reminder=turn.label("booking.calendar_alarm", reference=booking.reference),
    )
    return Document(f"{booking.reference}.ics", content, turn.label("booking.calendar_file"))
