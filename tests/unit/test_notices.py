"""Notices as rows store them: today's JSON still reads and renders; bad JSON is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.booking import may_still_change
from bot.domain.model import Account
from bot.domain.notice_json import dump_notice, read_notice
from bot.domain.notices import (
    NOTICES,
    NoticeKind,
    StudentReminder,
    UnreadableNotice,
)
from bot.domain.outgoing import AgendaLesson, Outgoing
from tests.sample_notices import lesson
from views.i18n import make_i18n
from views.notifications import render

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LESSON_END = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
LESSON: dict[str, object] = {
    "booking_id": 7,
    "starts_at": "2026-12-01T10:00:00+00:00",
    "ends_at": "2026-12-01T11:00:00+00:00",
    "subject": "Math",
    "teacher_id": 3,
    "teacher_name": "Tanya",
    "teacher_tz": "Europe/Berlin",
    "student_id": 5,
    "student_name": "Sam",
    "colour": 2,
    "change_deadline": "2026-12-01T08:00:00+00:00",
}
# The JSON the code before typed notices wrote, kind by kind (keys as they were, in order).
STORED: dict[str, dict[str, object]] = {
    "booking_new": LESSON,
    "booking_cancelled": {**LESSON, "by": "student", "reason": ""},
    "lesson_cancelled_by_teacher": {**LESSON, "by": "teacher", "reason": "I am ill"},
    "booking_rescheduled": {**LESSON, "old_starts_at": "2026-11-30T14:00:00+00:00"},
    "reminder": {**LESSON, "lead_minutes": 1440},
    "reminder_teacher": {**LESSON, "lead_minutes": 60},
    "link_bound_elsewhere": {
        "teacher_id": 3,
        "student_id": 5,
        "student_name": "Sam",
        "colour": 2,
        "link_id": 9,
    },
    "link_expiring": {
        "student_name": "Sam",
        "colour": 2,
        "teacher_tz": "Europe/Berlin",
        "expires_at": "2026-12-02T23:00:00+00:00",
    },
    "daily_agenda": {
        "teacher_id": 3,
        "teacher_tz": "Europe/Berlin",
        "day_start": "2026-11-30T23:00:00+00:00",
        "day_end": "2026-12-01T23:00:00+00:00",
        "due_at": "2026-12-01T06:00:00+00:00",
    },
    "recipient_unreachable": {"student_name": "Sam", "colour": 2, "teacher_tz": "Europe/Berlin"},
    "busy_clash": {
        "student_name": "Sam",
        "colour": 2,
        "teacher_tz": "Europe/Berlin",
        "starts_at": "2026-12-01T10:00:00+00:00",
        "ends_at": "2026-12-01T11:00:00+00:00",
    },
    "busy_calendar_failing": {
        "failures": 3,
        "teacher_tz": "Europe/Berlin",
        "last_ok_at": "2026-11-30T08:00:00+00:00",
    },
    "mail_failed": {
        "student_name": "Sam",
        "colour": 2,
        "teacher_tz": "Europe/Berlin",
        "address": "sam@example.com",
        "error": "550 5.1.1 <b>no</b> such user",
    },
    "new_link": {
        "teacher_id": 3,
        "teacher_name": "Tanya",
        "student_id": 5,
        "link_id": 9,
        "sealed_token": "c2VhbGVk",
    },
    "series_booked": {
        "series_id": 4,
        "teacher_name": "Tanya",
        "teacher_tz": "Europe/Berlin",
        "student_name": "Sam",
        "colour": 2,
        "minutes": 60,
        "subject": "Math",
        "by": "student",
        "booked": ["2026-12-01T16:00:00+00:00", "2026-12-08T16:00:00+00:00"],
        "skipped": ["2026-12-15T16:00:00+00:00"],
        "ongoing": False,
    },
    "series_skipped": {
        "series_id": 4,
        "teacher_name": "Tanya",
        "teacher_tz": "Europe/Berlin",
        "student_name": "Sam",
        "colour": 2,
        "minutes": 60,
        "subject": "Math",
        "skipped": ["2026-12-29T16:00:00+00:00"],
    },
    "series_cancelled": {
        "series_id": 4,
        "teacher_name": "Tanya",
        "teacher_tz": "Europe/Berlin",
        "student_name": "Sam",
        "colour": 2,
        "minutes": 60,
        "subject": "Math",
        "by": "teacher",
        "cancelled": ["2026-12-08T16:00:00+00:00", "2026-12-15T16:00:00+00:00"],
        "reason": "I move house",
    },
    "booked_by_teacher": {**LESSON, "reason": "An extra lesson before the test"},
    "moved_by_teacher": {
        **LESSON,
        "old_starts_at": "2026-11-30T14:00:00+00:00",
        "reason": "My train is late",
    },
    "place_changed": {**LESSON, "lessons": 3},
    "waitlist_offer": {
        "entry_id": 12,
        "student_id": 5,
        "teacher_name": "Tanya",
        "teacher_tz": "Europe/Berlin",
        "starts_at": "2026-12-01T10:00:00+00:00",
        "ends_at": "2026-12-01T11:00:00+00:00",
        "hold_until": "2026-11-30T09:15:00+00:00",
        "subject": "Math",
    },
    "guardian": {
        **LESSON,
        "guardian_id": 4,
        "event": "moved",
        "by": "teacher",
        "old_starts_at": "2026-11-30T14:00:00+00:00",
        "reason": "My train is late",
    },
    "guardian_reminder": {**LESSON, "lead_minutes": 60, "guardian_id": 4},
    "guardian_bound_elsewhere": {
        "teacher_id": 3,
        "student_id": 5,
        "guardian_id": 4,
        "student_name": "Sam",
        "colour": 2,
    },
}
# What each says to a recipient who set no zone: times in the teacher's (Berlin, UTC+1).
SAYS = {
    "booking_new": ["📅 New booking:", "Sam", "11:00", "Math"],
    "booking_cancelled": ["❌", "Sam cancelled the lesson on", "11:00"],
    "lesson_cancelled_by_teacher": ["Tanya cancelled your lesson", "Reason: I am ill", "/book"],
    "booking_rescheduled": ["🔁", "Sam moved the lesson from", "15:00", "to", "11:00"],
    "reminder": ["⏰ Reminder: your lesson with Tanya is in 25 hours", "11:00"],
    "reminder_teacher": ["⏰ Reminder: lesson with", "Sam", "11:00"],
    "link_bound_elsewhere": ["Someone tried to open the link of", "Sam"],
    "link_expiring": ["The link of", "Sam", "expires on Thursday, December 3, 2026"],
    "daily_agenda": ["🗓 Tuesday, December 1, 2026: 1 lesson", "11:00–12:00", "Sam, Math"],
    "recipient_unreachable": ["Sam", "has blocked the bot"],
    "busy_clash": [
        "Sam",
        "Tue, 1 Dec, 11:00–12:00",
        "busy time of your own calendar",
        "stays booked",
    ],
    "busy_calendar_failing": ["failed 3 times in a row", "last read: Mon, 30 Nov, 09:00"],
    "mail_failed": ["Sam at sam@example.com could not be delivered: 550 5.1.1 &lt;b&gt;no"],
    "new_link": ["🔗 Tanya sent you a new booking link: https://t.me/b?start=x"],
    "series_booked": [
        "Sam booked a weekly lesson: 2 lessons",
        "Tue, 8 Dec, 17:00",
        "Not available, so not booked: Tue, 15 Dec",
    ],
    "series_skipped": ["Weekly lesson of", "Sam", "with Tanya", "not booked: Tue, 29 Dec"],
    "series_cancelled": [
        "Tanya cancelled your weekly lesson from",
        "Tue, 8 Dec, 17:00",
        "(2 lessons)",
        "Reason: I move house",
    ],
    "booked_by_teacher": [
        "📅 Tanya booked a lesson for you:",
        "11:00",
        "Reason: An extra lesson before the test",
    ],
    "moved_by_teacher": [
        "🔁 Tanya moved your lesson from",
        "15:00",
        "to",
        "11:00",
        "Reason: My train is late",
    ],
    "place_changed": [
        "📍 Tanya changed where your coming lessons take place (3 lessons, the first on",
        "11:00",
        "No place is set for it now.",
    ],
    "waitlist_offer": [
        "🔔 A seat has freed up: Tue, 1 Dec, 11:00–12:00",
        "Math with Tanya",
        "held for you until Mon, 30 Nov, 10:15",
    ],
    "guardian": ["👪 Tanya moved the lesson of Sam from", "15:00", "11:00", "Reason: My train"],
    "guardian_reminder": ["⏰ Reminder: Sam's lesson with Tanya is in 25 hours", "11:00"],
    "guardian_bound_elsewhere": ["guardian link of", "Sam", "another Telegram account"],
}
AGENDA = (AgendaLesson(datetime(2026, 12, 1, 10, tzinfo=UTC), LESSON_END, "Math", "Sam", 2),)
BUTTONS = {
    "reminder": ["📋 My bookings", "❌ Cancel"],
    "lesson_cancelled_by_teacher": ["📅 Book another time"],
    "link_bound_elsewhere": ["🔄 Regenerate link"],
    "new_link": ["📅 Open booking"],
    "booked_by_teacher": ["📋 My bookings"],
    "moved_by_teacher": ["📋 My bookings"],
    "place_changed": ["📋 My bookings"],
    "waitlist_offer": ["✅ Book it", "✖ No, thanks"],
    "guardian": ["📋 My bookings"],
    "guardian_reminder": ["📋 My bookings"],
}


def _shown(kind: str, payload: dict[str, object], now: datetime = NOW) -> tuple[str, list[str]]:
    """Read a stored payload and render it as the dispatcher would, in English, on NOW."""
    notice = read_notice(kind, payload)
    may_change = isinstance(notice, StudentReminder) and may_still_change(
        notice.lesson.starts_at, notice.lesson.change_deadline, now
    )
    outgoing = Outgoing(1, 1, notice, may_change, AGENDA, link="https://t.me/b?start=x")
    text, markup = render(make_i18n(), outgoing, Account(1, "Ann", language="en"), now)
    buttons = [b.text for row in (markup.inline_keyboard if markup else []) for b in row]
    return text, buttons


def test_every_kind_has_one_notice_type() -> None:
    assert set(NOTICES) == set(NoticeKind) == set(STORED)


@pytest.mark.parametrize("kind", sorted(STORED))
def test_todays_stored_json_still_reads_and_renders(kind: str) -> None:
    text, buttons = _shown(kind, STORED[kind])
    for words in SAYS[kind]:
        assert words in text, text
    assert buttons == BUTTONS.get(kind, [])


@pytest.mark.parametrize("kind", sorted(STORED))
def test_a_notice_is_stored_in_the_same_json_it_was_read_from(kind: str) -> None:
    assert dump_notice(read_notice(kind, STORED[kind])) == STORED[kind]


def test_a_new_notice_is_stored_as_flat_json_with_iso_times() -> None:
    notice = StudentReminder(lesson=lesson(change_deadline=NOW), lead_minutes=60)
    stored = dump_notice(notice)
    assert stored["starts_at"] == "2026-12-01T10:00:00+00:00"
    assert stored["change_deadline"] == "2026-11-30T09:00:00+00:00"
    assert stored["lead_minutes"] == 60 and "lesson" not in stored
    assert read_notice("reminder", stored) == notice


def test_rows_from_before_a_field_was_stored_read_without_it() -> None:
    old_reminder = {k: v for k, v in STORED["reminder"].items() if k != "change_deadline"}
    text, buttons = _shown("reminder", old_reminder)
    assert "Reminder" in text and buttons == ["📋 My bookings"], "no deadline stored: no Cancel"
    old_agenda = {k: v for k, v in STORED["daily_agenda"].items() if k != "due_at"}
    assert _shown("daily_agenda", old_agenda)[0].startswith("🗓")
    no_student = {k: v for k, v in STORED["link_bound_elsewhere"].items() if k != "student_id"}
    assert _shown("link_bound_elsewhere", no_student)[1] == []


def test_a_reminder_offers_cancel_only_until_the_change_deadline() -> None:
    deadline = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert _shown("reminder", STORED["reminder"], deadline)[1][-1] == "❌ Cancel"
    later = deadline + timedelta(seconds=1)
    assert _shown("reminder", STORED["reminder"], later)[1] == ["📋 My bookings"]


def test_the_change_rule_on_stored_facts() -> None:
    start, deadline = datetime(2026, 12, 1, 10, tzinfo=UTC), datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert may_still_change(start, deadline, deadline)
    assert not may_still_change(start, deadline, deadline + timedelta(seconds=1))
    assert not may_still_change(start, None, NOW), "a notice without its deadline offers none"
    assert not may_still_change(start, start, start), "never once the lesson has begun"


@pytest.mark.parametrize(
    ("kind", "payload", "problem"),
    [
        ("reminder", {**STORED["reminder"], "lead_minutes": "soon"}, "lead_minutes"),
        ("reminder", {k: v for k, v in LESSON.items() if k != "starts_at"}, "starts_at"),
        ("booking_new", {}, "booking_id"),
        ("booking_new", {**LESSON, "starts_at": "2026-12-01T10:00:00"}, "UTC offset"),
        ("link_expiring", {**STORED["link_expiring"], "colour": "red"}, "colour"),
        ("booking_cancelled", {**LESSON, "by": "nobody"}, "by"),
        ("series_booked", {**STORED["series_booked"], "colour": "red"}, "^colour: "),
        ("series_skipped", {"skipped": []}, "^series_id: "),
        ("fax", {}, "unknown kind"),
    ],
)
def test_a_payload_that_is_not_its_kind_is_refused_saying_why(
    kind: str, payload: dict[str, object], problem: str
) -> None:
    with pytest.raises(UnreadableNotice, match=problem):
        read_notice(kind, payload)
