"""Teachers and their settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Teacher, TeacherSettings
from storage.models import TeacherRow
from storage.repositories import rows


class SqlTeachers:
    """Teachers by id or Telegram id."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(
        self, telegram_id: int, display_name: str, settings: TeacherSettings, now: datetime
    ) -> Teacher:
        """Register a teacher."""
        row = TeacherRow(
            telegram_id=telegram_id,
            display_name=display_name,
            created_at=now,
            **rows.settings_columns(settings),
        )
        return rows.teacher(await rows.inserted(self._s, row))

    async def get(self, teacher_id: int) -> Teacher | None:
        """A teacher by id."""
        row = await self._s.get(TeacherRow, teacher_id)
        return rows.teacher(row) if row else None

    async def by_telegram(self, telegram_id: int) -> Teacher | None:
        """The teacher registered by this Telegram account, if any."""
        row = await self._s.scalar(select(TeacherRow).where(TeacherRow.telegram_id == telegram_id))
        return rows.teacher(row) if row else None

    async def save(self, teacher: Teacher) -> None:
        """Store a changed name or settings."""
        row = await self._s.get(TeacherRow, teacher.id)
        if row is None:
            return
        row.display_name = teacher.display_name
        for key, value in rows.settings_columns(teacher.settings).items():
            setattr(row, key, value)
        await self._s.flush()

    async def lock(self, teacher_id: int) -> None:
        """Serialize bookings near each other's times for one teacher (the buffer rule).

        PostgreSQL: a row lock on the teacher until commit; SQLite renders no FOR UPDATE, and
        its writers are serial anyway.
        """
        await self._s.execute(
            select(TeacherRow.id).where(TeacherRow.id == teacher_id).with_for_update()
        )

    async def all(self) -> list[Teacher]:
        """Every teacher (for scheduled upkeep)."""
        found = await self._s.scalars(select(TeacherRow).order_by(TeacherRow.id))
        return [rows.teacher(r) for r in found]

    async def agenda_due(self) -> list[Teacher]:
        """Teachers who want a daily agenda."""
        found = await self._s.scalars(select(TeacherRow).where(TeacherRow.agenda_time.is_not(None)))
        return [rows.teacher(r) for r in found]
