"""Edge input from teachers gets a clear answer, never the generic failure."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.services import booking
from tests.handlers.conftest import Harness
from tests.steps.student_steps import slots, student, teacher
from tests.steps.teacher_steps import register

TEACHER = 9100
GENERIC = "Something went wrong"


@pytest.mark.parametrize(
    "args", ["mon 10:00Z-12:00", "mon 10:00+03:00-12:00", "mon 10:00:30-11:00"]
)
async def test_a_time_with_a_zone_or_seconds_is_refused_clearly(
    harness: Harness, caplog: pytest.LogCaptureFixture, args: str
) -> None:
    await register(harness, TEACHER)
    caplog.set_level(logging.ERROR)
    await harness.send(TEACHER, f"/addslots {args}")
    reply = harness.last(TEACHER).content
    assert "is not a time range" in reply and "HH:MM-HH:MM" in reply, reply
    assert GENERIC not in reply
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_hours_until_midnight_give_the_last_slot_too(harness: Harness) -> None:
    await register(harness, TEACHER)
    await harness.send(TEACHER, "/addslots 2026-12-02 22:00-00:00 60")
    reply = harness.last(TEACHER).content
    assert "2 slots" in reply or "22:00–24:00" in reply, reply


async def test_a_teacher_cannot_cancel_a_lesson_that_already_began(harness: Harness) -> None:
    h = harness
    tutor = await teacher(h, TEACHER)
    [slot] = await slots(h, tutor, h.clock.now() + timedelta(days=1))
    sid = await student(h, tutor, 9200, "Sam")
    lesson = await booking.book(h.app.deps, 9200, sid, slot.id)
    h.clock.advance(timedelta(days=1, minutes=30))
    with pytest.raises(booking.BookingNotActive):
        await booking.cancel_by_teacher(h.app.deps, TEACHER, lesson.booking_id, "too late")


async def test_a_screen_asked_for_from_a_photo_arrives_as_a_new_message(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.steps.teacher_steps import enroll

    h = harness
    await register(h, TEACHER)
    _, card_id = await enroll(h, TEACHER, "Anna")
    await h.press(TEACHER, "🔳 QR code", message_id=card_id)
    photo = h.last(TEACHER)
    assert photo.photo is not None
    caplog.set_level(logging.ERROR)
    await h.press_data(TEACHER, photo.message_id, "sch:0")  # a screen that edits in place
    shown = h.last(TEACHER)
    assert shown.message_id != photo.message_id and "Your schedule" in shown.content
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
