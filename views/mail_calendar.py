"""The .ics a mail carries, built by the one event builder (bot.services.lesson_events).

METHOD:REQUEST (CANCEL for a cancelled lesson) with ORGANIZER and ATTENDEE makes mail
clients offer "add to calendar"; UID and SEQUENCE are the exports' own, so the entry is the
one a feed or an exported file shows, and a later mail updates it instead of adding one.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from bot.domain.mail import MailCalendar
from bot.services.exports import PRODID
from bot.services.lesson_events import CalendarHead, LessonEvent, calendar_bytes


def invitation(
    lesson: MailCalendar, title: str, sender: str, attendee: str, stamp: datetime
) -> tuple[str, bytes]:
    """The METHOD of the file and its bytes; `title` may use {student} (the teacher here)."""
    summary = title.format(student=lesson.teacher_name, subject=lesson.subject).strip()
    if lesson.subject:
        summary = f"{summary} ({lesson.subject})"
    method = "CANCEL" if lesson.cancelled else "REQUEST"
    event = LessonEvent(
        lesson.uid,
        lesson.sequence,
        lesson.starts_at,
        lesson.ends_at,
        summary,
        lesson.cancelled,
        stamp,
        place=lesson.place,
        organizer=(parseaddr(sender)[1], lesson.teacher_name),
        attendee=attendee,
    )
    head = CalendarHead(PRODID, zone=lesson.zone, method=method)
    return method, calendar_bytes([event], head)
