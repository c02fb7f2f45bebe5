"""Students of a teacher."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import LABEL_STYLE_TABLENAME_PLUS_COL, Select, bindparam, func, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import BookingStatus, ShareLink, Student, Teacher
from storage.models import BookingRow, ShareLinkRow, SlotRow, StudentRow, TeacherRow
from storage.repositories import rows
from storage.repositories.links import newest_link_id


class _Columns:
    """One table's columns of a joined row (labelled table_column), read by column name."""

    __slots__ = ("_prefix", "_row")

    def __init__(self, row: Row[tuple[object, ...]], prefix: str) -> None:
        self._row, self._prefix = row, prefix

    def __getattr__(self, name: str) -> object:
        return self._row._mapping[self._prefix + name]


def _acting() -> Select[tuple[object, ...]]:
    students, teachers, links = StudentRow.__table__, TeacherRow.__table__, ShareLinkRow.__table__
    joined = students.join(teachers, teachers.c.id == students.c.teacher_id).outerjoin(
        links, links.c.id == newest_link_id()
    )
    return (
        select(students, teachers, links)
        .select_from(joined)
        .where(students.c.id == bindparam("student_id"))
        .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)
    )


_ACTING = _acting()
_ACTING_LOCKED = _ACTING.with_for_update(of=StudentRow.__table__)


class SqlStudents:
    """Students, always scoped by teacher where a teacher asks."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._s = session
        self._dialect = dialect

    async def add(self, teacher_id: int, name: str, colour: int, now: datetime) -> Student:
        """Enroll a student."""
        row = StudentRow(teacher_id=teacher_id, name=name, colour=colour, created_at=now)
        return rows.student(await rows.inserted(self._s, row))

    async def get(self, student_id: int) -> Student | None:
        """A student by id."""
        row = await self._s.get(StudentRow, student_id)
        return rows.student(row) if row else None

    async def acting(
        self, student_id: int, *, lock: bool = False
    ) -> tuple[Student, Teacher, ShareLink | None] | None:
        """A student with their teacher and newest link (revoked or not), in one query.

        With lock, the student's row is locked until commit (PostgreSQL; SQLite writers are
        serial): one student's bookings are serialized, so a double tap cannot pass twice.
        """
        query = _ACTING_LOCKED if lock and self._dialect == "postgresql" else _ACTING
        found = (await self._s.execute(query, {"student_id": student_id})).first()
        if found is None:
            return None
        # Plain rows of one prebuilt statement: every student press starts here.
        student = rows.entity(Student, _Columns(found, "students_"))
        teacher = rows.teacher(cast(TeacherRow, _Columns(found, "teachers_")))
        link = _Columns(found, "share_links_")
        has_link = link.id is not None
        return student, teacher, rows.entity(ShareLink, link) if has_link else None

    async def of_teacher(
        self, teacher_id: int, *, archived: bool = False, offset: int = 0, limit: int | None = None
    ) -> list[Student]:
        """A teacher's roster, by name."""
        query = (
            select(StudentRow)
            .where(StudentRow.teacher_id == teacher_id, StudentRow.archived == archived)
            .order_by(func.lower(StudentRow.name), StudentRow.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return [rows.student(r) for r in await self._s.scalars(query)]

    async def page_with_upcoming(
        self, teacher_id: int, after: datetime, offset: int, limit: int
    ) -> list[tuple[Student, int]]:
        """A page of the active roster by name, each with their confirmed lessons not yet over.

        One statement for the page (a correlated count per listed student), not one per student.
        """
        upcoming = (
            select(func.count())
            .select_from(BookingRow)
            .join(SlotRow, SlotRow.id == BookingRow.slot_id)
            .where(
                BookingRow.student_id == StudentRow.id,
                BookingRow.status == BookingStatus.CONFIRMED.value,
                SlotRow.ends_at > after,
            )
            .scalar_subquery()
        )
        query = (
            select(StudentRow, upcoming)
            .where(StudentRow.teacher_id == teacher_id, StudentRow.archived.is_(False))
            .order_by(func.lower(StudentRow.name), StudentRow.id)
            .offset(offset)
            .limit(limit)
        )
        return [(rows.student(r), int(n)) for r, n in (await self._s.execute(query)).all()]

    async def count_of_teacher(self, teacher_id: int, *, archived: bool = False) -> int:
        """How many students a teacher has."""
        query = select(func.count()).where(
            StudentRow.teacher_id == teacher_id, StudentRow.archived == archived
        )
        return int(await self._s.scalar(query) or 0)

    async def by_telegram(self, telegram_id: int) -> list[Student]:
        """Every student record bound to this Telegram account (one per teacher)."""
        query = (
            select(StudentRow).where(StudentRow.telegram_id == telegram_id).order_by(StudentRow.id)
        )
        return [rows.student(r) for r in await self._s.scalars(query)]

    async def colours_in_use(self, teacher_id: int) -> set[int]:
        """Colour indexes worn by the teacher's active students."""
        query = select(StudentRow.colour).where(
            StudentRow.teacher_id == teacher_id, StudentRow.archived.is_(False)
        )
        return set(await self._s.scalars(query))

    async def update(self, student_id: int, **values: object) -> None:
        """Change name, binding or archived flag."""
        await self._s.execute(
            update(StudentRow).where(StudentRow.id == student_id).values(**values)
        )

    async def lock(self, student_id: int) -> None:
        """Serialize one student's bookings (PostgreSQL row lock; SQLite writers are serial)."""
        if self._dialect == "postgresql":
            await self._s.execute(
                select(StudentRow.id).where(StudentRow.id == student_id).with_for_update()
            )
