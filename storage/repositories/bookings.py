"""Bookings, joined with their slots where a caller needs times."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Actor, Booking, BookingStatus, Slot, Student
from storage.models import BookingRow, SlotRow, StudentRow
from storage.repositories import rows

CONFIRMED = BookingStatus.CONFIRMED.value


_bookings = cast(Table, BookingRow.__table__)
_ADD = insert(_bookings).values(status=CONFIRMED).returning(_bookings.c.id)
# Every Confirm asks this; built once, its cache key is built once too.
_OVERLAPPING = (
    select(BookingRow, SlotRow)
    .join(SlotRow, SlotRow.id == BookingRow.slot_id)
    .where(
        BookingRow.student_id == bindparam("student_id"),
        BookingRow.status == CONFIRMED,
        SlotRow.starts_at < bindparam("end", type_=SlotRow.starts_at.type),
        SlotRow.ends_at > bindparam("start", type_=SlotRow.ends_at.type),
    )
)


class SqlBookings:
    """Bookings of students in slots."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, slot_id: int, student_id: int, now: datetime) -> Booking:
        """Store a confirmed booking (the seat must already be taken)."""
        # One INSERT ... RETURNING, built once: nothing here needs an ORM object.
        values = {"slot_id": slot_id, "student_id": student_id, "created_at": now}
        booking_id = await self._s.scalar(_ADD, values)
        assert booking_id is not None
        return Booking(booking_id, slot_id, student_id, BookingStatus.CONFIRMED, now)

    async def get(self, booking_id: int) -> tuple[Booking, Slot] | None:
        """A booking with its slot."""
        query = select(BookingRow, SlotRow).join(SlotRow, SlotRow.id == BookingRow.slot_id)
        result = (await self._s.execute(query.where(BookingRow.id == booking_id))).first()
        if result is None:
            return None
        return rows.booking(result[0]), rows.slot(result[1])

    async def of_student(
        self, student_id: int, *, after: datetime | None = None, confirmed_only: bool = True
    ) -> list[tuple[Booking, Slot]]:
        """A student's bookings by lesson time; from `after` on if given."""
        query = select(BookingRow, SlotRow).join(SlotRow, SlotRow.id == BookingRow.slot_id)
        query = query.where(BookingRow.student_id == student_id)
        if confirmed_only:
            query = query.where(BookingRow.status == CONFIRMED)
        if after is not None:
            query = query.where(SlotRow.ends_at > after)
        query = query.order_by(SlotRow.starts_at)
        return [(rows.booking(b), rows.slot(s)) for b, s in (await self._s.execute(query)).all()]

    async def of_slot(self, slot_id: int) -> list[Booking]:
        """Confirmed bookings in one slot."""
        query = select(BookingRow).where(
            BookingRow.slot_id == slot_id, BookingRow.status == CONFIRMED
        )
        return [rows.booking(r) for r in await self._s.scalars(query)]

    async def of_teacher_between(
        self, teacher_id: int, start: datetime, end: datetime
    ) -> list[tuple[Booking, Slot, Student]]:
        """A teacher's confirmed lessons starting in [start, end), with slot and student."""
        query = (
            select(BookingRow, SlotRow, StudentRow)
            .join(SlotRow, SlotRow.id == BookingRow.slot_id)
            .join(StudentRow, StudentRow.id == BookingRow.student_id)
            .where(
                SlotRow.teacher_id == teacher_id,
                SlotRow.starts_at >= start,
                SlotRow.starts_at < end,
                BookingRow.status == CONFIRMED,
            )
            .order_by(SlotRow.starts_at, StudentRow.name)
        )
        found = (await self._s.execute(query)).all()
        return [(rows.booking(b), rows.slot(s), rows.student(st)) for b, s, st in found]

    async def overlapping(
        self, student_id: int, start: datetime, end: datetime
    ) -> list[tuple[Booking, Slot]]:
        """The student's confirmed lessons that overlap [start, end)."""
        values = {"student_id": student_id, "start": start, "end": end}
        found = (await self._s.execute(_OVERLAPPING, values)).all()
        return [(rows.booking(b), rows.slot(s)) for b, s in found]

    async def cancel(
        self,
        booking_id: int,
        now: datetime,
        by: Actor,
        reason: str = "",
        *,
        late: bool = False,
        rescheduled_to: int | None = None,
    ) -> bool:
        """Cancel a confirmed booking; False if it was not confirmed any more."""
        result = await self._s.execute(
            update(BookingRow)
            .where(BookingRow.id == booking_id, BookingRow.status == CONFIRMED)
            .values(
                status=BookingStatus.CANCELLED.value,
                cancelled_at=now,
                cancelled_by=by.value,
                cancel_reason=reason,
                late_cancel=late,
                rescheduled_to_id=rescheduled_to,
                sequence=BookingRow.sequence + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(rows.changed(result))

    async def set_attended(self, booking_id: int, attended: bool | None) -> None:
        """Mark a past lesson attended or no-show."""
        await self._s.execute(
            update(BookingRow).where(BookingRow.id == booking_id).values(attended=attended)
        )

    async def set_notes(
        self, booking_id: int, *, teacher_note: str | None = None, student_note: str | None = None
    ) -> bool:
        """Store a lesson's notes (None leaves one as it is); False if there is no booking."""
        values = {
            name: note
            for name, note in (("teacher_note", teacher_note), ("student_note", student_note))
            if note is not None
        }
        if not values:
            return True
        result = await self._s.execute(
            update(BookingRow)
            .where(BookingRow.id == booking_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(rows.changed(result))

    async def notes_of(self, booking_id: int) -> tuple[str, str]:
        """A booking's (teacher's note, student's note); both "" when there is no booking."""
        query = select(BookingRow.teacher_note, BookingRow.student_note)
        found = (await self._s.execute(query.where(BookingRow.id == booking_id))).first()
        return (found[0], found[1]) if found is not None else ("", "")
