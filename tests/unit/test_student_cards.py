"""The student's booking screens as pure functions: the week, a day, the offer card, booked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.types import InlineKeyboardMarkup

from bot.domain.model import BookingStatus
from bot.services.booking import Lesson
from bot.services.student_calendar_model import (
    DayCount,
    DayView,
    Filters,
    Offer,
    SlotState,
    SlotView,
    View,
    Week,
)
from handlers import student_calendar_views as calendar
from handlers import student_views as cards
from views.i18n import make_i18n

TODAY = date(2026, 11, 23)  # a Monday
START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 10:00 in Berlin, 18:00 in Tokyo


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale("en"):
        yield


def _view(zone: str = "Europe/Berlin", moving: Lesson | None = None) -> View:
    return View(
        student_id=5,
        teacher_name="Ms <Smith>",
        zone=zone,
        teacher_zone="Europe/Berlin",
        subjects=[],
        filters=Filters(),
        today=TODAY,
        last_day=TODAY + timedelta(days=60),
        moving=moving,
    )


def _slot(slot_id: int = 41, **changes: object) -> SlotView:
    values: dict[str, object] = {
        "starts_at": START,
        "ends_at": START + timedelta(minutes=90),
        "subject": "Math & <Art>",
        "free": 1,
        "capacity": 1,
        "state": SlotState.FREE,
    }
    values.update(changes)
    return SlotView(slot_id=slot_id, **values)  # type: ignore[arg-type]


def _lesson(**changes: object) -> Lesson:
    starts = START - timedelta(days=1)
    values: dict[str, object] = {
        "booking_id": 9,
        "slot_id": 40,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "subject": "Math",
        "status": BookingStatus.CONFIRMED,
        "teacher_id": 2,
        "teacher_name": "Ms <Smith>",
        "teacher_tz": "Europe/Berlin",
        "student_id": 5,
        "student_name": "Sam",
        "colour": 0,
        "change_deadline": starts - timedelta(days=1),
    }
    values.update(changes)
    return Lesson(**values)  # type: ignore[arg-type]


def _labels(keyboard: InlineKeyboardMarkup) -> list[list[str]]:
    return [[button.text for button in row] for row in keyboard.inline_keyboard]


def _fits(keyboard: InlineKeyboardMarkup) -> bool:
    """Every button carries callback data within Telegram's 64 bytes."""
    data = [b.callback_data or "" for row in keyboard.inline_keyboard for b in row]
    return all(0 < len(item.encode()) <= 64 for item in data)


def test_the_offer_card_shows_day_time_length_subject_teacher_and_the_policy() -> None:
    text, keyboard = cards.offer_card(Offer(_view(), _slot(), cancel_window_minutes=24 * 60))
    assert text.splitlines() == [
        "<b>Book this lesson?</b>",
        "📅 Wednesday, November 25, 2026",
        "🕒 10:00–11:30 (Europe/Berlin)",
        "⏱ Length: 90 minutes",
        "📚 Subject: Math &amp; &lt;Art&gt;",  # typed by the teacher: escaped for HTML
        "👤 Teacher: Ms &lt;Smith&gt;",
        "ℹ️ You can cancel or reschedule up to 24 hours before the start; after that only "
        "your teacher can cancel.",
    ]
    assert _labels(keyboard) == [["✅ Confirm", "◀ Back"], ["📝 Add a note"]]
    assert _fits(keyboard)


def test_the_offer_card_shows_the_students_note_escaped_and_confirms_that_note() -> None:
    offer = Offer(_view(), _slot(slot_id=2_000_000_000), cancel_window_minutes=24 * 60)
    text, keyboard = cards.offer_card(offer, "<b>chapter 3</b> & 4")
    assert text.splitlines()[-1] == "💬 Your note: &lt;b&gt;chapter 3&lt;/b&gt; &amp; 4"
    assert _labels(keyboard) == [["✅ Confirm", "◀ Back"], ["📝 Change the note"]]
    confirm = keyboard.inline_keyboard[0][0].callback_data or ""
    assert confirm.startswith("ntc:")  # books with the note the card shows
    assert _fits(keyboard)


def test_the_offer_card_adds_the_teachers_time_only_when_the_clocks_differ() -> None:
    same, _ = cards.offer_card(Offer(_view(), _slot(), 120))
    other, _ = cards.offer_card(Offer(_view(zone="Asia/Tokyo"), _slot(subject=""), 120))
    assert "Your teacher's time" not in same
    assert "🕒 18:00–19:30 (Asia/Tokyo)" in other
    assert "Your teacher's time: Wed, 25 Nov, 10:00–11:30 (Europe/Berlin)" in other
    assert "Subject" not in other  # a slot without a subject has no subject line


@pytest.mark.parametrize(
    ("undo", "note"),
    [
        (None, None),
        (0, "you will not be able to cancel or move it yourself"),
        (15, "you can change or cancel it only in the next 15 minutes"),
    ],
)
def test_the_offer_card_warns_when_the_lesson_is_inside_the_window(
    undo: int | None, note: str | None
) -> None:
    text, _ = cards.offer_card(Offer(_view(), _slot(), 120, undo_minutes=undo))
    warnings = [line for line in text.splitlines() if line.startswith("⚠️")]
    if note is None:
        assert warnings == []
    else:
        assert warnings == [
            f"⚠️ Note: this lesson starts in less than 2 hours, so after booking {note}."
        ]


def test_moving_a_lesson_asks_to_move_and_names_the_lesson_released() -> None:
    text, keyboard = cards.offer_card(Offer(_view(moving=_lesson()), _slot(), 24 * 60))
    assert text.startswith("<b>Move your lesson here?</b>")
    assert text.endswith(
        "Your lesson on Tue, 24 Nov, 10:00–11:00 (Europe/Berlin) · Math will be released."
    )
    assert _labels(keyboard) == [["✅ Confirm", "◀ Back"]]


def test_booked_says_when_and_with_whom_and_until_when_it_can_be_undone() -> None:
    undo_until = START - timedelta(hours=30)  # 04:00 in Berlin
    text, keyboard = cards.booked_text(_lesson(undo_until=undo_until), "Europe/Berlin", None)
    assert text.splitlines() == [
        "✅ <b>Booked:</b> Tue, 24 Nov, 10:00–11:00 (Europe/Berlin) · Math with Ms &lt;Smith&gt;.",
        "Your teacher has been told. You will get a reminder before the lesson.",
        "You can undo this booking until 04:00.",
    ]
    assert _labels(keyboard) == [["📋 My bookings", "🏠 Home"]]
    assert _fits(keyboard)


def test_moved_names_the_new_time_and_offers_no_undo_without_a_grace_period() -> None:
    text, _ = cards.booked_text(_lesson(), "Asia/Tokyo", moved_from=_lesson(booking_id=8))
    assert text.splitlines()[0] == (
        "✅ <b>Moved.</b> Your lesson is now on Tue, 24 Nov, 18:00–19:00 (Asia/Tokyo) · "
        "Tue, 24 Nov, 10:00–11:00 (Europe/Berlin) · Math."  # the teacher's time as well
    )
    assert "undo" not in text


def test_a_day_marks_yours_booked_seats_left_and_free_and_keeps_a_notice_on_top() -> None:
    slots = [
        _slot(41, state=SlotState.MINE),
        _slot(42, state=SlotState.FULL, subject=""),
        _slot(43, capacity=3, free=2),
        _slot(44, subject=""),
    ]
    day = DayView(_view(), date(2026, 11, 25), slots)
    text, keyboard = calendar.day_screen(day, notice="That time was just taken.")
    assert text.startswith("That time was just taken.\n\n")
    assert "<b>Wednesday, November 25, 2026</b>\n🟢 free · 🔴 booked · ⭐ yours" in text
    assert _labels(keyboard) == [
        ["⭐ 10:00–11:30 Math & <Art> · yours"],  # button labels are plain text, not HTML
        ["🔴 10:00–11:30 · booked"],
        ["🟢 10:00–11:30 Math & <Art> · 2 seats left"],
        ["🟢 10:00–11:30"],
        ["Time of day: any"],
        ["◀ Back to the week", "🏠 Home"],
    ]
    assert _fits(keyboard)


def test_a_day_without_slots_says_so_and_still_leads_back() -> None:
    text, keyboard = calendar.day_screen(DayView(_view(), date(2026, 11, 25), []))
    assert "No free times on this day. Please pick another day." in text
    assert _labels(keyboard) == [["Time of day: any"], ["◀ Back to the week", "🏠 Home"]]


def test_the_first_week_pages_forward_only_and_the_last_back_only() -> None:
    days = [DayCount(TODAY + timedelta(days=i), 1) for i in range(7)]
    _, first = calendar.week_screen(Week(_view(), TODAY, days, None, TODAY + timedelta(days=7)))
    _, last = calendar.week_screen(Week(_view(), TODAY + timedelta(days=7), days, TODAY, None))
    assert _labels(first)[7:] == [
        ["Next week ▶"],
        ["🗓 Pick a month"],
        ["Time of day: any"],
        ["🏠 Home"],
    ]
    assert _labels(last)[7:9] == [["◀ Previous week"], ["🗓 Pick a month"]]
    assert _labels(first)[0] == ["Mon, 23 Nov · 1 free"]
    assert _fits(first) and _fits(last)


def test_a_week_while_moving_names_the_lesson_being_moved() -> None:
    days = [DayCount(TODAY + timedelta(days=i), 0) for i in range(7)]
    text, _ = calendar.week_screen(Week(_view(moving=_lesson()), TODAY, days, None, None))
    assert text.startswith(
        "🔁 <b>Pick a new time</b> for your lesson on Tue, 24 Nov, 10:00–11:00 (Europe/Berlin)"
    )
    assert "Pick a day:" in text
