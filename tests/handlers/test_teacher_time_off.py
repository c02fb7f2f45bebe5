"""Time off reads as people say it, can be removed (button or /unblock), tells the reason if chosen.

Issue 12, bug 4: a whole day read 'Wed, 2 Dec, 00:00–00:00', a range showed only its first
day, and time off could not be removed.
"""

from __future__ import annotations

from datetime import timedelta

from tests.handlers.conftest import Harness
from tests.steps.teacher_steps import book_first_free, delivered, enroll, register, said, told

TEACHER = 4001
STUDENT = 4101


def _message(h: Harness, user_id: int, message_id: int) -> str:
    """A message as the chat shows it now (screens and cards are edited in place)."""
    [found] = [m for m in h.chat(user_id) if m.message_id == message_id]
    return found.content


async def _week_day(h: Harness, day: str) -> str:
    """The student's week button for a day, e.g. 'Wed, 25 Nov · 2 free'."""
    await h.send(STUDENT, "/start")
    await h.press(STUDENT, "📝 Book a lesson")
    # A day without free times has no row of its own: it folds into "… · no free times".
    rows = h.last(STUDENT).button_texts()
    return next((t for t in rows if t.startswith(day)), "no free times")


async def _teacher_and_student(h: Harness) -> None:
    await register(h, TEACHER)
    await h.send(TEACHER, "/addslots wed 10:00-12:00 60 Math")
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(STUDENT, "Anna")
    await h.send(STUDENT, f"/start {token}")


async def test_whole_day_range_and_part_of_a_day_read_as_people_say_them(
    harness: Harness,
) -> None:
    h = harness
    await register(h, TEACHER, zone="Europe/Berlin")
    await h.send(TEACHER, "/block 2026-12-02")
    assert "Blocked Wed 2 Dec, all day." in h.last(TEACHER).content
    await h.send(TEACHER, "/block 2026-12-24..2027-01-02 holidays")
    assert "Blocked 24 Dec 2026 – 2 Jan 2027." in h.last(TEACHER).content
    await h.send(TEACHER, "/block 2026-12-03 09:00-12:00 dentist")
    assert "Blocked Thu 3 Dec, 09:00–12:00." in h.last(TEACHER).content
    await h.send(TEACHER, "/availability")
    screen = h.last(TEACHER)
    assert "00:00–00:00" not in screen.content
    for line in (
        "• Wed 2 Dec, all day",
        "• Thu 3 Dec, 09:00–12:00 · dentist",
        "• 24 Dec 2026 – 2 Jan 2027 · holidays",
    ):
        assert line in screen.content, screen.content
    assert screen.button_texts() == [
        "❌ Wed 2 Dec, all day",
        "❌ Thu 3 Dec, 09:00–12:00",
        "❌ 24 Dec 2026 – 2 Jan 2027",
    ]


async def test_the_listing_reads_naturally_in_russian(harness: Harness) -> None:
    h = harness
    h.user(TEACHER, "Ольга", language="ru")
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, "Ольга Петровна")
    await h.send(TEACHER, "Europe/Moscow")
    await h.send(TEACHER, "/block 2026-12-02 отпуск")
    assert "ср, 2 дек., весь день" in h.last(TEACHER).content
    await h.send(TEACHER, "/block 2026-12-21..2026-12-23")
    await h.send(TEACHER, "/block 2026-12-03 09:00-12:00")
    await h.send(TEACHER, "/availability")
    screen = h.last(TEACHER).content
    assert "Нерабочее время:" in screen
    assert "• ср, 2 дек., весь день · отпуск" in screen, screen
    assert "• чт, 3 дек., 09:00–12:00" in screen
    assert "• 21 дек. – 23 дек." in screen
    await h.send(TEACHER, "/unblock")
    assert "❌ ср, 2 дек., весь день" in h.last(TEACHER).button_texts()


async def test_the_remove_button_reopens_the_hours_for_students(harness: Harness) -> None:
    h = harness
    await _teacher_and_student(h)
    assert await _week_day(h, "Wed, 25 Nov") == "Wed, 25 Nov · 2 free"
    await h.send(TEACHER, "/block 2026-11-25")
    assert await _week_day(h, "Wed, 25 Nov") == "no free times"
    await h.send(TEACHER, "/availability")
    screen = h.last(TEACHER)
    assert "• Wed 25 Nov, all day" in screen.content
    answer = await h.press(TEACHER, "❌ Wed 25 Nov, all day")
    assert "Time off removed: Wed 25 Nov, all day" in (answer.text or "")
    again = _message(h, TEACHER, screen.message_id)  # the same screen, shown again in place
    assert "Time off:" not in again and "Wednesday 10:00–12:00" in again
    assert await _week_day(h, "Wed, 25 Nov") == "Wed, 25 Nov · 2 free"


async def test_unblock_lists_removes_by_date_and_explains_an_unknown_date(
    harness: Harness,
) -> None:
    h = harness
    await _teacher_and_student(h)
    await h.send(TEACHER, "/unblock")
    assert "You have no time off coming" in h.last(TEACHER).content
    await h.send(TEACHER, "/block 2026-11-25")
    await h.send(TEACHER, "/block 2026-12-24..2027-01-02")
    await h.send(TEACHER, "/unblock")
    listing = h.last(TEACHER)
    assert listing.button_texts() == ["❌ Wed 25 Nov, all day", "❌ 24 Dec 2026 – 2 Jan 2027"]
    await h.send(TEACHER, "/unblock 2026-12-26")
    await told(h, TEACHER, "You have no time off starting on 2026-12-26.")
    await h.send(TEACHER, "/unblock 2026-11-25")
    assert "Time off removed: Wed 25 Nov, all day. 2 slots are open again." in (
        h.last(TEACHER).content
    )
    assert await _week_day(h, "Wed, 25 Nov") == "Wed, 25 Nov · 2 free"
    await h.press(TEACHER, "❌ 24 Dec 2026 – 2 Jan 2027", message_id=listing.message_id)
    assert "You have no time off coming" in _message(h, TEACHER, listing.message_id)
    async with h.app.deps.reading() as uow:
        teacher = await uow.teachers.by_telegram(TEACHER)
        assert teacher is not None
        events = [e.event for e in await uow.audit.recent(teacher_id=teacher.id, limit=50)]
    assert events.count("time_off.removed") == 2


async def test_past_time_off_is_not_listed(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/block 2026-11-24 dentist")
    h.clock.advance(timedelta(days=2))
    await h.send(TEACHER, "/availability")
    assert "Time off:" not in h.last(TEACHER).content
    await h.send(TEACHER, "/unblock")
    assert "You have no time off coming" in h.last(TEACHER).content


async def test_the_reason_reaches_students_only_when_the_teacher_chooses(
    harness: Harness,
) -> None:
    h = harness
    await _teacher_and_student(h)
    await book_first_free(h, STUDENT, TEACHER)  # Wed 25 Nov 10:00
    await h.send(TEACHER, "/block 2026-11-25 flu")
    card = h.last(TEACHER)
    assert "Your reason: flu" in card.content
    assert card.button_texts() == [
        "Cancel and tell the reason",
        "Cancel without the reason",
        "Keep them",
    ]
    await h.press(TEACHER, "Cancel without the reason")
    assert "1 lesson was cancelled" in _message(h, TEACHER, card.message_id)
    await delivered(h, STUDENT, "cancelled your lesson")
    assert not said(h, STUDENT, "flu")
    await h.send(TEACHER, "/availability")
    assert "• Wed 25 Nov, all day · flu" in h.last(TEACHER).content  # kept for the teacher


async def test_the_reason_is_told_when_chosen_and_no_reason_asks_yes_or_no(
    harness: Harness,
) -> None:
    h = harness
    await _teacher_and_student(h)
    await book_first_free(h, STUDENT, TEACHER)
    await h.send(TEACHER, "/block 2026-11-25")
    assert h.last(TEACHER).button_texts() == ["Yes, cancel them", "No, keep them"]
    await h.press(TEACHER, "No, keep them")
    assert "Nothing was changed" in h.last(TEACHER).content
    await h.send(TEACHER, "/block 2026-11-25 flu")
    await h.press(TEACHER, "Cancel and tell the reason")
    await delivered(h, STUDENT, "Reason: flu")


async def test_help_and_the_command_menu_offer_unblock(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/help")
    assert "/unblock — Remove time off" in h.last(TEACHER).content
    menus = [c.params for c in h.server.calls("setMyCommands", ok=True)]
    assert any("unblock" in str(m.get("commands")) for m in menus if str(TEACHER) in str(m))
