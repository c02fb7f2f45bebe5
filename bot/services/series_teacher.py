"""What a teacher needs to book a weekly series for a student: the free times to start from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.domain.model import Slot
from bot.domain.series import week_choices
from bot.services.context import Deps, records_refusals
from bot.services.ownership import teacher_and_student

MAX_DAYS = 14  # days with free times offered at once: two weeks of a busy tutor fit a screen


@dataclass(frozen=True)
class FreeTimes:
    """A student's name and the teacher's free times, by day in the teacher's zone."""

    student_id: int
    student_name: str
    zone: str
    days: dict[date, tuple[Slot, ...]]
    choices: tuple[int, ...]  # the weeks offered (the teacher's own maximum applies to them too)


@records_refusals
async def free_times(deps: Deps, telegram_id: int, student_id: int) -> FreeTimes:
    """The teacher's open, unfilled slots within the horizon, on the first days that have any."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        slots = await uow.slots.between(
            teacher.id, now, now + timedelta(days=teacher.settings.horizon_days)
        )
    zone = ZoneInfo(teacher.settings.timezone)
    days: dict[date, list[Slot]] = {}
    for slot in slots:
        day = slot.starts_at.astimezone(zone).date()
        if slot.free and (day in days or len(days) < MAX_DAYS):
            days.setdefault(day, []).append(slot)
    return FreeTimes(
        student.id,
        student.name,
        teacher.settings.timezone,
        {day: tuple(found) for day, found in days.items()},
        week_choices(teacher.settings),
    )
