"""The .ics a mail carries: the one place mail builds a calendar (exports.calendar_bytes).

METHOD:REQUEST (CANCEL for a cancelled lesson) with ORGANIZER and ATTENDEE makes mail
clients offer "add to calendar"; UID and SEQUENCE are the exports' own, so the entry is the
one a feed or an exported file shows, and a later mail updates it instead of adding one.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from bot.domain.mail import MailCalendar
from bot.services.exports import CalendarLesson, calendar_bytes


def invitation(
    lesson: MailCalendar, title: str, sender: str, attendee: str, stamp: datetime
) -> tuple[str, bytes]:
    """The METHOD of the file and its bytes; `title` may use {student} (the teacher here)."""
    from icalendar import Calendar, vCalAddress  # here, not at start: rarely needed

    entry = CalendarLesson(
        lesson.uid,
        lesson.sequence,
        lesson.starts_at,
        lesson.ends_at,
        lesson.teacher_name,
        lesson.subject,
        lesson.cancelled,
    )
    full_title = title + (" ({subject})" if lesson.subject else "")
    calendar = Calendar.from_ical(calendar_bytes([entry], lesson.zone, full_title, stamp))
    method = "CANCEL" if lesson.cancelled else "REQUEST"
    calendar.add("method", method)
    for event in calendar.walk("VEVENT"):
        organizer = vCalAddress(f"mailto:{parseaddr(sender)[1]}")
        organizer.params["CN"] = lesson.teacher_name
        event.add("organizer", organizer)
        guest = vCalAddress(f"mailto:{attendee}")
        guest.params["PARTSTAT"] = "ACCEPTED"
        guest.params["RSVP"] = "FALSE"
        event.add("attendee", guest)
    return method, bytes(calendar.to_ical())
