"""Builders for test data, through the repositories (no SQL in tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.model import Slot, Student, Teacher, TeacherSettings
from bot.security import TokenVault
from storage.uow import SqlUnitOfWork

VAULT = TokenVault(b"factory-secret")


async def make_teacher(
    uow: Callable[[], SqlUnitOfWork], now: datetime, telegram_id: int = 9000, **settings: object
) -> Teacher:
    """A registered teacher with default settings, overridden as given."""
    async with uow() as u:
        teacher = await u.teachers.add(
            telegram_id, f"Teacher {telegram_id}", replace(TeacherSettings(), **settings), now
        )
        await u.commit()
    return teacher


async def make_student(
    uow: Callable[[], SqlUnitOfWork], teacher: Teacher, telegram_id: int, now: datetime
) -> Student:
    """A student bound to a Telegram account, with a live link."""
    async with uow() as u:
        used = await u.students.colours_in_use(teacher.id)
        student = await u.students.add(teacher.id, f"Student {telegram_id}", len(used), now)
        await u.students.update(student.id, telegram_id=telegram_id, bound_at=now)
        token = VAULT.new_token()
        await u.links.add(student.id, VAULT.digest(token), VAULT.seal(token), now, None, None)
        await u.commit()
    student.telegram_id = telegram_id
    return student


async def make_slots(
    uow: Callable[[], SqlUnitOfWork],
    teacher: Teacher,
    first: datetime,
    count: int = 1,
    minutes: int = 60,
    capacity: int = 1,
    subject: str = "Math",
) -> list[Slot]:
    """Consecutive slots starting at `first`."""
    times = [
        (first + timedelta(minutes=minutes * i), first + timedelta(minutes=minutes * (i + 1)))
        for i in range(count)
    ]
    async with uow() as u:
        await u.slots.add_many(teacher.id, None, times, capacity, subject)
        slots = await u.slots.between(teacher.id, first, times[-1][1])
        await u.commit()
    return slots
