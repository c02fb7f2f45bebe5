"""Read-only queries behind analytics and exports; always scoped to one teacher."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import AuditEvent, Booking, ShareLink, Slot, Student
from storage.models import AuditRow, BookingRow, ShareLinkRow, SlotRow, StudentRow
from storage.repositories import rows


class SqlStats:
    """Aggregates and listings for one teacher's analytics and exports."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def bookings_starting(
        self, teacher_id: int, start: datetime, end: datetime, *, student_id: int | None = None
    ) -> list[tuple[Booking, Slot, Student]]:
        """Every booking (any status) whose lesson starts in [start, end), by lesson time."""
        query = (
            select(BookingRow, SlotRow, StudentRow)
            .join(SlotRow, SlotRow.id == BookingRow.slot_id)
            .join(StudentRow, StudentRow.id == BookingRow.student_id)
            .where(SlotRow.teacher_id == teacher_id, SlotRow.starts_at >= start)
            .where(SlotRow.starts_at < end)
            .order_by(SlotRow.starts_at, BookingRow.id)
        )
        if student_id is not None:
            query = query.where(BookingRow.student_id == student_id)
        found = (await self._s.execute(query)).all()
        return [(rows.booking(b), rows.slot(s), rows.student(st)) for b, s, st in found]

    async def first_bookings(self, teacher_id: int) -> dict[int, datetime]:
        """When each of the teacher's students first booked, by student id."""
        query = (
            select(BookingRow.student_id, func.min(BookingRow.created_at))
            .join(SlotRow, SlotRow.id == BookingRow.slot_id)
            .where(SlotRow.teacher_id == teacher_id)
            .group_by(BookingRow.student_id)
        )
        # min() keeps the column's type, so the result comes back aware and in UTC.
        return {int(sid): at for sid, at in (await self._s.execute(query)).all()}

    async def moved_from(self, teacher_id: int) -> dict[int, int]:
        """For every booking made by a reschedule, the booking it replaced: {new id: old id}."""
        query = (
            select(BookingRow.rescheduled_to_id, BookingRow.id)
            .join(SlotRow, SlotRow.id == BookingRow.slot_id)
            .where(SlotRow.teacher_id == teacher_id, BookingRow.rescheduled_to_id.is_not(None))
        )
        return {int(new): int(old) for new, old in (await self._s.execute(query)).all()}

    async def links(
        self, teacher_id: int, *, student_id: int | None = None
    ) -> list[tuple[ShareLink, Student]]:
        """Every link of the teacher's students (or of one), newest first."""
        query = (
            select(ShareLinkRow, StudentRow)
            .join(StudentRow, StudentRow.id == ShareLinkRow.student_id)
            .where(StudentRow.teacher_id == teacher_id)
            .order_by(ShareLinkRow.id.desc())
        )
        if student_id is not None:
            query = query.where(StudentRow.id == student_id)
        return [(rows.link(k), rows.student(s)) for k, s in (await self._s.execute(query)).all()]

    async def audit_between(
        self,
        teacher_id: int,
        start: datetime,
        end: datetime,
        *,
        student_id: int | None = None,
        event_prefix: str = "",
    ) -> list[AuditEvent]:
        """Audit events of the teacher or about their students in [start, end), oldest first."""
        own_students = select(StudentRow.id).where(StudentRow.teacher_id == teacher_id)
        query = select(AuditRow).where(AuditRow.at >= start, AuditRow.at < end)
        if student_id is not None:
            # The caller has checked that this student is the teacher's.
            query = query.where(AuditRow.student_id == student_id)
        else:
            query = query.where(
                or_(AuditRow.teacher_id == teacher_id, AuditRow.student_id.in_(own_students))
            )
        if event_prefix:
            query = query.where(AuditRow.event.startswith(event_prefix))
        query = query.order_by(AuditRow.at, AuditRow.id)
        return [rows.event(r) for r in await self._s.scalars(query)]
