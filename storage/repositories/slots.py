"""Slots, and the one place where a seat is taken atomically."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Slot, SlotStatus
from storage.models import SlotRow


def _slot(row: SlotRow) -> Slot:
    return Slot(
        id=row.id,
        teacher_id=row.teacher_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        capacity=row.capacity,
        booked=row.booked,
        subject=row.subject,
        window_id=row.window_id,
        status=SlotStatus(row.status),
    )


def _slot_from(row: Any) -> Slot:
    return Slot(
        id=row["id"],
        teacher_id=row["teacher_id"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        capacity=row["capacity"],
        booked=row["booked"],
        subject=row["subject"],
        window_id=row["window_id"],
        status=SlotStatus(row["status"]),
    )


class SqlSlots:
    """Materialized slots of every teacher."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add_many(
        self,
        teacher_id: int,
        window_id: int | None,
        times: Iterable[tuple[datetime, datetime]],
        capacity: int,
        subject: str,
    ) -> int:
        """Create open slots, skipping starts the teacher already has open; returns how many."""
        wanted = list(times)
        if not wanted:
            return 0
        existing = set(
            await self._s.scalars(
                select(SlotRow.starts_at).where(
                    SlotRow.teacher_id == teacher_id,
                    SlotRow.status == SlotStatus.OPEN.value,
                    SlotRow.starts_at >= min(s for s, _ in wanted),
                    SlotRow.starts_at <= max(s for s, _ in wanted),
                )
            )
        )
        rows = [
            SlotRow(
                teacher_id=teacher_id,
                window_id=window_id,
                starts_at=start,
                ends_at=end,
                capacity=capacity,
                booked=0,
                subject=subject,
                status=SlotStatus.OPEN.value,
            )
            for start, end in wanted
            if start not in existing
        ]
        self._s.add_all(rows)
        await self._s.flush()
        return len(rows)

    async def get(self, slot_id: int) -> Slot | None:
        """A slot by id (fresh from the database)."""
        row = await self._s.get(SlotRow, slot_id, populate_existing=True)
        return _slot(row) if row else None

    async def between(
        self, teacher_id: int, start: datetime, end: datetime, *, open_only: bool = True
    ) -> list[Slot]:
        """A teacher's slots starting in [start, end), by time."""
        # Every calendar screen reads a teacher's whole horizon: plain rows, not ORM objects,
        # since nothing here is changed through the session.
        table = SlotRow.__table__
        query = select(table).where(
            table.c.teacher_id == teacher_id, table.c.starts_at >= start, table.c.starts_at < end
        )
        if open_only:
            query = query.where(table.c.status == SlotStatus.OPEN.value)
        query = query.order_by(table.c.starts_at)
        rows = (await self._s.execute(query)).mappings()
        return [_slot_from(row) for row in rows]

    async def of_window_from(self, window_id: int, start: datetime) -> list[Slot]:
        """A window's open slots from a moment on."""
        query = (
            select(SlotRow)
            .where(
                SlotRow.window_id == window_id,
                SlotRow.starts_at >= start,
                SlotRow.status == SlotStatus.OPEN.value,
            )
            .order_by(SlotRow.starts_at)
        )
        return [_slot(r) for r in await self._s.scalars(query)]

    async def take_seat(self, slot_id: int, now: datetime) -> bool:
        """Take one seat if the slot is open, not started and not full; False otherwise.

        One conditional UPDATE: on PostgreSQL concurrent takers queue on the row lock and
        re-check the condition; on SQLite the write transaction is already exclusive.
        """
        result = await self._s.execute(
            update(SlotRow)
            .where(
                SlotRow.id == slot_id,
                SlotRow.status == SlotStatus.OPEN.value,
                SlotRow.booked < SlotRow.capacity,
                SlotRow.starts_at > now,
            )
            .values(booked=SlotRow.booked + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release_seat(self, slot_id: int) -> None:
        """Give one seat back."""
        await self._s.execute(
            update(SlotRow)
            .where(SlotRow.id == slot_id, SlotRow.booked > 0)
            .values(booked=SlotRow.booked - 1)
            .execution_options(synchronize_session=False)
        )

    async def remove(self, slot_ids: Iterable[int]) -> None:
        """Take slots out of the calendar (bookings in them are cancelled by the caller)."""
        ids = list(slot_ids)
        if ids:
            await self._s.execute(
                update(SlotRow)
                .where(SlotRow.id.in_(ids))
                .values(status=SlotStatus.REMOVED.value)
                .execution_options(synchronize_session=False)
            )
