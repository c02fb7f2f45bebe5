"""Setting the scene for notification tests: a teacher and a student, a booked lesson."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Student, Teacher
from bot.services import booking
from tests.factories import make_slots, make_student, make_teacher
from tests.steps.harness import Harness

TEACHER, STUDENT = 7001, 7002


async def pair(h: Harness, language: str = "en", **settings: object) -> tuple[Teacher, Student]:
    """A teacher and a bound student (speaking `language`) who have both started the bot."""
    h.user(TEACHER, "Tanya")
    h.user(STUDENT, "Sam", language=language)
    await h.send(TEACHER, "/start")
    await h.send(STUDENT, "/start")
    now = h.clock.now()
    teacher = await make_teacher(h.app.deps.uow, now, TEACHER, **settings)
    student = await make_student(h.app.deps.uow, teacher, STUDENT, now)
    return teacher, student


async def book_in(h: Harness, teacher: Teacher, student: Student, ahead: timedelta) -> int:
    """Book a slot this far ahead as the student, through the service; the booking id."""
    [slot] = await make_slots(h.app.deps.uow, teacher, h.clock.now() + ahead)
    lesson = await booking.book(h.app.deps, STUDENT, student.id, slot.id)
    return lesson.booking_id


def texts(h: Harness, user_id: int, needle: str) -> list[str]:
    """The bot's messages in this chat that contain the needle."""
    return [m.content for m in h.server.bot_messages(user_id) if needle in m.content]
