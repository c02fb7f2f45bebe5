"""A teacher adds, lists, removes and blocks availability, as the chat shows it."""

from __future__ import annotations

import pytest

from bot.domain.model import BookingStatus
from tests.handlers.conftest import Harness
from tests.steps.teacher_steps import book_first_free, delivered, enroll, register, told

TEACHER = 2001
STUDENT = 2101


async def test_weekly_and_one_day_hours_are_added_and_listed(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER, zone="Europe/Berlin")
    await h.send(TEACHER, "/addslots mon 10:00-14:00 60 Math")
    reply = h.last(TEACHER).content
    assert "Added Monday 10:00–14:00 · 60 min · Math" in reply
    assert "16 slots are open" in reply  # 4 Mondays in the 28-day horizon, 4 slots each
    await h.send(TEACHER, "/addslots 2026-12-05 09:00-12:00 45 Piano x3")
    assert "4 slots are open" in h.last(TEACHER).content
    await h.send(TEACHER, "/availability")
    card = h.last(TEACHER)
    assert "Weekly:" in card.content and "Monday 10:00–14:00 · 60 min · Math" in card.content
    assert "One day:" in card.content and "09:00–12:00 · 45 min · Piano · 3 seats" in card.content
    assert len(card.button_texts()) == 2


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/addslots mond 10:00-14:00", "“mond” is not a weekday or date"),
        ("/addslots mon 14:00-10:00", "“14:00-10:00” is not a time range"),
        ("/addslots mon 10:00-11:00 90", "90 minutes does not fit"),
        ("/addslots mon 10:00-11:00 5", "5 minutes is not possible"),
        ("/addslots 2026-11-01 10:00-11:00", "already in the past"),
        ("/addslots mon 13:00-15:00", "overlaps your existing availability: mon 10:00-14:00"),
        ("/addslots 2026-11-30 13:30-15:00", "overlaps your existing availability: mon 10:00"),
    ],
)
async def test_wrong_input_and_overlaps_are_answered_clearly(
    harness: Harness, command: str, answer: str
) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/addslots mon 10:00-14:00")
    await h.send(TEACHER, command)
    await told(h, TEACHER, answer)
    await h.send(TEACHER, "/availability")
    assert len(h.last(TEACHER).button_texts()) == 1  # nothing was added


async def test_removing_booked_hours_asks_then_cancels_the_lesson(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/addslots tue 10:00-12:00 60 Math")
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(STUDENT, "Anna")
    await h.send(STUDENT, f"/start {token}")
    booking_id = await book_first_free(h, STUDENT, TEACHER)
    await h.send(TEACHER, "/availability")
    [remove] = h.last(TEACHER).button_texts()
    await h.press(TEACHER, remove)
    assert "1 booked lesson falls in this time" in h.last(TEACHER).content
    await h.press(TEACHER, "No, keep them")
    await h.press(TEACHER, "Yes, cancel them")
    assert "1 lesson was cancelled" in h.last(TEACHER).content
    await h.send(TEACHER, "/availability")
    assert "No hours yet" in h.last(TEACHER).content
    async with h.app.deps.uow() as uow:
        found = await uow.bookings.get(booking_id)
    assert found is not None and found[0].status == BookingStatus.CANCELLED
    await delivered(h, STUDENT, "cancelled your lesson")


async def test_blocking_a_day_with_a_lesson_asks_first(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/addslots tue 10:00-12:00 60 Math")
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(STUDENT, "Anna")
    await h.send(STUDENT, f"/start {token}")
    await book_first_free(h, STUDENT, TEACHER)
    await h.send(TEACHER, "/block 2026-11-24 sick")
    card = h.last(TEACHER)
    assert "1 booked lesson falls in this time" in card.content
    await h.send(TEACHER, "/schedule")
    assert "Anna" in h.last(TEACHER).content  # still booked until confirmed
    await h.press(TEACHER, "Cancel and tell the reason")
    [done] = [m for m in h.chat(TEACHER) if m.message_id == card.message_id]  # edited in place
    assert "Blocked Tue 24 Nov, all day" in done.content, done.content
    assert "1 lesson was cancelled" in done.content and not done.buttons
    await h.send(TEACHER, "/schedule")
    assert "Anna" not in h.last(TEACHER).content
    await delivered(h, STUDENT, "Reason: sick")


async def test_a_removal_confirmed_for_one_lesson_asks_again_if_another_was_booked(
    harness: Harness,
) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/addslots tue 10:00-12:00 60 Math")
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(STUDENT, "Anna")
    await h.send(STUDENT, f"/start {token}")
    await book_first_free(h, STUDENT, TEACHER)
    await h.send(TEACHER, "/availability")
    [remove] = h.last(TEACHER).button_texts()
    await h.press(TEACHER, remove)
    question = h.last(TEACHER)
    assert "1 booked lesson falls in this time" in question.content
    other_token, _ = await enroll(h, TEACHER, "Ben")
    h.user(STUDENT + 1, "Ben")
    await h.send(STUDENT + 1, f"/start {other_token}")
    await book_first_free(h, STUDENT + 1, TEACHER)  # booked while the teacher hesitates
    await h.press(TEACHER, "Yes, cancel them", message_id=question.message_id)
    assert "2 booked lessons fall in this time" in h.last(TEACHER).content
    await h.send(TEACHER, "/schedule")
    assert "Anna" in h.last(TEACHER).content and "Ben" in h.last(TEACHER).content
