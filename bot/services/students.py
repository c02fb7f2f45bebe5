"""Student use cases for teachers: enroll, roster, card, rename, archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.colours import next_colour
from bot.domain.errors import ConfirmationNeeded
from bot.domain.model import Actor, BookingStatus, Student
from bot.domain.students import check_name_free
from bot.domain.teacher_settings import clean_name
from bot.services import links, seats
from bot.services.context import Deps, records_refusals
from bot.services.ownership import teacher_act, teacher_and_student, teacher_of

PAGE_SIZE = 8


@dataclass(frozen=True)
class RosterEntry:
    """One line of /students."""

    student: Student
    opened: bool
    upcoming: int


@dataclass(frozen=True)
class Roster:
    """One page of the teacher's active students."""

    entries: list[RosterEntry]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class UpcomingLesson:
    """A coming lesson on a student's card."""

    booking_id: int
    starts_at: datetime
    ends_at: datetime
    subject: str


@dataclass(frozen=True)
class StudentCard:
    """Everything the teacher sees about one student."""

    student: Student
    link: links.LinkCard
    upcoming: list[UpcomingLesson]
    lessons_done: int
    cancelled: int
    timezone: str
    student_zone: str | None = None  # the student's own zone, when they chose one
    now: datetime | None = None  # when the card was read (the student's local time is shown)
    guardians: tuple[str, ...] = ()  # the names of the connected guardians


async def enroll(deps: Deps, telegram_id: int, name: str) -> links.LinkCard:
    """Enroll a student with the next free colour and issue their first link."""
    clean = clean_name(name, "student_name")
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        check_name_free(clean, await uow.students.of_teacher(teacher.id))
        colour = next_colour(await uow.students.colours_in_use(teacher.id))
        student = await uow.students.add(teacher.id, clean, colour, now)
        await links.issue(uow, deps, teacher, student)
        await uow.audit.add(teacher_act(deps, teacher, "student.enrolled", student_id=student.id))
        result = await links.card_of(uow, deps, student)
        await uow.commit()
    return result


async def roster(deps: Deps, telegram_id: int, page: int = 0) -> Roster:
    """One page of the roster: colour, name, whether the link was opened, coming lessons."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        total = await uow.students.count_of_teacher(teacher.id)
        pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        page = min(max(page, 0), pages - 1)
        found = await uow.students.page_with_upcoming(
            teacher.id, now, offset=page * PAGE_SIZE, limit=PAGE_SIZE
        )
    entries = [RosterEntry(s, s.telegram_id is not None, upcoming) for s, upcoming in found]
    return Roster(entries, page, pages, total)


@records_refusals
async def student_card(deps: Deps, telegram_id: int, student_id: int) -> StudentCard:
    """A student's card: link, coming lessons and usage numbers."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        link = await links.card_of(uow, deps, student)
        rows = await uow.bookings.of_student(student.id, confirmed_only=False)
        account = await uow.accounts.get(student.telegram_id) if student.telegram_id else None
        followers = await uow.guardians.recipients(student.id, now)
        names = await uow.guardians.of_student(student.id)
    connected = {g.id for g in followers}
    guardians = tuple(g.name or "?" for g in names if g.id in connected)
    upcoming = [
        UpcomingLesson(b.id, s.starts_at, s.ends_at, s.subject)
        for b, s in rows
        if b.status == BookingStatus.CONFIRMED and s.ends_at > now
    ]
    done = sum(1 for b, s in rows if b.status == BookingStatus.CONFIRMED and s.ends_at <= now)
    # A rescheduled booking moved rather than went away; it is not a cancellation.
    cancelled = sum(
        1 for b, _ in rows if b.status == BookingStatus.CANCELLED and b.rescheduled_to_id is None
    )
    zone = account.timezone if account is not None else None
    return StudentCard(
        student, link, upcoming, done, cancelled, teacher.settings.timezone, zone, now, guardians
    )


@records_refusals
async def rename(deps: Deps, telegram_id: int, student_id: int, name: str) -> Student:
    """Give a student another name."""
    clean = clean_name(name, "student_name")
    async with deps.uow() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        roster = await uow.students.of_teacher(teacher.id)
        check_name_free(clean, roster, renaming=student.id)
        await uow.students.update(student.id, name=clean)
        await uow.audit.add(teacher_act(deps, teacher, "student.renamed", student_id=student.id))
        await uow.commit()
    student.name = clean
    return student


@records_refusals
async def archive(deps: Deps, telegram_id: int, student_id: int, *, confirmed: bool = False) -> int:
    """Archive a student: link revoked, coming lessons cancelled (after confirmation)."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        coming = [
            (b, s)
            for b, s in await uow.bookings.of_student(student.id, after=now)
            if s.starts_at > now
        ]
        if coming and not confirmed:
            raise ConfirmationNeeded(affected=len(coming))
        for booking, slot in coming:
            await seats.release(uow, deps, teacher, student, slot, booking, by=Actor.TEACHER)
        await uow.links.revoke_all(student.id, now, replaced=False)
        await uow.students.update(student.id, archived=True)
        event = teacher_act(
            deps, teacher, "student.archived", student_id=student.id, cancelled=len(coming)
        )
        await uow.audit.add(event)
        await uow.commit()
    return len(coming)
