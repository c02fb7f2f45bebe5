"""A pending prompt ends when the person moves on; a typed reason is confirmed, never acted on."""

from __future__ import annotations

from tests.handlers.conftest import Harness
from tests.steps.teacher_steps import book_first_free, delivered, enroll, register, said

TEACHER = 4601
ANNA = 4611


async def _anna_booked(h: Harness, zone: str = "Europe/Berlin") -> None:
    await h.send(TEACHER, "/addslots tue 10:00-12:00 60 Math")
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    await book_first_free(h, ANNA, TEACHER)


async def _press_cancel_for_anna(h: Harness) -> int:
    """Open /schedule and press Anna's cancel button; returns the schedule's message id."""
    await h.send(TEACHER, "/schedule")
    week = h.last(TEACHER)
    [cancel_anna] = [b for b in week.button_texts() if "Anna" in b]
    await h.press(TEACHER, cancel_anna, message_id=week.message_id)
    return week.message_id


async def _anna_still_booked(h: Harness) -> bool:
    await h.send(TEACHER, "/schedule")
    return "🔴 Anna" in h.last(TEACHER).content


async def test_a_command_or_another_screen_ends_the_cancel_prompt(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER, zone="Europe/Berlin")
    await _anna_booked(h)
    await _press_cancel_for_anna(h)
    await h.send(TEACHER, "/students")
    await h.send(TEACHER, "hmm")
    assert "Cancelled the lesson" not in h.last(TEACHER).content
    assert await _anna_still_booked(h)
    schedule_id = await _press_cancel_for_anna(h)
    await h.press(TEACHER, "Next week ▶", message_id=schedule_id)  # a button of another screen
    await h.send(TEACHER, "later, maybe")
    assert await _anna_still_booked(h)
    await h.flush()
    assert not said(h, ANNA, "Reason:")


async def test_a_typed_reason_is_confirmed_on_a_card_before_the_lesson_is_cancelled(
    harness: Harness,
) -> None:
    h = harness
    await register(h, TEACHER, zone="Europe/Berlin")
    await _anna_booked(h)
    await _press_cancel_for_anna(h)
    await h.send(TEACHER, "I am ill, sorry")
    card = h.last(TEACHER)
    assert "Cancel the lesson with Anna on" in card.content
    assert "Reason: I am ill, sorry" in card.content
    assert card.button_texts() == ["Cancel lesson", "Keep"]
    async with h.app.deps.uow() as uow:
        [student] = await uow.students.by_telegram(ANNA)
        assert len(await uow.bookings.of_student(student.id)) == 1  # nothing happened yet
    await h.press(TEACHER, "Cancel lesson", message_id=card.message_id)
    assert "Cancelled the lesson with Anna" in h.last(TEACHER).content
    await delivered(h, ANNA, "Reason: I am ill, sorry")
    assert not await _anna_still_booked(h)


async def test_keep_on_the_confirmation_card_cancels_nothing(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER, zone="Europe/Berlin")
    await _anna_booked(h)
    await _press_cancel_for_anna(h)
    await h.send(TEACHER, "I am ill")
    await h.press(TEACHER, "Keep")
    assert "Nothing was changed" in h.last(TEACHER).content
    assert await _anna_still_booked(h)


async def test_the_confirmation_card_in_russian(harness: Harness) -> None:
    h = harness
    h.user(TEACHER, "Ольга", language="ru")
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, "Ольга Петровна")
    await h.send(TEACHER, "Europe/Berlin")
    await _anna_booked(h)
    await _press_cancel_for_anna(h)
    await h.send(TEACHER, "/students")
    await h.send(TEACHER, "хм")
    assert await _anna_still_booked(h)
    await _press_cancel_for_anna(h)
    await h.send(TEACHER, "болею")
    card = h.last(TEACHER)
    assert "Отменить занятие с Anna" in card.content and "Причина: болею" in card.content
    await h.press(TEACHER, "Отменить занятие", message_id=card.message_id)
    assert not await _anna_still_booked(h)


async def test_a_command_ends_the_rename_prompt(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await enroll(h, TEACHER, "Anna")
    await h.send(TEACHER, "/students")
    await h.press(TEACHER, "🔴 Anna")
    await h.press(TEACHER, "✏️ Rename")
    await h.send(TEACHER, "/schedule")
    await h.send(TEACHER, "see you tomorrow")
    await h.send(TEACHER, "/students")
    roster = h.last(TEACHER).content
    assert "Anna" in roster and "see you tomorrow" not in roster
    await h.press(TEACHER, "🔴 Anna")
    await h.press(TEACHER, "✏️ Rename")
    await h.send(TEACHER, "Anna Karenina")  # the prompt on screen still works
    assert "Renamed to Anna Karenina" in h.last(TEACHER).content


async def test_a_student_who_leaves_teach_does_not_become_a_teacher(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    await h.send(ANNA, "/teach")
    await h.send(ANNA, "/start")
    await h.send(ANNA, "/mybookings")
    await h.send(ANNA, "thanks!")
    async with h.app.deps.uow() as uow:
        assert await uow.teachers.by_telegram(ANNA) is None
    assert not said(h, ANNA, "Thanks, thanks!")
