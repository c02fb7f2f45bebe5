"""Teachers and their settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Teacher, TeacherSettings
from storage.models import TeacherRow


def _leads(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x)


def _teacher(row: TeacherRow) -> Teacher:
    settings = TeacherSettings(
        timezone=row.timezone,
        slot_minutes=row.slot_minutes,
        advance_notice_minutes=row.advance_notice_minutes,
        horizon_days=row.horizon_days,
        cancel_window_minutes=row.cancel_window_minutes,
        grace_minutes=row.grace_minutes,
        link_expiry_days=row.link_expiry_days,
        link_max_uses=row.link_max_uses,
        reminder_leads_minutes=_leads(row.reminder_leads),
        notifications_enabled=row.notifications_enabled,
        teacher_reminders=row.teacher_reminders,
        agenda_time=row.agenda_time,
        inactive_after_days=row.inactive_after_days,
    )
    return Teacher(
        id=row.id,
        telegram_id=row.telegram_id,
        display_name=row.display_name,
        settings=settings,
        created_at=row.created_at,
    )


def _settings_values(s: TeacherSettings) -> dict[str, object]:
    return {
        "timezone": s.timezone,
        "slot_minutes": s.slot_minutes,
        "advance_notice_minutes": s.advance_notice_minutes,
        "horizon_days": s.horizon_days,
        "cancel_window_minutes": s.cancel_window_minutes,
        "grace_minutes": s.grace_minutes,
        "link_expiry_days": s.link_expiry_days,
        "link_max_uses": s.link_max_uses,
        "reminder_leads": ",".join(str(m) for m in s.reminder_leads_minutes),
        "notifications_enabled": s.notifications_enabled,
        "teacher_reminders": s.teacher_reminders,
        "agenda_time": s.agenda_time,
        "inactive_after_days": s.inactive_after_days,
    }


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
            **_settings_values(settings),
        )
        self._s.add(row)
        await self._s.flush()
        return _teacher(row)

    async def get(self, teacher_id: int) -> Teacher | None:
        """A teacher by id."""
        row = await self._s.get(TeacherRow, teacher_id)
        return _teacher(row) if row else None

    async def by_telegram(self, telegram_id: int) -> Teacher | None:
        """The teacher registered by this Telegram account, if any."""
        row = await self._s.scalar(select(TeacherRow).where(TeacherRow.telegram_id == telegram_id))
        return _teacher(row) if row else None

    async def save(self, teacher: Teacher) -> None:
        """Store a changed name or settings."""
        row = await self._s.get(TeacherRow, teacher.id)
        if row is None:
            return
        row.display_name = teacher.display_name
        for key, value in _settings_values(teacher.settings).items():
            setattr(row, key, value)
        await self._s.flush()

    async def all(self) -> list[Teacher]:
        """Every teacher (for scheduled upkeep)."""
        rows = await self._s.scalars(select(TeacherRow).order_by(TeacherRow.id))
        return [_teacher(r) for r in rows]

    async def agenda_due(self) -> list[Teacher]:
        """Teachers who want a daily agenda."""
        rows = await self._s.scalars(select(TeacherRow).where(TeacherRow.agenda_time.is_not(None)))
        return [_teacher(r) for r in rows]
