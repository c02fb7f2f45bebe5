"""Who owns what: the calling teacher, and refusals of objects that belong to someone else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from bot.domain.errors import NotATeacher, NotFound
from bot.domain.model import AuditEvent, Booking, Slot, Student, Teacher
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


class _Owned(Protocol):
    @property
    def teacher_id(self) -> int: ...


Owned = TypeVar("Owned", bound=_Owned)


def teacher_act(
    deps: Deps,
    teacher: Teacher,
    event: str,
    outcome: str = "ok",
    *,
    student_id: int | None = None,
    **detail: object,
) -> AuditEvent:
    """The audit row of something the teacher did (or was refused), with what it concerned."""
    return audit(
        event,
        outcome,
        deps,
        actor=teacher.telegram_id,
        teacher_id=teacher.id,
        student_id=student_id,
        **detail,
    )


def foreign(deps: Deps, teacher: Teacher, kind: str, object_id: int) -> NotFound:
    """A NotFound carrying the audit row of a refused foreign (or made-up) object."""
    event = teacher_act(
        deps, teacher, "foreign_object", "refused", object=kind, object_id=object_id
    )
    return NotFound().audited(event)


def owned(deps: Deps, teacher: Teacher, kind: str, object_id: int, found: Owned | None) -> Owned:
    """`found` if it is the teacher's; one missing or another teacher's is refused and audited."""
    if found is None or found.teacher_id != teacher.id:
        raise foreign(deps, teacher, kind, object_id)
    return found


async def own_student(uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, student_id: int) -> Student:
    """The teacher's own student; a foreign or unknown id is refused and audited."""
    return owned(deps, teacher, "student", student_id, await uow.students.get(student_id))


async def teacher_and_student(
    uow: SqlUnitOfWork, deps: Deps, telegram_id: int, student_id: int
) -> tuple[Teacher, Student]:
    """The calling teacher and their own student (NotATeacher; a foreign id refused, audited)."""
    teacher = await teacher_of(uow, telegram_id)
    return teacher, await own_student(uow, deps, teacher, student_id)


async def own_booking(
    uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, booking_id: int
) -> tuple[Booking, Slot]:
    """One of the teacher's bookings and its slot; a foreign or unknown id is refused, audited."""
    found = await uow.bookings.get(booking_id)
    if found is None:
        raise foreign(deps, teacher, "booking", booking_id)
    return found[0], owned(deps, teacher, "booking", booking_id, found[1])


async def student_named(uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, name: str) -> Student:
    """The teacher's active student with this name (any case), or the only one it starts."""
    try:
        return pick_by_name(name, await uow.students.of_teacher(teacher.id))
    except NotFound as refused:
        event = teacher_act(deps, teacher, "student.lookup", "refused:not_found", name=name[:64])
        raise refused.audited(event) from None


async def student_of(uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, who: int | str) -> Student:
    """The teacher's student by id (from a button) or by name (typed after a command)."""
    if isinstance(who, str):
        return await student_named(uow, deps, teacher, who)
    return await own_student(uow, deps, teacher, who)
