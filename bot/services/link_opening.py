"""Opening a student's link from /start or the portal: the throttle, the first account binds,
every use counted and every refusal recorded."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from bot.domain.errors import LinkRefusal, LinkRefused, TooManyAttempts
from bot.domain.links import FAILURE_WINDOW, refusal_to_open, spends_use, throttled_until
from bot.domain.model import Student
from bot.domain.notices import LinkBoundElsewhere
from bot.security import looks_like_token
from bot.services import notify
from bot.services.context import Deps, audit

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

REFUSED = "link_refused"  # outcome prefix the throttle counts


class _OfStudent(Protocol):
    @property
    def student_id(self) -> int: ...


# A student's link or a guardian's link: whatever a token opens.
Opened = TypeVar("Opened", bound=_OfStudent)


@dataclass(frozen=True)
class Access:
    """A link that opened: who the student is and whose."""

    student_id: int
    student_name: str
    teacher_id: int
    teacher_name: str
    first_time: bool


async def hold_back(
    uow: SqlUnitOfWork, deps: Deps, telegram_id: int, event: str, via: str = ""
) -> None:
    """TooManyAttempts (recorded, committed) while refused tokens of any kind hold it back."""
    now = deps.clock.now()
    failures = await uow.audit.times_by_actor(telegram_id, REFUSED, now - FAILURE_WINDOW)
    until = throttled_until(failures, now)
    if until is not None:
        held = audit(event, "throttled", deps, actor=telegram_id)
        await uow.audit.add(replace(held, detail={"via": via}) if via else held)
        await uow.commit()
        raise TooManyAttempts(until=until, wait_seconds=int((until - now).total_seconds()) + 1)


async def by_token(
    uow: SqlUnitOfWork,
    deps: Deps,
    telegram_id: int,
    token: str,
    event: str,
    find: Callable[[bytes], Awaitable[Opened | None]],
) -> Opened:
    """The link a /start token opens, its student locked; held back or unknown is refused."""
    await hold_back(uow, deps, telegram_id, event)
    found = await find(deps.vault.digest(token)) if looks_like_token(token) else None
    if found is None:
        raise await refuse(uow, deps, telegram_id, LinkRefusal.UNKNOWN, event)
    # The row lock makes the first account win when two open a fresh link at once.
    await uow.students.lock(found.student_id)
    return found


async def open_link(deps: Deps, telegram_id: int, first_name: str, token: str) -> Access:
    """Open a link from /start: bind the first account, count the use, refuse everything else."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        await uow.accounts.ensure(telegram_id, first_name, now)
        link = await by_token(uow, deps, telegram_id, token, "link.open", uow.links.by_hash)
        student = await uow.students.get(link.student_id)
        teacher = await uow.teachers.get(student.teacher_id) if student else None
        assert student is not None and teacher is not None
        ids = {"teacher_id": teacher.id, "student_id": student.id, "link_id": link.id}
        if teacher.telegram_id == telegram_id:
            await uow.audit.add(
                audit("link.open", "teacher_preview", deps, actor=telegram_id, **ids)
            )
            await uow.commit()
            raise LinkRefused(LinkRefusal.OWN_STUDENT)
        spends = spends_use(student.telegram_id, telegram_id)
        reason = (
            LinkRefusal.ARCHIVED if student.archived else refusal_to_open(link, now, spends=spends)
        )
        if reason is None and student.telegram_id not in (None, telegram_id):
            reason = LinkRefusal.BOUND_ELSEWHERE
            notice = LinkBoundElsewhere(**ids, student_name=student.name, colour=student.colour)
            key = f"{notice.kind}:{link.id}:{telegram_id}"
            await notify.queue(uow, notice, teacher.telegram_id, now, dedup_key=key)
        if reason is None and student.telegram_id is None:
            reason = await bind(uow, deps, student, telegram_id)
        if reason is not None:
            raise await refuse(uow, deps, telegram_id, reason, **ids)
        await uow.links.count_use(link.id, now, spend=spends)
        await uow.accounts.update(telegram_id, last_teacher_id=teacher.id)
        await uow.audit.add(audit("link.open", "opened", deps, actor=telegram_id, **ids))
        await uow.commit()
    first = student.telegram_id is None
    return Access(student.id, student.name, teacher.id, teacher.display_name, first)


async def bind(
    uow: SqlUnitOfWork, deps: Deps, student: Student, telegram_id: int
) -> LinkRefusal | None:
    """Make this account the student; refuse if it already is another student of the teacher."""
    others = await uow.students.by_telegram(telegram_id)
    if any(o.teacher_id == student.teacher_id and o.id != student.id for o in others):
        return LinkRefusal.BOUND_ELSEWHERE
    await uow.students.update(student.id, telegram_id=telegram_id, bound_at=deps.clock.now())
    return None


async def refuse(
    uow: SqlUnitOfWork,
    deps: Deps,
    telegram_id: int | None,
    reason: LinkRefusal,
    event: str = "link.open",
    /,
    **ids: int,
) -> LinkRefused:
    """Record a refused token (the throttle counts these) and commit it before raising."""
    outcome = f"{REFUSED}:{reason.value}"
    await uow.audit.add(audit(event, outcome, deps, actor=telegram_id, **ids))
    await uow.commit()
    return LinkRefused(reason)
