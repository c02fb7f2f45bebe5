"""Read-only queries behind analytics and exports; always scoped to one teacher.

They read plain rows (SQLAlchemy Core), not ORM objects: a period of a busy teacher is
thousands of rows, and mapping each into the session cost more than the query itself.
Aggregates the database can do without the teacher's zone (counts, maxima) are done there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    Text,
    cast,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import (
    Actor,
    AuditEvent,
    Booking,
    BookingStatus,
    ShareLink,
    Slot,
    SlotStatus,
    Student,
)
from bot.domain.zone_offsets import OffsetSpan
from storage.models import AuditRow, BookingRow, ShareLinkRow, SlotRow, StudentRow
from storage.repositories.audit_export import AuditCells, audit_cells

BOOKING = BookingRow.__table__.c
SLOT = SlotRow.__table__.c
STUDENT = StudentRow.__table__.c
LINK = ShareLinkRow.__table__.c
AUDIT = AuditRow.__table__.c


@dataclass(frozen=True)
class Activity:
    """A student of the roster and their latest own booking acts, as the database holds them."""

    student_id: int
    enrolled: datetime
    bound_at: datetime | None
    last_booked: datetime | None
    last_cancelled: datetime | None  # the latest cancellation by the student themselves


def _names(cls: type[Booking | Slot | Student | ShareLink | AuditEvent]) -> list[str]:
    return [f.name for f in fields(cls)]


# The columns of each entity's fields, in field order: a joined row is sliced into entities
# by position, far cheaper per row than ORM objects or attribute lookups by name.
BOOKING_FIELDS = [BOOKING[name] for name in _names(Booking)]
SLOT_FIELDS = [SLOT[name] for name in _names(Slot)]
STUDENT_FIELDS = [STUDENT[name] for name in _names(Student)]
LINK_FIELDS = [LINK[name] for name in _names(ShareLink)]
# The detail comes as its JSON text: a period's details are decoded in one json.loads of
# them all, several times faster than one decode per row (a 90-day export is 10,000 rows).
AUDIT_FIELDS = [
    cast(AUDIT.detail, Text).label("detail") if name == "detail" else AUDIT[name]
    for name in _names(AuditEvent)
]
DETAIL = _names(AuditEvent).index("detail")
NB, NS = len(BOOKING_FIELDS), len(SLOT_FIELDS)


def _booking(booking: Booking) -> Booking:
    """The enums of a booking built from plain column values."""
    booking.status = BookingStatus(booking.status)
    booking.cancelled_by = Actor(booking.cancelled_by) if booking.cancelled_by else None
    return booking


def _slot(slot: Slot) -> Slot:
    slot.status = SlotStatus(slot.status)
    return slot


def _events(found: Sequence[Row[tuple[object, ...]]]) -> list[AuditEvent]:
    """Events from rows whose detail is JSON text, all the details decoded at once."""
    texts = ",".join(str(r[DETAIL]) if r[DETAIL] is not None else "null" for r in found)
    details = json.loads(f"[{texts}]")
    events = []
    for r, detail in zip(found, details, strict=True):
        event = AuditEvent(*r)
        event.detail = detail or {}  # a fresh dict of its own, from json.loads
        events.append(event)
    return events


def _own_students(teacher_id: int) -> Select[tuple[int]]:
    return select(STUDENT.id).where(STUDENT.teacher_id == teacher_id)


class SqlStats:
    """Aggregates and listings for one teacher's analytics and exports."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def bookings_starting(
        self, teacher_id: int, start: datetime, end: datetime, *, student_id: int | None = None
    ) -> list[tuple[Booking, Slot, Student]]:
        """Every booking (any status) whose lesson starts in [start, end), by lesson time."""
        query = (
            select(*BOOKING_FIELDS, *SLOT_FIELDS, *STUDENT_FIELDS)
            .select_from(SlotRow.__table__)
            .join(BookingRow.__table__, BOOKING.slot_id == SLOT.id)
            .join(StudentRow.__table__, STUDENT.id == BOOKING.student_id)
            .where(SLOT.teacher_id == teacher_id, SLOT.starts_at >= start, SLOT.starts_at < end)
            .order_by(SLOT.starts_at, BOOKING.id)
        )
        if student_id is not None:
            query = query.where(BOOKING.student_id == student_id)
        return [
            (_booking(Booking(*r[:NB])), _slot(Slot(*r[NB : NB + NS])), Student(*r[NB + NS :]))
            for r in (await self._s.execute(query)).all()
        ]

    async def lessons_starting(
        self, teacher_id: int, start: datetime, end: datetime
    ) -> list[tuple[Booking, Slot]]:
        """Every booking (any status) whose lesson starts in [start, end), with its slot."""
        query = (
            select(*BOOKING_FIELDS, *SLOT_FIELDS)
            .select_from(SlotRow.__table__)
            .join(BookingRow.__table__, BOOKING.slot_id == SLOT.id)
            .where(SLOT.teacher_id == teacher_id, SLOT.starts_at >= start, SLOT.starts_at < end)
            .order_by(SLOT.starts_at, BOOKING.id)
        )
        return [
            (_booking(Booking(*r[:NB])), _slot(Slot(*r[NB:])))
            for r in (await self._s.execute(query)).all()
        ]

    async def first_bookings(
        self, teacher_id: int, student_ids: Sequence[int] | None = None
    ) -> dict[int, datetime]:
        """When each of the teacher's students (or of those given) first booked, by student id."""
        query = (
            select(BOOKING.student_id, func.min(BOOKING.created_at))
            .where(BOOKING.student_id.in_(_own_students(teacher_id)))
            .group_by(BOOKING.student_id)
        )
        if student_ids is not None:
            query = query.where(BOOKING.student_id.in_(list(student_ids)))
        # min() keeps the column's type, so the result comes back aware and in UTC.
        return {int(sid): at for sid, at in (await self._s.execute(query)).all()}

    async def roster_activity(self, teacher_id: int) -> list[Activity]:
        """Each active student's enrolment, binding, latest booking and latest own cancellation.

        Two correlated max() per student, each one index seek (the latest entry of the
        student's part of the index): the cost follows the roster, not the bookings.
        """
        last_booked = (
            select(func.max(BOOKING.created_at))
            .where(BOOKING.student_id == STUDENT.id)
            .scalar_subquery()
        )
        last_cancelled = (
            select(func.max(BOOKING.cancelled_at))
            .where(BOOKING.student_id == STUDENT.id, BOOKING.cancelled_by == Actor.STUDENT.value)
            .scalar_subquery()
        )
        query = select(
            STUDENT.id, STUDENT.created_at, STUDENT.bound_at, last_booked, last_cancelled
        ).where(STUDENT.teacher_id == teacher_id, STUDENT.archived.is_(False))
        found = (await self._s.execute(query)).all()
        # max() keeps the column's type, so the moments come back aware and in UTC.
        return [Activity(int(i), c, b, lb, lc) for i, c, b, lb, lc in found]

    async def moved_from(self, teacher_id: int) -> dict[int, int]:
        """For every booking made by a reschedule, the booking it replaced: {new id: old id}."""
        query = (
            select(BOOKING.rescheduled_to_id, BOOKING.id)
            .join(SlotRow.__table__, SLOT.id == BOOKING.slot_id)
            .where(SLOT.teacher_id == teacher_id, BOOKING.rescheduled_to_id.is_not(None))
        )
        return {int(new): int(old) for new, old in (await self._s.execute(query)).all()}

    async def links(
        self, teacher_id: int, *, student_id: int | None = None
    ) -> list[tuple[ShareLink, Student]]:
        """Every link of the teacher's students (or of one), newest first."""
        query = (
            select(*LINK_FIELDS, *STUDENT_FIELDS)
            .select_from(ShareLinkRow.__table__)
            .join(StudentRow.__table__, STUDENT.id == LINK.student_id)
            .where(STUDENT.teacher_id == teacher_id)
            .order_by(LINK.id.desc())
        )
        if student_id is not None:
            query = query.where(STUDENT.id == student_id)
        n = len(LINK_FIELDS)
        return [(ShareLink(*r[:n]), Student(*r[n:])) for r in (await self._s.execute(query)).all()]

    def _audit_events(
        self,
        teacher_id: int,
        start: datetime,
        end: datetime,
        student_id: int | None,
        *conditions: ColumnElement[bool],
    ) -> Subquery:
        """The events of the teacher or about their students (or one) in [start, end)."""
        query = select(*AUDIT_FIELDS).where(AUDIT.at >= start, AUDIT.at < end, *conditions)
        if student_id is not None:
            # The caller has checked that this student is the teacher's.
            return query.where(AUDIT.student_id == student_id).subquery()
        # The teacher's own events, then those about their students the first part missed:
        # two index range scans (an OR of the two made PostgreSQL read the whole table).
        own = query.where(AUDIT.teacher_id == teacher_id)
        about = query.where(
            AUDIT.student_id.in_(_own_students(teacher_id)),
            or_(AUDIT.teacher_id.is_(None), AUDIT.teacher_id != teacher_id),
        )
        return union_all(own, about).subquery()

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
        prefix = [AUDIT.event.startswith(event_prefix, autoescape=True)] if event_prefix else []
        found = self._audit_events(teacher_id, start, end, student_id, *prefix)
        query = select(*[found.c[c.name] for c in AUDIT_FIELDS]).order_by(found.c.at, found.c.id)
        return _events((await self._s.execute(query)).all())

    async def audit_cells(
        self, teacher_id: int, start: datetime, end: datetime, spans: Sequence[OffsetSpan]
    ) -> list[AuditCells]:
        """The audit CSV's cells of the teacher's events in [start, end), oldest first."""
        found = self._audit_events(teacher_id, start, end, None)
        return await audit_cells(self._s, teacher_id, found, spans)

    async def outcomes_between(
        self,
        teacher_id: int,
        start: datetime,
        end: datetime,
        event_prefix: str,
        outcome_prefix: str,
    ) -> dict[str, int]:
        """How many of the teacher's events in [start, end) ended in each outcome."""
        found = self._audit_events(
            teacher_id,
            start,
            end,
            None,
            AUDIT.event.startswith(event_prefix, autoescape=True),
            AUDIT.outcome.startswith(outcome_prefix, autoescape=True),
        )
        query = select(found.c.outcome, func.count()).group_by(found.c.outcome)
        return {str(o): int(n) for o, n in (await self._s.execute(query)).all()}

    async def outcomes_by_student(
        self, teacher_id: int, start: datetime, end: datetime, event: str, outcome: str
    ) -> dict[int, int]:
        """How many events about each of the teacher's students in [start, end) had `outcome`."""
        found = self._audit_events(
            teacher_id, start, end, None, AUDIT.event == event, AUDIT.outcome == outcome
        )
        query = (
            select(found.c.student_id, func.count())
            .where(found.c.student_id.is_not(None))
            .group_by(found.c.student_id)
        )
        return {int(s): int(n) for s, n in (await self._s.execute(query)).all()}

    async def student_names(self, teacher_id: int) -> dict[int, str]:
        """The names of all the teacher's students, archived ones too, by id."""
        query = select(STUDENT.id, STUDENT.name).where(STUDENT.teacher_id == teacher_id)
        return {int(i): str(n) for i, n in (await self._s.execute(query)).all()}
