"""`--demo --sample`: a teacher with hours, three students with links, lessons past and coming.

Everything is made through the services a teacher's and a student's presses call, with the
clock set back to when each thing happened: the stats, the schedule and the home cards then
read it as they read any history. Only the choice of which free slot to book reads the slots.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from bot.domain.clock import ManualClock
from bot.domain.model import Slot
from bot.domain.teacher_settings import Setting
from bot.services import availability, booking, link_opening, students, teachers
from bot.services.context import Deps
from sandbox.web_chat import WebChat

TEACHER = ("Ms Smith", "en", "Europe/Berlin")
STUDENTS = (
    ("Anna", "en", "Europe/Berlin"),
    ("Boris", "ru", "Europe/Moscow"),
    ("Chloé", "en", "America/New_York"),
)
HOURS = ("mon 10:00-13:00 60 Math", "wed 15:00-18:00 60 English", "fri 09:00-12:00 60 Math")
HISTORY = timedelta(days=21)


async def _free_slots(deps: Deps, teacher_tg: int, start: datetime, end: datetime) -> list[Slot]:
    """The teacher's free slots starting between two moments, in time order."""
    async with deps.reading() as uow:
        teacher = await uow.teachers.by_telegram(teacher_tg)
        assert teacher is not None
        slots = await uow.slots.between(teacher.id, start, end)
    return sorted((s for s in slots if s.free), key=lambda s: s.starts_at)


async def add_sample(deps: Deps, chat: WebChat) -> None:
    """Fill an empty demo: people on the page, their history in the bot's database."""
    now = deps.clock.now()
    then = ManualClock(now - HISTORY)
    past = dataclasses.replace(deps, clock=then)
    teacher_tg = chat.add_person(*TEACHER)
    await teachers.register(past, teacher_tg, TEACHER[0], TEACHER[2])
    # Quiet while the history is written: its "new booking" notices are long out of date.
    await teachers.change_setting(past, teacher_tg, Setting.NOTIFICATIONS)
    for hours in HOURS:
        await availability.add_window(past, teacher_tg, hours)
    enrolled: list[tuple[int, int]] = []
    for name, language, zone in STUDENTS:
        person = chat.add_person(name, language, zone)
        card = await students.enroll(past, teacher_tg, name)
        assert card.token is not None
        await link_opening.open_link(past, person, name, card.token)
        enrolled.append((person, card.student.id))
    history = await _free_slots(past, teacher_tg, then.now(), now)
    for index, slot in enumerate(history[::2]):
        person, student_id = enrolled[index % len(enrolled)]
        then.set(max(now - HISTORY, slot.starts_at - timedelta(days=3)))
        lesson = await booking.book(past, person, student_id, slot.id)
        if index % 5 == 4:  # now and then a student cancels, well ahead
            await booking.cancel_by_student(past, person, lesson.booking_id)
    await teachers.change_setting(deps, teacher_tg, Setting.NOTIFICATIONS)
    await availability.extend_horizon(deps)
    coming = await _free_slots(deps, teacher_tg, now + timedelta(days=1), now + timedelta(days=8))
    for (person, student_id), slot in zip(enrolled, coming[1::3], strict=False):
        await booking.book(deps, person, student_id, slot.id)
    # Everyone opens their chat: the bot answers with each one's home card once it polls.
    for person in (teacher_tg, *(person for person, _ in enrolled)):
        chat.server.send_text(person, "/start")
