"""Students of a teacher."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.model import ShareLink, Student, Teacher
from storage.models import ShareLinkRow, StudentRow, TeacherRow
from storage.repositories import rows


class SqlStudents:
    """Students, always scoped by teacher where a teacher asks."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._s = session
        self._dialect = dialect

    async def add(self, teacher_id: int, name: str, colour: int, now: datetime) -> Student:
        """Enroll a student."""
        row = StudentRow(teacher_id=teacher_id, name=name, colour=colour, created_at=now)
        self._s.add(row)
        await self._s.flush()
        return rows.student(row)

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
        links = aliased(ShareLinkRow)
        newest = (
            select(func.max(links.id))
            .where(links.student_id == StudentRow.id)
            .correlate(StudentRow)
            .scalar_subquery()
        )
        query = (
            select(StudentRow, TeacherRow, ShareLinkRow)
            .join(TeacherRow, TeacherRow.id == StudentRow.teacher_id)
            .outerjoin(ShareLinkRow, ShareLinkRow.id == newest)
            .where(StudentRow.id == student_id)
        )
        if lock and self._dialect == "postgresql":
            query = query.with_for_update(of=StudentRow)
        found = (await self._s.execute(query)).first()
        if found is None:
            return None
        student, teacher, link = found
        return rows.student(student), rows.teacher(teacher), rows.link(link) if link else None

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
