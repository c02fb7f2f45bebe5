"""The student's home: which teacher they are booking with, their next lessons, their zone."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.domain.errors import LinkRefused, NotAStudent, NotFound
from bot.domain.model import Account, Student, Teacher
from bot.domain.zones import resolve_timezone
from bot.services import guardian_access, link_opening
from bot.services.accounts import Identity
from bot.services.booking import Lesson, active_student, lesson_of, require_access
from bot.services.context import Deps, audit, records_refusals, refused

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

# Zones offered as buttons; any other IANA name can be typed with /timezone.
STUDENT_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)
NEXT_LESSONS = 3


@dataclass(frozen=True)
class TeacherChoice:
    """One teacher this account studies with, as a student record."""

    student_id: int
    teacher_name: str


@dataclass(frozen=True)
class TeacherLessons:
    """One teacher's lessons of this account, in the zone the account sees that teacher in."""

    student_id: int
    teacher_name: str
    zone: str
    upcoming: list[Lesson]
    past: list[Lesson]
    followed: bool = False  # a student the account follows as a guardian


@dataclass(frozen=True)
class Home:
    """What the student's home card shows: the teacher booked with now, every teacher's lessons."""

    student_id: int
    teacher_id: int
    teacher_name: str
    zone: str
    teacher_zone: str
    own_zone: bool
    groups: list[TeacherLessons]
    choices: list[TeacherChoice]


def viewer_zone(account: Account | None, teacher: Teacher) -> str:
    """The zone a student sees times in: their own if set, else the teacher's."""
    if account is not None and account.timezone:
        return account.timezone
    return teacher.settings.timezone


async def records_of(uow: SqlUnitOfWork, deps: Deps, telegram_id: int) -> list[Student]:
    """The account's own student records, then the students it follows as a guardian."""
    own = await uow.students.by_telegram(telegram_id)
    followed = await guardian_access.followed(uow, deps, telegram_id)
    # An account that is both (the student opened their own guardian link) is listed once.
    return own + [s for s in followed if s.telegram_id != telegram_id]


def label(student: Student, teacher: Teacher, telegram_id: int) -> str:
    """The teacher's name, or 'Anna · Ms Smith' for a student the account follows."""
    if student.telegram_id == telegram_id:
        return teacher.display_name
    return f"{student.name} · {teacher.display_name}"


async def choices_of(uow: SqlUnitOfWork, deps: Deps, telegram_id: int) -> list[TeacherChoice]:
    """Every active student record of this account (and followed student), with its teacher."""
    result = []
    for student in await records_of(uow, deps, telegram_id):
        teacher = await uow.teachers.get(student.teacher_id)
        if not student.archived and teacher is not None:
            result.append(TeacherChoice(student.id, label(student, teacher, telegram_id)))
    return result


async def lessons_by_teacher(
    uow: SqlUnitOfWork, deps: Deps, telegram_id: int, past: int
) -> list[TeacherLessons]:
    """Every teacher's lessons of this account, the teacher with the soonest lesson first.

    Only this account's own student records are read, and only those it may still use (a
    revoked or archived record's lessons are the teacher's to manage).
    """
    now = deps.clock.now()
    account = await uow.accounts.get(telegram_id)
    groups = []
    for record in await records_of(uow, deps, telegram_id):
        if record.archived:
            continue
        try:
            student, teacher = await active_student(uow, deps, telegram_id, record.id, reads=True)
        except (LinkRefused, NotFound):
            continue
        rows = await uow.bookings.of_student(student.id)
        lessons = [lesson_of(teacher, student, slot, booked) for booked, slot in rows]
        upcoming = [lesson for lesson in lessons if lesson.ends_at > now]
        done = [lesson for lesson in lessons if lesson.ends_at <= now][-past:] if past else []
        zone = viewer_zone(account, teacher)
        name = label(student, teacher, telegram_id)
        followed = student.telegram_id != telegram_id
        groups.append(TeacherLessons(student.id, name, zone, upcoming, done, followed))
    never = datetime.max.replace(tzinfo=UTC)
    groups.sort(key=lambda g: (g.upcoming[0].starts_at if g.upcoming else never, g.teacher_name))
    return groups


async def resolve_student(
    uow: SqlUnitOfWork,
    deps: Deps,
    telegram_id: int,
    student_id: int = 0,
    *,
    lock: bool = False,
    reads: bool = False,
) -> tuple[Student, Teacher]:
    """The student record to act as: the one named, else the last teacher's, else the first.

    A followed student (guardian) counts after the account's own records. With lock, the
    record's bookings are serialized until commit; `reads`: see active_student.
    """
    if student_id:
        return await active_student(uow, deps, telegram_id, student_id, lock=lock, reads=reads)
    records = [s for s in await records_of(uow, deps, telegram_id) if not s.archived]
    if not records:
        raise NotAStudent()
    account = await uow.accounts.get(telegram_id)
    last = account.last_teacher_id if account else None
    chosen = next((s for s in records if s.teacher_id == last), records[0])
    return await active_student(uow, deps, telegram_id, chosen.id, lock=lock, reads=reads)


def acting_as(deps: Deps, who: Identity, student_id: int = 0) -> tuple[Student, Teacher]:
    """resolve_student on the identity read for this update: no second read of the database."""
    telegram_id = who.account.telegram_id
    if student_id:
        seat = next((s for s in who.seats if s.student.id == student_id), None)
        if seat is None:
            event = refused(
                "student.access", "refused:foreign", deps, telegram_id, student_id=student_id
            )
            raise NotFound().audited(event)
    else:
        records = [s for s in who.seats if not s.student.archived]
        if not records:
            raise NotAStudent()
        last = who.account.last_teacher_id
        seat = next((s for s in records if s.teacher.id == last), records[0])
    require_access(seat.student, seat.link, deps.clock.now())
    return seat.student, seat.teacher


async def acting_for(
    uow: SqlUnitOfWork, deps: Deps, who: Identity, student_id: int = 0
) -> tuple[Student, Teacher]:
    """acting_as, or, for a student the account follows as a guardian, resolve_student (which
    applies the guardian rule: the calendar is for booking, so the teacher's switch counts)."""
    own = [s for s in who.seats if not s.student.archived]
    if any(s.student.id == student_id for s in who.seats) or (own and not student_id):
        return acting_as(deps, who, student_id)
    return await resolve_student(uow, deps, who.account.telegram_id, student_id)


@records_refusals
async def home(deps: Deps, telegram_id: int, student_id: int = 0) -> Home:
    """The home card for the named student record (or the remembered one), remembered next."""
    async with deps.reading() as uow:
        student, teacher = await resolve_student(uow, deps, telegram_id, student_id, reads=True)
        account = await uow.accounts.get(telegram_id)
        choices = await choices_of(uow, deps, telegram_id)
        groups = await lessons_by_teacher(uow, deps, telegram_id, past=0)
    if account is not None and account.last_teacher_id != teacher.id:
        async with deps.uow() as uow:
            await uow.accounts.update(telegram_id, last_teacher_id=teacher.id)
            await uow.commit()
    zone = viewer_zone(account, teacher)
    return Home(
        student_id=student.id,
        teacher_id=teacher.id,
        teacher_name=label(student, teacher, telegram_id),
        zone=zone,
        teacher_zone=teacher.settings.timezone,
        own_zone=bool(account and account.timezone),
        groups=[replace(g, upcoming=g.upcoming[:NEXT_LESSONS]) for g in groups],
        choices=choices,
    )


@records_refusals
async def teachers(deps: Deps, telegram_id: int) -> list[TeacherChoice]:
    """The teachers this account may switch between."""
    async with deps.reading() as uow:
        found = await choices_of(uow, deps, telegram_id)
    if not found:
        raise NotAStudent()
    return found


@records_refusals
async def set_timezone(deps: Deps, telegram_id: int, name: str | None) -> Home:
    """Set the student's own zone (validated IANA name), or None to follow the teacher's."""
    zone = resolve_timezone(name, deps.clock.now()) if name else None
    async with deps.uow() as uow:
        # Reads: the zone is the account's own, a guardian's too.
        student, _ = await resolve_student(uow, deps, telegram_id, reads=True)
        await uow.accounts.update(telegram_id, timezone=zone)
        event = audit(
            "student.timezone",
            "ok",
            deps,
            actor=telegram_id,
            student_id=student.id,
            timezone=zone or "",
        )
        await uow.audit.add(event)
        await uow.commit()
    return await home(deps, telegram_id, student.id)


async def choose_zone(deps: Deps, telegram_id: int, index: int) -> Home:
    """Set a zone offered as a button (by index), or -1 to follow the teacher's zone."""
    if index == -1:
        return await set_timezone(deps, telegram_id, None)
    if not 0 <= index < len(STUDENT_ZONES):
        raise NotFound()
    return await set_timezone(deps, telegram_id, STUDENT_ZONES[index])


async def arrive(
    deps: Deps, telegram_id: int, first_name: str, token: str
) -> tuple[link_opening.Access, Home]:
    """Open a link from /start and return the home card it leads to."""
    access = await link_opening.open_link(deps, telegram_id, first_name, token)
    return access, await home(deps, telegram_id, access.student_id)
