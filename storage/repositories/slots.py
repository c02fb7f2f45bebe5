"""Slots, and the one place where a seat is taken atomically."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.booking import BookableStarts
from bot.domain.buffers import KeptClear
from bot.domain.model import Slot, SlotStatus
from bot.domain.windows import MAX_SLOT_MINUTES
from storage.models import SlotRow, TeacherRow
from storage.repositories import rows
from storage.repositories import slot_queries as queries

SLOTS = SlotRow.__table__

# Built once: a booking runs these on every Confirm (SQLAlchemy still caches their SQL).
_slots = cast(Table, SlotRow.__table__)
_SLOT = select(_slots).where(_slots.c.id == bindparam("slot_id"))
# Every booking checks its neighbours (buffers, overlaps): built once, with its cache key.
_BOOKED_BETWEEN = (
    select(_slots)
    .where(
        _slots.c.teacher_id == bindparam("teacher_id"),
        _slots.c.booked > 0,
        _slots.c.status.in_((SlotStatus.OPEN.value, SlotStatus.EXTRA.value)),
        _slots.c.starts_at > bindparam("earliest", type_=_slots.c.starts_at.type),
        _slots.c.starts_at < bindparam("end", type_=_slots.c.starts_at.type),
        _slots.c.ends_at > bindparam("start", type_=_slots.c.ends_at.type),
    )
    .order_by(_slots.c.starts_at)
)
_TAKE_SEAT = (
    update(_slots)
    .where(
        _slots.c.id == bindparam("slot_id"),
        _slots.c.status == SlotStatus.OPEN.value,
        # Seats held for waitlist offers are nobody else's (0013_waitlist).
        _slots.c.booked + _slots.c.held < _slots.c.capacity,
        _slots.c.starts_at > bindparam("now", type_=_slots.c.starts_at.type),
    )
    .values(booked=_slots.c.booked + 1)
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
        new = [
            {
                "teacher_id": teacher_id,
                "window_id": window_id,
                "starts_at": start,
                "ends_at": end,
                "capacity": capacity,
                "booked": 0,
                "subject": subject,
                "status": SlotStatus.OPEN.value,
            }
            for start, end in wanted
            if start not in existing
        ]
        if new:
            # One multi-row statement: nothing here needs ORM objects back.
            await self._s.execute(insert(SlotRow), new)
        return len(new)

    async def count_open(self, teacher_id: int, now: datetime, *, lock: bool = False) -> int:
        """How many open slots the teacher has from now on.

        With lock, the teacher's slot creation is held until commit (PostgreSQL: a row lock
        on the teacher; SQLite's write transaction is exclusive anyway), so two creators of
        one teacher's slots cannot both fit under the ceiling by counting at once.
        """
        if lock:
            # NO KEY UPDATE: inserts that merely reference the teacher do not wait on it.
            await self._s.execute(
                select(TeacherRow.id)
                .where(TeacherRow.id == teacher_id)
                .with_for_update(key_share=True)
            )
        query = select(func.count()).where(
            SlotRow.teacher_id == teacher_id,
            SlotRow.status == SlotStatus.OPEN.value,
            SlotRow.starts_at >= now,
        )
        return int(await self._s.scalar(query) or 0)

    async def get(self, slot_id: int) -> Slot | None:
        """A slot by id (fresh from the database)."""
        row = (await self._s.execute(_SLOT, {"slot_id": slot_id})).first()
        return rows.slot(row) if row else None

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
        return [rows.slot(row) for row in (await self._s.execute(query)).all()]

    async def booked_between(self, teacher_id: int, start: datetime, end: datetime) -> list[Slot]:
        """The teacher's slots with a booking that overlap [start, end): open or extra lessons.

        No lesson is longer than MAX_SLOT_MINUTES, so the index range starts that much before
        `start`: the cost is the span's, never the teacher's whole history.
        """
        earliest = start - timedelta(minutes=MAX_SLOT_MINUTES)
        values = {"teacher_id": teacher_id, "earliest": earliest, "start": start, "end": end}
        return [rows.slot(row) for row in (await self._s.execute(_BOOKED_BETWEEN, values)).all()]

    async def add_extra(
        self, teacher_id: int, starts_at: datetime, ends_at: datetime, subject: str
    ) -> Slot:
        """A one-seat extra lesson, its seat already taken (the caller adds the booking)."""
        row = SlotRow(
            teacher_id=teacher_id,
            window_id=None,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=1,
            booked=1,
            subject=subject,
            status=SlotStatus.EXTRA.value,
        )
        return rows.slot(await rows.inserted(self._s, row))

    async def subjects_between(self, teacher_id: int, start: datetime, end: datetime) -> list[str]:
        """The subjects (but "") of a teacher's open slots starting in [start, end), sorted."""
        found = await self._s.scalars(
            queries.subjects(), {"teacher_id": teacher_id, "start": start, "end": end}
        )
        return sorted(found)

    async def seen_by(
        self, teacher_id: int, student_id: int, start: datetime, end: datetime
    ) -> list[tuple[Slot, bool]]:
        """A teacher's open slots starting in [start, end), by time, each with whether this
        student holds a confirmed booking in it."""
        values = {"teacher_id": teacher_id, "student_id": student_id, "start": start, "end": end}
        found = (await self._s.execute(queries.seen_by(), values)).all()
        return [(rows.slot(row), bool(row.mine)) for row in found]

    async def day_counts(
        self,
        teacher_id: int,
        student_id: int,
        spans: Sequence[tuple[datetime, datetime]],
        starts: BookableStarts,
        subject: str = "",
        clear: Sequence[KeptClear] = (),
    ) -> list[tuple[int, int, int]]:
        """Per span (ascending, not overlapping): how many open slots starting in it the
        student could book (a seat free, within `starts`, overlapping none of the `clear`
        spans booked lessons keep), how many they hold, and how many are full (a waitlist).

        One grouped statement over the range the spans cover, whatever the horizon.
        """
        if not spans:
            return []
        values: dict[str, object] = {
            "teacher_id": teacher_id,
            "student_id": student_id,
            "start": spans[0][0],
            "end": spans[-1][1],
            "now": starts.now,
            "earliest": starts.earliest,
            "latest": starts.latest,
            "subject": subject,
        }
        for index, (start, end) in enumerate(spans):
            values[f"s{index}"], values[f"e{index}"] = start, end
        # Padding spans are empty, at the range's start: they keep no slot clear.
        padding = KeptClear(0, spans[0][0], spans[0][0])
        width = queries.clear_slots(len(clear))
        for index, kept in enumerate([*clear, *[padding] * (width - len(clear))]):
            values[f"k{index}"], values[f"ks{index}"], values[f"ke{index}"] = kept
        query = queries.day_counts(len(spans), bool(subject), width)
        counts = [(0, 0, 0)] * len(spans)
        for index, free, held, full in (await self._s.execute(query, values)).all():
            if index is not None:
                counts[index] = (int(free or 0), int(held or 0), int(full or 0))
        return counts

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
        return [rows.slot(r) for r in await self._s.scalars(query)]

    async def take_seat(self, slot_id: int, now: datetime) -> bool:
        """Take one seat if the slot is open, not started and not full; False otherwise.

        One conditional UPDATE: on PostgreSQL concurrent takers queue on the row lock and
        re-check the condition; on SQLite the write transaction is already exclusive.
        """
        result = await self._s.execute(_TAKE_SEAT, {"slot_id": slot_id, "now": now})
        return bool(rows.changed(result))

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
