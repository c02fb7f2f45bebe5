"""Slots, and the one place where a seat is taken atomically."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnClause, Null
from sqlalchemy.sql.selectable import Exists, ScalarSelect

from bot.domain.booking import BookableStarts
from bot.domain.model import Slot, SlotStatus
from storage.models import BookingRow, SlotRow, TeacherRow
from storage.repositories import rows

SLOTS = SlotRow.__table__
BOOKINGS = BookingRow.__table__
# Literals, not parameters: only then may SQLite and PostgreSQL use the partial indexes
# (open slots by teacher and start; confirmed bookings by slot and student).
OPEN: ColumnClause[str] = literal_column("'open'", String)
CONFIRMED: ColumnClause[str] = literal_column("'confirmed'", String)


def _open_between(teacher_id: int, start: datetime, end: datetime) -> ColumnElement[bool]:
    """A teacher's open slots starting in [start, end): a range of one index."""
    c = SLOTS.c
    return and_(
        c.teacher_id == teacher_id, c.status == OPEN, c.starts_at >= start, c.starts_at < end
    )


def _held_by(student_id: int) -> Exists:
    """Whether the student holds a confirmed booking in the slot: one probe of the unique
    index per slot shown (a join would read all of the student's bookings)."""
    b = BOOKINGS.c
    return (
        select(b.id)
        .where(b.slot_id == SLOTS.c.id, b.student_id == student_id, b.status == CONFIRMED)
        .exists()
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
        # A plain row: fresh by construction, and no ORM object to build for a read.
        row = (await self._s.execute(select(SLOTS).where(SLOTS.c.id == slot_id))).first()
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

    async def subjects_between(self, teacher_id: int, start: datetime, end: datetime) -> list[str]:
        """The subjects (but "") of a teacher's open slots starting in [start, end), sorted.

        A loose index scan: each of the teacher's subjects by one seek past the one before,
        kept if one seek finds a slot of it in the range; no cost per slot in the horizon.
        """
        c, other = SLOTS.c, SLOTS.alias("other")

        def after(previous: ColumnElement[str]) -> ScalarSelect[str]:
            return (
                select(other.c.subject)
                .where(
                    other.c.teacher_id == teacher_id,
                    other.c.status == OPEN,
                    other.c.subject > previous,
                )
                .order_by(other.c.subject)
                .limit(1)
                .scalar_subquery()
            )

        seen = select(after(literal("")).label("subject")).cte("seen", recursive=True)
        seen = seen.union_all(
            select(after(seen.c.subject).label("subject")).where(seen.c.subject.is_not(None))
        )
        held = (
            select(c.id)
            .where(_open_between(teacher_id, start, end), c.subject == seen.c.subject)
            .exists()
        )
        query = select(seen.c.subject).where(seen.c.subject.is_not(None), held)
        return sorted(await self._s.scalars(query))

    async def seen_by(
        self, teacher_id: int, student_id: int, start: datetime, end: datetime
    ) -> list[tuple[Slot, bool]]:
        """A teacher's open slots starting in [start, end), by time, each with whether this
        student holds a confirmed booking in it."""
        query = (
            select(SLOTS, _held_by(student_id).label("mine"))
            .where(_open_between(teacher_id, start, end))
            .order_by(SLOTS.c.starts_at)
        )
        return [(rows.slot(row), bool(row.mine)) for row in (await self._s.execute(query)).all()]

    async def day_counts(
        self,
        teacher_id: int,
        student_id: int,
        spans: Sequence[tuple[datetime, datetime]],
        starts: BookableStarts,
        subject: str = "",
    ) -> list[tuple[int, int]]:
        """Per span (ascending, not overlapping): how many open slots starting in it the
        student could book (a seat free, within `starts`), and how many they hold.

        One grouped statement over the range the spans cover, whatever the horizon.
        """
        if not spans:
            return []
        c = SLOTS.c
        whens: list[tuple[ColumnElement[bool], ColumnElement[int] | Null]] = []
        for index, (start, end) in enumerate(spans):
            whens += [(c.starts_at < start, null()), (c.starts_at < end, literal(index))]
        bookable = and_(
            c.starts_at > starts.now,
            c.starts_at >= starts.earliest,
            c.starts_at <= starts.latest,
            c.booked < c.capacity,
        )
        # Each slot once (its span, bookable, held), then counted per span.
        each = select(
            case(*whens, else_=null()).label("span"),
            bookable.label("bookable"),
            _held_by(student_id).label("mine"),
        ).where(_open_between(teacher_id, spans[0][0], spans[-1][1]))
        if subject:
            each = each.where(c.subject == subject)
        slot = each.subquery("slot")
        free = and_(slot.c.bookable, ~slot.c.mine)
        query = select(
            slot.c.span,
            func.sum(case((free, 1), else_=0)),
            func.sum(case((slot.c.mine, 1), else_=0)),
        ).group_by(slot.c.span)
        counts = [(0, 0)] * len(spans)
        for index, free, held in (await self._s.execute(query)).all():
            if index is not None:
                counts[index] = (int(free or 0), int(held or 0))
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
