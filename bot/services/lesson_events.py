"""The one VEVENT builder: every .ics the bot makes (a lesson's file, the teacher's export,
the Mini App's file, the live feeds, an email's invitation) describes a lesson here.

A lesson's UID follows it through moves (bot.services.exports.lesson_uid); its place goes
into LOCATION, and a meeting link also into URL, so calendar apps offer it to open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain.places import is_link

if TYPE_CHECKING:
    from icalendar import Event


@dataclass(frozen=True)
class LessonEvent:
    """One lesson as a calendar event."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    cancelled: bool
    stamp: datetime  # DTSTAMP
    modified: datetime | None = None  # LAST-MODIFIED, where the lesson's last change is known
    place: str | None = None
    organizer: tuple[str, str] | None = None  # (address, name) of an emailed invitation
    attendee: str | None = None  # the address it is sent to


@dataclass(frozen=True)
class CalendarHead:
    """What the calendar around the events says.

    `zone` writes local times under its TZID with a VTIMEZONE (None: UTC times); `method` is
    iTIP's (PUBLISH, REQUEST, CANCEL) for a file sent as an invitation; `name` and `refresh`
    are for a subscribed feed.
    """

    prodid: str
    zone: str | None = None
    method: str | None = None
    name: str | None = None
    refresh: timedelta | None = None


def calendar_bytes(events: Iterable[LessonEvent], head: CalendarHead) -> bytes:
    """An iCalendar object holding these lessons."""
    from icalendar import Calendar  # here, not at start: 2-3 MB rarely needed

    cal = Calendar()
    cal.add("prodid", head.prodid)
    cal.add("version", "2.0")
    if head.method:
        cal.add("method", head.method.upper())
    if head.zone:
        cal.add("x-wr-timezone", head.zone)
    if head.name is not None:
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", head.name)
    if head.refresh is not None:
        cal.add("refresh-interval", head.refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", _duration(head.refresh))
    zone = ZoneInfo(head.zone) if head.zone else None
    for lesson in events:
        cal.add_component(_event(lesson, zone))
    if zone is not None:
        cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _event(lesson: LessonEvent, zone: ZoneInfo | None) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", lesson.uid)
    event.add("sequence", lesson.sequence)
    event.add("dtstamp", lesson.stamp)
    if lesson.modified is not None:
        event.add("last-modified", lesson.modified)
    starts, ends = lesson.starts_at, lesson.ends_at
    event.add("dtstart", starts.astimezone(zone) if zone else starts)
    event.add("dtend", ends.astimezone(zone) if zone else ends)
    event.add("summary", lesson.summary)
    if lesson.place:
        event.add("location", lesson.place)
        if is_link(lesson.place):
            event.add("url", lesson.place)
    event.add("status", "CANCELLED" if lesson.cancelled else "CONFIRMED")
    if lesson.organizer is not None:
        _add_people(event, lesson.organizer, lesson.attendee)
    return event


def _add_people(event: Event, organizer: tuple[str, str], attendee: str | None) -> None:
    """ORGANIZER and ATTENDEE, which make mail clients offer "add to calendar"."""
    from icalendar import vCalAddress

    host = vCalAddress(f"mailto:{organizer[0]}")
    host.params["CN"] = organizer[1]
    event.add("organizer", host)
    if attendee:
        guest = vCalAddress(f"mailto:{attendee}")
        guest.params["PARTSTAT"] = "ACCEPTED"
        guest.params["RSVP"] = "FALSE"
        event.add("attendee", guest)


def _duration(span: timedelta) -> str:
    """An RFC 5545 duration of whole hours or minutes, such as PT1H."""
    minutes = int(span.total_seconds() // 60)
    return f"PT{minutes // 60}H" if minutes % 60 == 0 else f"PT{minutes}M"
