"""/block with hours it cannot read is refused; nothing is blocked and no lesson cancelled."""

from __future__ import annotations

import logging

import pytest

from bot.domain.model import BookingStatus
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps
from tests.steps.teacher_steps import book_first_free, enroll, register, told

TEACHER = 3001
STUDENT = 3101
REFUSAL = "is not a time range within one day"


async def _teacher_with_a_15_oclock_lesson(h: Harness) -> int:
    await register(h, TEACHER, zone="Europe/Berlin")
    await h.send(TEACHER, "/addslots tue 15:00-16:00 60 Math")
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(STUDENT, "Anna")
    await h.send(STUDENT, f"/start {token}")
    return await book_first_free(h, STUDENT, TEACHER)


async def _time_off(h: Harness) -> list[object]:
    async with h.app.deps.uow() as uow:
        teacher = await uow.teachers.by_telegram(TEACHER)
        assert teacher is not None
        return list(await uow.availability.time_off(teacher.id, h.clock.now()))


@pytest.mark.parametrize(
    "hours", ["18:00-08:00", "10:00-10:00", "25:00-26:00", "10:00-", "10-12", "➅:00-08:00"]
)
async def test_hours_that_cannot_be_read_are_refused_and_nothing_is_blocked(
    harness: Harness, caplog: pytest.LogCaptureFixture, hours: str
) -> None:
    h = harness
    booking_id = await _teacher_with_a_15_oclock_lesson(h)
    caplog.set_level(logging.ERROR)
    await h.send(TEACHER, f"/block 2026-11-24 {hours} dentist")
    await told(h, TEACHER, REFUSAL)
    reply = h.last(TEACHER).content
    assert "HH:MM-HH:MM" in reply and "booked lesson" not in reply, reply
    async with h.app.deps.uow() as uow:
        found = await uow.bookings.get(booking_id)
    assert found is not None and found[0].status == BookingStatus.CONFIRMED
    assert await _time_off(h) == []
    await h.flush()
    assert not any("Reason" in m.content for m in h.chat(STUDENT))
    await steps.settle(h)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_valid_hours_block_only_those_hours_with_the_rest_as_the_reason(
    harness: Harness,
) -> None:
    h = harness
    await _teacher_with_a_15_oclock_lesson(h)
    await h.send(TEACHER, "/block 2026-11-24 18:00-20:00 choir practice")
    reply = h.last(TEACHER).content
    assert "Blocked" in reply and "18:00" in reply and "20:00" in reply, reply
    await h.send(TEACHER, "/schedule")
    assert "Anna" in h.last(TEACHER).content  # the 15:00 lesson is untouched
    assert len(await _time_off(h)) == 1


@pytest.mark.parametrize(
    "args",
    [
        "9999-12-31",
        "0001-01-01",
        "9999-12-31 10:00-12:00",
        "0001-01-01 00:00-01:00",
        "9999-12-30..9999-12-31 holidays",
    ],
)
async def test_a_date_near_the_ends_of_the_calendar_is_refused_clearly(
    harness: Harness, caplog: pytest.LogCaptureFixture, args: str
) -> None:
    h = harness
    await register(h, TEACHER, zone="Europe/Berlin")
    caplog.set_level(logging.ERROR)
    await h.send(TEACHER, f"/block {args}")
    await told(h, TEACHER, "is not a usable date")
    await steps.settle(h)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert await _time_off(h) == []


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
async def test_a_one_day_window_near_the_ends_of_the_calendar_is_refused(
    harness: Harness, caplog: pytest.LogCaptureFixture, day: str
) -> None:
    h = harness
    await register(h, TEACHER, zone="Pacific/Kiritimati")
    caplog.set_level(logging.ERROR)
    await h.send(TEACHER, f"/addslots {day} 10:00-12:00")
    await told(h, TEACHER, "is not a usable date")
    await steps.settle(h)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
