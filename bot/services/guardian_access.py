"""A guardian acting for a followed student: found by account, checked by the one domain rule.

The student's own screens and steps (calendar, My bookings, book, cancel, move) serve a
guardian through `booking.active_student` and `student_home.resolve_student`, which ask here
when the account is not the student's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.errors import LinkRefusal, LinkRefused
from bot.domain.guardians import GuardianMayNotAct, guardian_refusal, link_refusal
from bot.domain.model import Student
from bot.services.context import Deps, refused

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


async def acts_for(
    uow: SqlUnitOfWork, deps: Deps, telegram_id: int, student: Student, *, writes: bool
) -> bool:
    """Whether the account is a connected guardian of the student; refuses what the rule refuses.

    False (not a guardian at all) lets the caller answer as for any foreign record.
    """
    guardian = await uow.guardians.of_account(telegram_id, student.id)
    if guardian is None:
        return False
    if student.archived:
        raise LinkRefused(LinkRefusal.ARCHIVED)
    may_act = await uow.guardians.may_act(student.id) if writes else False
    refusal = guardian_refusal(guardian, may_act, deps.clock.now(), writes=writes)
    if isinstance(refusal, GuardianMayNotAct):
        event = refused(
            "guardian.act", "refused:not_allowed", deps, telegram_id, student_id=student.id
        )
        raise refusal.audited(event)
    if refusal is not None:
        raise refusal
    return True


async def followed(uow: SqlUnitOfWork, deps: Deps, telegram_id: int) -> list[Student]:
    """The active students this account follows through a live guardian link, oldest first."""
    now = deps.clock.now()
    found = []
    for guardian in await uow.guardians.following(telegram_id):
        if link_refusal(guardian, now) is not None:
            continue
        student = await uow.students.get(guardian.student_id)
        if student is not None and not student.archived and student not in found:
            found.append(student)
    return found
