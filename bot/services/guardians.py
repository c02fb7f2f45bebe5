"""Guardians of a student: the teacher's links for them, who is connected, the switch, opening.

A guardian link has a student link's security (256 random bits, only a keyed hash and a
sealed copy stored, expiry, removal, bound to the first account that opens it). Its token
starts with GUARDIAN_PREFIX so /start can tell it from a student's link before hashing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.errors import LinkRefusal, NotFound
from bot.domain.guardian_notices import GuardianBoundElsewhere
from bot.domain.guardians import Guardian, link_refusal, open_refusal
from bot.domain.links import default_expiry
from bot.domain.model import Student, Teacher
from bot.security import TOKEN_CHARS
from bot.services import guardian_notices, link_opening, notify, student_home
from bot.services.context import Deps, audit, records_refusals
from bot.services.ownership import teacher_act, teacher_and_student
from bot.services.student_home import Home

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

GUARDIAN_PREFIX = "g_"


def is_guardian_token(text: str) -> bool:
    """Whether a /start argument has a guardian token's shape: prefix and length.

    A student's token (43 characters) may by chance begin with the prefix too (1 in 4,096);
    the length tells them apart, so such a student link still opens as a student link.
    """
    return text.startswith(GUARDIAN_PREFIX) and len(text) == len(GUARDIAN_PREFIX) + TOKEN_CHARS


@dataclass(frozen=True)
class Connected:
    """Who is connected to a student, as the teacher's card shows it."""

    student: Student
    guardians: list[Guardian]
    may_act: bool
    token: str | None = None  # a guardian link just made, to share once more from the card
    # Links not opened yet and still live, by guardian id: their tokens, to share again.
    unopened: dict[int, str] = field(default_factory=dict)
    expired: frozenset[int] = frozenset()  # guardians whose link expired: no access, no notices


@dataclass(frozen=True)
class GuardianAccess:
    """A guardian link that opened: whom the account now follows, and with which teacher."""

    student_id: int
    student_name: str
    teacher_name: str
    first_time: bool


async def _connected(
    uow: SqlUnitOfWork, deps: Deps, student: Student, token: str | None = None
) -> Connected:
    """The student's guardians not removed, the links to share again and the switch, read in
    the caller's unit of work."""
    found = await uow.guardians.of_student(student.id)
    now = deps.clock.now()
    unopened = {}
    for guardian in found:
        if guardian.telegram_id is None and link_refusal(guardian, now) is None:
            shown = deps.vault.unseal(guardian.token_encrypted)
            if shown is not None:
                unopened[guardian.id] = shown
    expired = frozenset(g.id for g in found if link_refusal(g, now) is not None)
    may_act = await uow.guardians.may_act(student.id)
    return Connected(student, found, may_act, token, unopened, expired)


@records_refusals
async def connected(deps: Deps, telegram_id: int, student_id: int) -> Connected:
    """The teacher's view of who is connected to one of their students."""
    async with deps.reading() as uow:
        _teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        return await _connected(uow, deps, student)


async def _changed(
    deps: Deps,
    telegram_id: int,
    student_id: int,
    change: Callable[[SqlUnitOfWork, Teacher, Student], Awaitable[str | None]],
) -> Connected:
    """Apply a change to the teacher's own student in one transaction; the card after it.

    `change` returns the token of a link it made, for the card to share once more.
    """
    async with deps.uow() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        token = await change(uow, teacher, student)
        result = await _connected(uow, deps, student, token)
        await uow.commit()
    return result


@records_refusals
async def new_link(deps: Deps, telegram_id: int, student_id: int) -> Connected:
    """A new guardian link for the student (under the teacher's link expiry), audited."""
    now = deps.clock.now()

    async def add(uow: SqlUnitOfWork, teacher: Teacher, student: Student) -> str:
        token = GUARDIAN_PREFIX + deps.vault.new_token()
        expires = default_expiry(teacher.settings, now)
        guardian = await uow.guardians.add(
            student.id, deps.vault.digest(token), deps.vault.seal(token), now, expires
        )
        event = teacher_act(
            deps, teacher, "guardian.link", student_id=student.id, guardian_id=guardian.id
        )
        await uow.audit.add(event)
        return token

    return await _changed(deps, telegram_id, student_id, add)


@records_refusals
async def remove(deps: Deps, telegram_id: int, student_id: int, guardian_id: int) -> Connected:
    """Remove a guardian: their access and every notice not yet sent end at once, audited."""

    async def end(uow: SqlUnitOfWork, teacher: Teacher, student: Student) -> None:
        guardian = await uow.guardians.get(guardian_id)
        if guardian is None or guardian.student_id != student.id:
            event = teacher_act(
                deps, teacher, "guardian.remove", "refused:foreign", guardian_id=guardian_id
            )
            raise NotFound().audited(event)
        if await uow.guardians.remove(guardian.id, deps.clock.now()):
            event = teacher_act(
                deps, teacher, "guardian.remove", student_id=student.id, guardian_id=guardian.id
            )
            await uow.audit.add(event)

    return await _changed(deps, telegram_id, student_id, end)


@records_refusals
async def allow(deps: Deps, telegram_id: int, student_id: int, may_act: bool) -> Connected:
    """The switch: whether guardians may book, cancel and move for this student, audited."""

    async def switch(uow: SqlUnitOfWork, teacher: Teacher, student: Student) -> None:
        await uow.students.lock(student.id)  # two presses at once write one rule row
        await uow.guardians.set_may_act(student.id, may_act)
        event = teacher_act(deps, teacher, "guardian.may_act", student_id=student.id, value=may_act)
        await uow.audit.add(event)

    return await _changed(deps, telegram_id, student_id, switch)


async def open_link(deps: Deps, telegram_id: int, first_name: str, token: str) -> GuardianAccess:
    """Open a guardian link from /start: bind the first account, refuse every other one.

    Refusals count towards the same per-account throttle as students' links, so guessing
    is no cheaper here; a second account is refused and the teacher told.
    """
    now = deps.clock.now()
    async with deps.uow() as uow:
        await uow.accounts.ensure(telegram_id, first_name, now)
        found = await link_opening.by_token(
            uow, deps, telegram_id, token, "guardian.open", uow.guardians.by_hash
        )
        # Read again under the student's lock: a binding that won the race shows now.
        guardian = await uow.guardians.get(found.id)
        student = await uow.students.get(guardian.student_id) if guardian else None
        teacher = await uow.teachers.get(student.teacher_id) if student else None
        assert guardian is not None and student is not None and teacher is not None
        ids = {"teacher_id": teacher.id, "student_id": student.id}
        reason = await _refusal(uow, deps, (teacher, student), guardian, telegram_id)
        if reason is not None:
            raise await link_opening.refuse(uow, deps, telegram_id, reason, "guardian.open", **ids)
        first = guardian.telegram_id is None
        if first:
            await uow.guardians.bind(guardian.id, telegram_id, now)
            guardian.telegram_id = telegram_id
            await _plan_reminders(uow, (teacher, student), guardian, now)
        await uow.guardians.count_use(guardian.id, now)
        await uow.accounts.update(telegram_id, last_teacher_id=teacher.id)
        event = audit("guardian.open", "opened", deps, actor=telegram_id, **ids)
        await uow.audit.add(event)
        await uow.commit()
    return GuardianAccess(student.id, student.name, teacher.display_name, first)


async def _plan_reminders(
    uow: SqlUnitOfWork, pair: tuple[Teacher, Student], guardian: Guardian, now: datetime
) -> None:
    """Plan a new guardian's reminders of the lessons booked before they connected."""
    teacher, student = pair
    leads = teacher.settings.reminder_leads_minutes
    for booked, slot in await uow.bookings.of_student(student.id, after=now):
        lesson = notify.lesson_facts(teacher, student, slot, booked)
        rows = guardian_notices.reminders(lesson, slot, booked, leads, [guardian], now)
        await uow.outbox.add_many(rows, now)


async def _refusal(
    uow: SqlUnitOfWork,
    deps: Deps,
    pair: tuple[Teacher, Student],
    guardian: Guardian,
    telegram_id: int,
) -> LinkRefusal | None:
    """Why this account may not open the guardian link; the teacher is told of a second account."""
    teacher, student = pair
    if teacher.telegram_id == telegram_id:
        return LinkRefusal.OWN_STUDENT
    if student.archived:
        return LinkRefusal.ARCHIVED
    reason = open_refusal(guardian, telegram_id, deps.clock.now())
    if reason == LinkRefusal.BOUND_ELSEWHERE:
        notice = GuardianBoundElsewhere(
            teacher_id=teacher.id,
            student_id=student.id,
            guardian_id=guardian.id,
            student_name=student.name,
            colour=student.colour,
        )
        key = f"{notice.kind}:{guardian.id}:{telegram_id}"
        await notify.queue(uow, notice, teacher.telegram_id, deps.clock.now(), dedup_key=key)
    return reason


async def arrive(
    deps: Deps, telegram_id: int, first_name: str, token: str
) -> tuple[GuardianAccess, Home]:
    """Open a guardian link from /start and return the followed student's home card."""
    access = await open_link(deps, telegram_id, first_name, token)
    return access, await student_home.home(deps, telegram_id, access.student_id)


async def home_of(deps: Deps, telegram_id: int) -> Home:
    """The home card of the student this account follows (NotAStudent if it follows none)."""
    return await student_home.home(deps, telegram_id)
