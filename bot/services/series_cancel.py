"""Cancel a weekly series from one lesson on: that lesson and every later one, told once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.booking import require_coming, student_change
from bot.domain.errors import NotFound
from bot.domain.model import Actor, Booking, Slot, Student, Teacher
from bot.domain.notices import REMINDER_KINDS
from bot.domain.series_notices import SeriesCancelled
from bot.services import booking, waitlist_offers
from bot.services.context import Deps, audit, records_refusals
from bot.services.ownership import own_booking, teacher_of
from bot.services.series import facts, teacher_zone, tell
from bot.services.student_home import viewer_zone

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


@dataclass(frozen=True)
class Ended:
    """A series cancelled from one lesson on: the lessons cancelled."""

    student_id: int
    student_name: str
    zone: str
    cancelled: tuple[datetime, ...]


@records_refusals
async def cancel_rest_by_student(deps: Deps, telegram_id: int, booking_id: int) -> Ended:
    """A student cancels this lesson of a series and every later one, in one go."""
    async with deps.uow() as uow:
        found = await booking.own_booking(uow, deps, telegram_id, booking_id)
        first, slot, student, teacher = found
        student_change(slot, first, teacher.settings, deps.clock.now()).require()
        account = await uow.accounts.get(telegram_id)
        cancelled = await _cancel_rest(uow, deps, (teacher, student), (first, slot), Actor.STUDENT)
        await _cancel_audited(uow, deps, telegram_id, (teacher, student), cancelled)
    return Ended(student.id, student.name, viewer_zone(account, teacher), cancelled)


@records_refusals
async def cancel_rest_by_teacher(
    deps: Deps, telegram_id: int, booking_id: int, reason: str = ""
) -> Ended:
    """A teacher cancels this lesson of a series and every later one; the student is told once."""
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        first, slot = await own_booking(uow, deps, teacher, booking_id)
        require_coming(first, slot, deps.clock.now())
        student = await uow.students.get(first.student_id)
        if student is None:
            raise NotFound()
        pair = (teacher, student)
        cancelled = await _cancel_rest(uow, deps, pair, (first, slot), Actor.TEACHER, reason)
        await _cancel_audited(uow, deps, telegram_id, pair, cancelled)
    return Ended(student.id, student.name, teacher.settings.timezone, cancelled)


async def _cancel_rest(
    uow: SqlUnitOfWork,
    deps: Deps,
    pair: tuple[Teacher, Student],
    first: tuple[Booking, Slot],
    by: Actor,
    reason: str = "",
) -> tuple[datetime, ...]:
    """Cancel a series' lessons from this one on and end it; the other party is told once."""
    teacher, student = pair
    lesson, slot = first
    if lesson.series_id is None:
        raise NotFound()  # not a lesson of a series (a forged or stale press)
    series = await uow.series.get(lesson.series_id)
    if series is None:
        raise NotFound()
    now = deps.clock.now()
    cancelled = []
    for each, each_slot in await uow.series.coming_bookings(series.id, slot.starts_at):
        late = not student_change(each_slot, each, teacher.settings, now).allowed
        if await uow.bookings.cancel(each.id, now, by, reason, late=late):
            await uow.slots.release_seat(each_slot.id)
            await waitlist_offers.offer_freed(uow, now, each_slot.id)
            await uow.outbox.withdraw_for_booking(each.id, REMINDER_KINDS)
            cancelled.append(each_slot.starts_at)
    last = slot.starts_at.astimezone(teacher_zone(teacher)).date() - timedelta(days=1)
    await uow.series.end(series.id, now, until=last)
    notice = SeriesCancelled(
        series=facts(series, teacher, student),
        by=by,
        cancelled=tuple(cancelled),
        reason=reason,
    )
    if by == Actor.STUDENT:
        if teacher.settings.notifications_enabled:
            await tell(uow, notice, teacher.telegram_id, str(lesson.id), now)
    else:
        await tell(uow, notice, student.telegram_id, str(lesson.id), now)
    return tuple(cancelled)


async def _cancel_audited(
    uow: SqlUnitOfWork,
    deps: Deps,
    telegram_id: int,
    pair: tuple[Teacher, Student],
    cancelled: tuple[datetime, ...],
) -> None:
    teacher, student = pair
    record = audit(
        "series.cancelled",
        "ok",
        deps,
        actor=telegram_id,
        teacher_id=teacher.id,
        student_id=student.id,
        lessons=len(cancelled),
    )
    await uow.audit.add(record)
    await uow.commit()
