"""The teacher's schedule, roster and student card as pure screens: data in, text and keys out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.types import InlineKeyboardMarkup

from bot.domain.model import ShareLink, Student
from bot.services import links, schedule, students
from handlers.schedule import MAX_CANCEL_BUTTONS, week_view
from handlers.teacher_students import card_view, roster_view
from views.i18n import make_i18n

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday, 10:00 in Berlin
MONDAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale("en"):
        yield


def _student(student_id: int, name: str, colour: int, telegram_id: int | None = None) -> Student:
    return Student(student_id, 1, name, colour, NOW, telegram_id=telegram_id)


def _lesson(
    booking_id: int, starts: datetime, name: str, **changes: object
) -> schedule.ScheduledLesson:
    values: dict[str, object] = {
        "ends_at": starts + timedelta(hours=1),
        "subject": "",
        "student_id": 10 + booking_id,
        "colour": 0,
        "cancellable": True,
    }
    values.update(changes)
    return schedule.ScheduledLesson(booking_id, starts, student_name=name, **values)  # type: ignore[arg-type]


def _week(lessons_by_day: dict[int, list[schedule.ScheduledLesson]]) -> schedule.Week:
    days = [(MONDAY + timedelta(days=i), lessons_by_day.get(i, [])) for i in range(7)]
    return schedule.Week(0, days, "Europe/Berlin")


def _labels(keyboard: InlineKeyboardMarkup) -> list[list[str]]:
    return [[button.text for button in row] for row in keyboard.inline_keyboard]


def test_the_week_lists_each_day_with_its_lessons_in_the_teachers_zone() -> None:
    anna = _lesson(1, NOW + timedelta(hours=3), "Anna <A>", subject="Math & <Art>")
    ben = _lesson(2, NOW + timedelta(days=2), "Ben", colour=1, cancellable=False)
    text, keyboard = week_view(_week({0: [anna], 2: [ben]}))
    assert text.startswith("<b>Your schedule</b> (Europe/Berlin)\n\n<b>Mon, 23 Nov</b>\n")
    assert "13:00–14:00 🔴 Anna &lt;A&gt; · Math &amp; &lt;Art&gt;" in text  # names escaped
    assert "<b>Wed, 25 Nov</b>\n10:00–11:00 🟠 Ben" in text
    assert text.count("no lessons") == 5
    # Only a lesson that may still be cancelled gets a cancel button; one that began gets a
    # note button of its own (notes after the lesson); labels are plain text.
    assert _labels(keyboard) == [
        ["✖ Cancel Mon, 23 Nov 13:00 🔴 Anna <A>", "🔁 Move"],
        ["📝 Note", "📍"],
        ["📝 Note Wed, 25 Nov 10:00 🟠 Ben"],
        ["📅 Book for a student"],
        ["◀ Previous week", "Next week ▶"],
        ["◀ Back", "🏠 Home"],
    ]


def test_a_busy_week_offers_a_bounded_number_of_cancel_buttons() -> None:
    busy = [
        _lesson(i, NOW + timedelta(hours=1 + i), f"S{i}") for i in range(MAX_CANCEL_BUTTONS + 5)
    ]
    text, keyboard = week_view(_week({0: busy}))
    cancels = [row for row in _labels(keyboard) if row[0].startswith("✖ Cancel")]
    assert len(cancels) == MAX_CANCEL_BUTTONS
    assert text.count("🔴 S") == MAX_CANCEL_BUTTONS + 5  # the text still lists every lesson


def test_a_roster_page_shows_each_students_link_state_and_pages_both_ways() -> None:
    page = students.Roster(
        [
            students.RosterEntry(_student(11, "Anna <A>", 0, telegram_id=5), True, 2),
            students.RosterEntry(_student(12, "Ben", 1), False, 1),
        ],
        page=1,
        pages=3,
        total=25,
    )
    text, keyboard = roster_view(page)
    assert text.splitlines() == [
        "<b>Your students</b> (25)",
        "🔴 Anna &lt;A&gt; · link opened · 2 lessons coming",
        "🟠 Ben · link not opened yet · 1 lesson coming",
        "Page 2 of 3",
    ]
    assert _labels(keyboard) == [
        ["🔴 Anna <A>"],
        ["🟠 Ben"],
        ["◀ Previous", "Next ▶"],
        ["◀ Back", "🏠 Home"],
    ]


def test_an_empty_roster_says_how_to_enroll_and_has_no_paging() -> None:
    text, keyboard = roster_view(students.Roster([], page=0, pages=1, total=0))
    assert "No students yet. Enroll one with <code>/addstudent Anna</code>." in text
    assert "Page" not in text
    assert _labels(keyboard) == [["◀ Back", "🏠 Home"]]


def test_a_bound_students_card_shows_their_clock_link_use_lessons_and_send_link() -> None:
    anna = _student(11, "Anna <A>", 0, telegram_id=5)
    link = ShareLink(1, 11, b"", b"", NOW, None, None, use_count=3, last_used_at=NOW)
    coming = students.UpcomingLesson(
        1, NOW + timedelta(days=2), NOW + timedelta(days=2, hours=1), "Math"
    )
    card = students.StudentCard(
        anna,
        links.LinkCard(anna, link, None, None),
        [coming],
        4,
        1,
        "Europe/Berlin",
        student_zone="Asia/Tokyo",
        now=NOW,
    )
    text, keyboard = card_view(card)
    assert text.splitlines() == [
        "🔴 <b>Anna &lt;A&gt;</b> · Asia/Tokyo, now 18:00",
        "Link opened 3 times, last: Monday, November 23, 2026",
        "Lessons taken: 4 · cancelled: 1",
        "Coming lessons:",
        "• Wed, 25 Nov, 10:00–11:00 Math",
    ]
    assert _labels(keyboard) == [
        ["🔗 Link", "✏️ Rename"],
        ["📅 Book a lesson", "🔁 Weekly lessons"],
        ["➕ Extra lesson"],
        ["🔁 Move Wed, 25 Nov, 10:00", "✖ Cancel Wed, 25 Nov, 10:00"],
        ["📊 Stats", "📜 Recent events"],
        ["👪 Guardians"],
        ["🗄 Archive"],
        ["✉️ Send new link to the student"],
        ["◀ Back", "🏠 Home"],
    ]


def test_a_card_of_a_student_not_yet_in_telegram_has_no_clock_and_nothing_to_send() -> None:
    ben = _student(12, "Ben", 1)
    card = students.StudentCard(
        ben, links.LinkCard(ben, None, None, None), [], 0, 0, "Europe/Berlin", now=NOW
    )
    text, keyboard = card_view(card)
    assert text.splitlines() == [
        "🟠 <b>Ben</b>",
        "Lessons taken: 0 · cancelled: 0",
        "No lessons booked.",
    ]
    assert ["✉️ Send new link to the student"] not in _labels(keyboard)
