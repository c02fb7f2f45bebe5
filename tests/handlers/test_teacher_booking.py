"""The teacher books for a student from the card, moves the lesson, places an extra lesson."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.model import BookingStatus, SlotStatus, Teacher
from bot.services import booking
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps
from tests.steps.teacher_steps import delivered

TEACHER = steps.TEACHER_TG
ANNA, BEN = 1501, 1502
# The clock starts on Mon 23 Nov 2026, 09:00 UTC (10:00 in Berlin, the teacher's zone).
TODAY_10_UTC = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 11:00 Berlin: an hour from now
TUE_09_UTC = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 Berlin


async def _russian_student_in_tokyo(h: Harness, tutor: Teacher, uid: int, name: str) -> int:
    """A student who speaks Russian and lives in Tokyo (UTC+9), with their link opened."""
    student_id, token = await steps.invite(h, tutor, name)
    h.user(uid, name, language="ru")
    await h.send(uid, f"/start {token}")
    await h.send(uid, "/timezone Asia/Tokyo")
    return student_id


async def _open_card(h: Harness, name: str) -> None:
    await h.send(TEACHER, "/students")
    [card] = [b for b in h.last(TEACHER).button_texts() if name in b]
    await h.press(TEACHER, card)


async def test_the_teacher_books_for_a_student_and_moves_it_and_the_student_is_told_why(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)  # Europe/Berlin, two hours' notice for students
    await steps.slots(h, tutor, TODAY_10_UTC)
    await steps.slots(h, tutor, TUE_09_UTC, count=3)
    anna = await _russian_student_in_tokyo(h, tutor, ANNA, "Anna")

    await _open_card(h, "Anna")
    await h.press(TEACHER, "📅 Book a lesson")
    days = h.last(TEACHER)
    assert "Book a lesson for 🔴 Anna" in days.content
    # An hour from now is inside the students' notice, but the teacher may give it.
    assert "Mon, 23 Nov · 1" in days.button_texts()
    assert "Tue, 24 Nov · 3" in days.button_texts()
    await h.press(TEACHER, "Mon, 23 Nov · 1")
    await h.press(TEACHER, "11:00–12:00 · Math")
    assert "Book Anna on Mon, 23 Nov, 11:00–12:00?" in h.last(TEACHER).content
    await h.send(TEACHER, "Extra practice before the test")
    assert "✅ Booked Anna on Mon, 23 Nov, 11:00–12:00; they are told." in h.last(TEACHER).content
    # In Russian and in Tokyo time (UTC+9: 19:00), with the teacher's note.
    await delivered(h, ANNA, "записал(а) вас на урок")
    told = next(m.content for m in h.chat(ANNA) if "записал(а) вас на урок" in m.content)
    assert "19:00" in told and "Причина: Extra practice before the test" in told

    await _open_card(h, "Anna")
    await h.press(TEACHER, "🔁 Move Mon, 23 Nov, 11:00")
    assert "Move the lesson of 🔴 Anna" in h.last(TEACHER).content
    await h.press(TEACHER, "Tue, 24 Nov · 3")
    await h.press(TEACHER, "12:00–13:00 · Math")
    await h.send(TEACHER, "My train is late")
    assert (
        "✅ Moved the lesson with Anna from Mon, 23 Nov, 11:00–12:00 to Tue, 24 Nov, "
        "12:00–13:00; they are told." in h.last(TEACHER).content
    )
    await delivered(h, ANNA, "перенёс(ла) ваш урок")
    moved = next(m.content for m in h.chat(ANNA) if "перенёс(ла) ваш урок" in m.content)
    assert "20:00" in moved and "Причина: My train is late" in moved  # 12:00 Berlin in Tokyo

    bookings = await steps.bookings_of(h, anna)
    confirmed = [s.starts_at for b, s in bookings if b.status == BookingStatus.CONFIRMED]
    assert confirmed == [datetime(2026, 11, 24, 11, 0, tzinfo=UTC)]
    await h.send(TEACHER, "/schedule")
    assert "12:00–13:00 🔴 Anna · Math" in h.last(TEACHER).content


async def test_an_extra_lesson_outside_hours_is_not_offered_to_another_student(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, TUE_09_UTC, count=2)  # 10:00-12:00 Berlin
    anna = await steps.student(h, tutor, ANNA, "Anna")
    await steps.student(h, tutor, BEN, "Ben")

    await _open_card(h, "Anna")
    await h.press(TEACHER, "➕ Extra lesson")
    await h.send(TEACHER, "2026-11-24 25:00 45 Chess")
    assert "is not a start time" in h.last(TEACHER).content  # the question stays open
    await h.send(TEACHER, "2026-11-24 18:00 45 Chess")
    assert "✅ Booked Anna on Tue, 24 Nov, 18:00–18:45; they are told." in h.last(TEACHER).content
    await delivered(h, ANNA, "booked a lesson for you")

    # One more, overlapping the 11:00 slot of the published hours: that slot goes too.
    await _open_card(h, "Anna")
    await h.press(TEACHER, "➕ Extra lesson")
    await h.send(TEACHER, "2026-11-24 11:30-12:30")
    assert "✅ Booked Anna on Tue, 24 Nov, 11:30–12:30" in h.last(TEACHER).content

    await h.send(BEN, "/book")
    assert "Tue, 24 Nov · 1 free" in h.last(BEN).button_texts()
    await h.press(BEN, "Tue, 24 Nov · 1 free")
    offered = [b for b in h.last(BEN).button_texts() if b.startswith("🟢")]
    assert offered == ["🟢 10:00–11:00 Math"]

    lessons = await steps.bookings_of(h, anna)
    assert [(s.status, s.subject) for _, s in lessons] == [
        (SlotStatus.EXTRA, ""),
        (SlotStatus.EXTRA, "Chess"),
    ]
    await h.send(ANNA, "/start")
    await h.press(ANNA, "📋 My bookings")
    assert "18:00–18:45" in h.last(ANNA).content


async def test_a_buffer_hides_neighbouring_slots_and_is_refused_at_confirm(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    tue = await steps.slots(h, tutor, TUE_09_UTC, count=3)  # 10:00, 11:00, 12:00 Berlin
    anna = await steps.student(h, tutor, ANNA, "Anna")
    await steps.student(h, tutor, BEN, "Ben")
    await booking.book(h.app.deps, ANNA, anna, tue[1].id)  # Anna takes 11:00

    await h.send(BEN, "/book")
    await h.press(BEN, "Tue, 24 Nov · 2 free")
    await h.press(BEN, "🟢 12:00–13:00 Math")  # the confirmation card, still open

    await h.send(TEACHER, "/settings")
    await h.press(TEACHER, "☕ Buffer between lessons: off")
    await h.press(TEACHER, "15 min")
    assert "☕ Buffer between lessons: 15 min" in h.last(TEACHER).button_texts()

    await h.press(BEN, "✅ Confirm")
    refused = h.last(BEN)
    assert "too close to another lesson" in refused.content
    assert not any(b.startswith("🟢") for b in refused.button_texts())
    await h.send(BEN, "/book")
    assert not any("Tue, 24 Nov · " in b and "free" in b for b in h.last(BEN).button_texts())

    # Changing the buffer cancelled nothing.
    [(kept, _)] = await steps.bookings_of(h, anna)
    assert kept.status == BookingStatus.CONFIRMED


async def test_from_schedule_a_lesson_moves_without_a_reason_and_the_card_cancels_it(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    tue = await steps.slots(h, tutor, TUE_09_UTC, count=3)  # 10:00, 11:00, 12:00 Berlin
    anna = await steps.student(h, tutor, ANNA, "Anna")
    await booking.book(h.app.deps, ANNA, anna, tue[0].id)

    await h.send(TEACHER, "/schedule")
    await h.press(TEACHER, "🔁 Move")
    await h.press(TEACHER, "Tue, 24 Nov · 2")  # the lesson's own time is not offered
    assert "10:00–11:00 · Math" not in h.last(TEACHER).button_texts()
    await h.press(TEACHER, "11:00–12:00 · Math")
    await h.press(TEACHER, "🔁 Move without a reason")
    assert "✅ Moved the lesson with Anna" in h.last(TEACHER).content
    await delivered(h, ANNA, "moved your lesson from Tue, 24 Nov, 10:00 to")
    moved = next(m.content for m in h.chat(ANNA) if "moved your lesson" in m.content)
    assert "Reason" not in moved

    await _open_card(h, "Anna")
    await h.press(TEACHER, "✖ Cancel Tue, 24 Nov, 11:00")
    await h.press(TEACHER, "Cancel without a reason")
    assert "Cancelled the lesson with Anna" in h.last(TEACHER).content
    await delivered(h, ANNA, "cancelled your lesson")


async def test_from_schedule_the_teacher_picks_a_student_and_books_without_a_note(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, TUE_09_UTC, count=2)
    await steps.student(h, tutor, ANNA, "Anna")
    ben = await steps.student(h, tutor, BEN, "Ben")

    await h.send(TEACHER, "/schedule")
    await h.press(TEACHER, "📅 Book for a student")
    assert h.last(TEACHER).button_texts()[:2] == ["🔴 Anna", "🟠 Ben"]
    await h.press(TEACHER, "🟠 Ben")
    await h.press(TEACHER, "Tue, 24 Nov · 2")
    await h.press(TEACHER, "10:00–11:00 · Math")
    await h.press(TEACHER, "✅ Book without a note")
    assert "✅ Booked Ben on Tue, 24 Nov, 10:00–11:00; they are told." in h.last(TEACHER).content
    await delivered(h, BEN, "booked a lesson for you")
    told = next(m.content for m in h.chat(BEN) if "booked a lesson for you" in m.content)
    assert "Reason" not in told
    [(lesson, _)] = await steps.bookings_of(h, ben)
    assert lesson.status == BookingStatus.CONFIRMED


async def test_a_forged_day_shows_the_days_to_pick_from(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, TUE_09_UTC, count=2)
    ben = await steps.student(h, tutor, BEN, "Ben")
    await _open_card(h, "Ben")
    await h.press(TEACHER, "📅 Book a lesson")
    days = h.last(TEACHER)
    assert "Tue, 24 Nov · 2" in days.button_texts()
    await h.press(TEACHER, "Tue, 24 Nov · 2")
    forged = f"tbk:y:{ben}:0:99999999:0:0"  # a day no calendar has
    answer = await h.press_data(TEACHER, days.message_id, forged)
    assert answer is not None and answer.text is None  # answered quietly, no apology
    assert "Tue, 24 Nov · 2" in h.last(TEACHER).button_texts()
