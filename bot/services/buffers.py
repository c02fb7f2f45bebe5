"""The teacher's booked lessons around a time, as the buffer rule (domain.buffers) needs."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.buffers import neighbourhood, too_close
from bot.domain.model import Slot, Teacher

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


async def booked_around(
    uow: SqlUnitOfWork, teacher: Teacher, start: datetime, end: datetime, moving: int | None = None
) -> list[Slot]:
    """The teacher's booked lessons that can make a slot in [start, end) too close.

    `moving` is the slot of a lesson being moved: alone in its slot, it is about to be given
    back, so it keeps nothing free around it.
    """
    around = neighbourhood(start, end, teacher.settings.buffer_minutes)
    booked = await uow.slots.booked_between(teacher.id, *around)
    return [s for s in booked if not (s.id == moving and s.booked <= 1)]


async def too_close_to_lessons(
    uow: SqlUnitOfWork, teacher: Teacher, slot: Slot, moving: int | None = None
) -> bool:
    """Whether the slot leaves less than the teacher's buffer next to a booked lesson."""
    booked = await booked_around(uow, teacher, slot.starts_at, slot.ends_at, moving)
    return too_close(slot, booked, teacher.settings.buffer_minutes)
