"""Availability windows and time off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Window
from bot.domain.time_off import TimeOff
from storage.models import TimeOffRow, WindowRow
from storage.repositories import rows


class SqlAvailability:
    """A teacher's windows and blocked time."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add_window(self, window: Window, now: datetime) -> Window:
        """Store a window (its id is the database's)."""
        same = rows.columns(window, "id", "start", "end")
        row = WindowRow(**same, start_time=window.start, end_time=window.end, created_at=now)
        return rows.window(await rows.inserted(self._s, row))

    async def windows(self, teacher_id: int) -> list[Window]:
        """A teacher's windows: weekly ones by weekday, then dated ones by date."""
        query = (
            select(WindowRow)
            .where(WindowRow.teacher_id == teacher_id)
            .order_by(
                WindowRow.on_date.is_not(None),
                WindowRow.weekday,
                WindowRow.on_date,
                WindowRow.start_time,
            )
        )
        return [rows.window(r) for r in await self._s.scalars(query)]

    async def get_window(self, window_id: int) -> Window | None:
        """A window by id."""
        row = await self._s.get(WindowRow, window_id)
        return rows.window(row) if row else None

    async def remove_window(self, window_id: int) -> None:
        """Delete a window (its future slots are removed by the caller)."""
        await self._s.execute(delete(WindowRow).where(WindowRow.id == window_id))

    async def add_time_off(
        self,
        teacher_id: int,
        starts_at: datetime,
        ends_at: datetime,
        now: datetime,
        reason: str = "",
    ) -> int:
        """Block a stretch of time; returns its id."""
        row = TimeOffRow(
            teacher_id=teacher_id,
            starts_at=starts_at,
            ends_at=ends_at,
            created_at=now,
            reason=reason,
        )
        return (await rows.inserted(self._s, row)).id

    async def time_off(self, teacher_id: int, after: datetime) -> list[tuple[datetime, datetime]]:
        """Blocked stretches that end after a moment (their bounds only), busy time included."""
        query = select(TimeOffRow.starts_at, TimeOffRow.ends_at).where(
            TimeOffRow.teacher_id == teacher_id, TimeOffRow.ends_at > after
        )
        return [(s, e) for s, e in (await self._s.execute(query)).all()]

    async def coming_time_off(self, teacher_id: int, after: datetime) -> list[TimeOff]:
        """Time off the teacher set that ends after a moment, earliest first.

        Busy time read from their own calendar is left out: it is theirs to change there.
        """
        query = (
            select(TimeOffRow)
            .where(
                TimeOffRow.teacher_id == teacher_id,
                TimeOffRow.ends_at > after,
                TimeOffRow.feed_id.is_(None),
            )
            .order_by(TimeOffRow.starts_at, TimeOffRow.id)
        )
        return [rows.time_off(r) for r in await self._s.scalars(query)]

    async def get_time_off(self, time_off_id: int) -> TimeOff | None:
        """Time off by id."""
        row = await self._s.get(TimeOffRow, time_off_id)
        return rows.time_off(row) if row else None

    async def remove_time_off(self, time_off_id: int) -> int:
        """Delete time off; returns how many rows went (0 if another press removed it first)."""
        result = await self._s.execute(delete(TimeOffRow).where(TimeOffRow.id == time_off_id))
        return rows.changed(result)
