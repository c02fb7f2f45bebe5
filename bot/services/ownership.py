"""Who owns what: the calling teacher, and refusals of objects that belong to someone else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.errors import NotATeacher, NotFound
from bot.domain.model import Student, Teacher
from bot.domain.students import pick_by_name
from bot.services.context import Deps, audit

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


async def teacher_of(uow: SqlUnitOfWork, telegram_id: int) -> Teacher:
    """The teacher registered by this account; NotATeacher otherwise."""
    teacher = await uow.teachers.by_telegram(telegram_id)
    if teacher is None:
        raise NotATeacher()
    return teacher


def foreign(deps: Deps, teacher: Teacher, kind: str, object_id: int) -> NotFound:
    """A NotFound carrying the audit row of a refused foreign (or made-up) object."""
    event = audit(
        "foreign_object", "refused", deps, actor=teacher.telegram_id, teacher_id=teacher.id,
        object=kind, object_id=object_id,
    )  # fmt: skip
    return NotFound().audited(event)


async def own_student(uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, student_id: int) -> Student:
    """The teacher's own student; a foreign or unknown id is refused and audited."""
    student = await uow.students.get(student_id)
    if student is None or student.teacher_id != teacher.id:
        raise foreign(deps, teacher, "student", student_id)
    return student


async def student_named(uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, name: str) -> Student:
    """The teacher's active student with this name (any case), or the only one it starts."""
    try:
        return pick_by_name(name, await uow.students.of_teacher(teacher.id))
    except NotFound as refused:
        event = audit(
            "student.lookup", "refused:not_found", deps, actor=teacher.telegram_id,
            teacher_id=teacher.id, name=name[:64],
        )  # fmt: skip
        raise refused.audited(event) from None
