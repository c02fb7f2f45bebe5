"""Weekly series: start one from a slot, roll it forward with the horizon, cancel the rest.

Every occurrence is an ordinary booking that names its series, so reminders, cancelling or
moving one lesson, My bookings, /schedule, exports and stats need no special case. Seats are
taken with the usual conditional update, one occurrence at a time in start order (one lock
order for everyone on PostgreSQL); an occurrence that cannot be had is skipped and named.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain import series as rules
from bot.domain.booking import require_coming, student_change
from bot.domain.errors import NotFound, SlotRefused, SlotUnavailable
from bot.domain.model import Actor, Booking, Slot, Student, Teacher
from bot.domain.notices import (
    REMINDER_KINDS,
    SeriesBooked,
    SeriesCancelled,
    SeriesNotice,
    SeriesSkipped,
)
from bot.domain.series import Series, SeriesStatus
from bot.services import booking, notify
from bot.services.context import Deps, audit, records_refusals
from bot.services.notify import Booked
from bot.services.ownership import own_booking, own_student, teacher_of
from bot.services.student_home import resolve_student, viewer_zone

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

log = logging.getLogger("lessonlink.series")
# Rolling forward stops this far short of the horizon, so the slots the upkeep has just opened
# (up to the horizon as it stood a moment earlier) are surely there; the rest waits a run.
ROLL_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class Occurrence:
    """One week of a series: booked (its booking) or skipped (why)."""

    on_date: date  # in the teacher's zone
    starts_at: datetime  # UTC
    booking_id: int | None = None
    skipped: SlotUnavailable | None = None


@dataclass(frozen=True)
class SeriesOffer:
    """The choice of how many weeks, for a slot the student (or teacher) picked."""

    student_id: int
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    subject: str
    zone: str  # the viewer's
    teacher_zone: str
    choices: tuple[int, ...]  # weeks; rules.ONGOING for no end


@dataclass(frozen=True)
class Started:
    """A series just booked: the lessons it got, the weeks it skipped, and what comes later."""

    series_id: int
    student_id: int
    student_name: str
    teacher_name: str
    zone: str  # the viewer's
    teacher_zone: str
    booked: tuple[Occurrence, ...]
    skipped: tuple[Occurrence, ...]
    ongoing: bool
    later: int  # weeks of a counted series beyond the horizon, booked as it moves


@dataclass(frozen=True)
class Ended:
    """A series cancelled from one lesson on: the lessons cancelled."""

    student_id: int
    student_name: str
    zone: str
    cancelled: tuple[datetime, ...]


def _zone(teacher: Teacher) -> ZoneInfo:
    return ZoneInfo(teacher.settings.timezone)


def _nominal(day: date, series: Series, teacher: Teacher) -> datetime:
    """The UTC moment a date's lesson would start (for naming it, even in a spring gap)."""
    return datetime.combine(day, series.local_time, _zone(teacher)).astimezone(UTC)


async def _refusal(
    uow: SqlUnitOfWork, pair: tuple[Teacher, Student], slot: Slot, now: datetime, by: Actor
) -> SlotUnavailable | None:
    """The booking rules for one occurrence; advance notice binds students, not the teacher."""
    teacher, student = pair
    reason = await booking.refusal_for(uow, student, teacher, slot, now)
    return None if reason == SlotUnavailable.TOO_SOON and by == Actor.TEACHER else reason


async def _fill(
    uow: SqlUnitOfWork, deps: Deps, pair: tuple[Teacher, Student], series: Series, days: list[date]
) -> list[Occurrence]:
    """Claim each date and book it or record why not, in start order (the caller commits)."""
    teacher, student = pair
    now = deps.clock.now()
    length = timedelta(minutes=series.minutes)
    done = []
    for day in days:
        if not await uow.series.claim(series.id, day, now):
            continue  # another pass has this date already
        moment = rules.local_start(day, series.local_time, teacher.settings.timezone)
        slot = (
            None
            if moment is None
            else await uow.series.slot_at(teacher.id, moment, moment + length)
        )
        reason = (
            SlotUnavailable.GONE
            if slot is None
            else await _refusal(uow, pair, slot, now, series.created_by)
        )
        if slot is not None and reason is None and not await uow.slots.take_seat(slot.id, now):
            reason = SlotUnavailable.FULL  # someone else took the last seat first
        if slot is None or reason is not None:
            await uow.series.settle(series.id, day, None, (reason or SlotUnavailable.GONE).value)
            done.append(Occurrence(day, moment or _nominal(day, series, teacher), skipped=reason))
            continue
        made = await uow.bookings.add(slot.id, student.id, now)
        await uow.series.join(made.id, series.id)
        made.series_id, slot.booked = series.id, slot.booked + 1
        await notify.schedule_reminders(uow, Booked(teacher, student, slot, made), now)
        await uow.series.settle(series.id, day, made.id, None)
        done.append(Occurrence(day, slot.starts_at, booking_id=made.id))
    return done


def _facts(series: Series, teacher: Teacher, student: Student) -> dict[str, object]:
    """What every series notice says about the series."""
    return {
        "series_id": series.id,
        "teacher_name": teacher.display_name,
        "teacher_tz": teacher.settings.timezone,
        "student_name": student.name,
        "colour": student.colour,
        "minutes": series.minutes,
        "subject": series.subject,
    }


async def _tell(
    uow: SqlUnitOfWork, notice: SeriesNotice, chat_id: int | None, key: str, now: datetime
) -> None:
    """Queue a series notice once per key (a redelivered press or a second worker adds none)."""
    if chat_id is not None:
        await notify.queue(uow, notice, chat_id, now, dedup_key=f"{notice.kind}:{key}:{chat_id}")


async def _start(
    uow: SqlUnitOfWork,
    deps: Deps,
    pair: tuple[Teacher, Student],
    slot_id: int,
    weeks: int,
    by: Actor,
) -> tuple[Series, list[Occurrence]]:
    """Create the series from its first slot and book every week within the horizon."""
    teacher, student = pair
    refusal = rules.refusal_to_start(teacher.settings, weeks)
    if refusal is not None:
        raise refusal
    now = deps.clock.now()
    await uow.students.lock(student.id)  # one student's bookings are serialized
    slot = await uow.slots.get(slot_id)
    if slot is None or slot.teacher_id != teacher.id:
        raise SlotRefused(SlotUnavailable.GONE)
    reason = await _refusal(uow, pair, slot, now, by)
    if reason is not None:
        raise SlotRefused(reason)  # the series starts with the lesson chosen, or not at all
    local = slot.starts_at.astimezone(_zone(teacher))
    minutes = int((slot.ends_at - slot.starts_at).total_seconds() // 60)
    at = (local.weekday(), local.time().replace(tzinfo=None), minutes, slot.subject)
    first = local.date()
    series = await uow.series.add(
        teacher.id, student.id, at, first, rules.until_date(first, weeks), by, now
    )
    horizon_end = now + timedelta(days=teacher.settings.horizon_days)
    days = rules.due_dates(series, teacher.settings.timezone, set(), first, horizon_end)
    done = await _fill(uow, deps, pair, series, days)
    if done[0].skipped is not None:
        raise SlotRefused(done[0].skipped)  # its first seat went to someone else meanwhile
    if rules.finished(series, teacher.settings.timezone, horizon_end):
        await uow.series.end(series.id, now)
    return series, done


async def _announce(
    uow: SqlUnitOfWork,
    deps: Deps,
    pair: tuple[Teacher, Student],
    series: Series,
    done: list[Occurrence],
) -> None:
    """Tell the other party once, audit, and commit."""
    teacher, student = pair
    now = deps.clock.now()
    notice = SeriesBooked(
        **_facts(series, teacher, student),  # type: ignore[arg-type]
        by=series.created_by,
        booked=tuple(o.starts_at for o in done if o.booking_id is not None),
        skipped=tuple(o.starts_at for o in done if o.skipped is not None),
        ongoing=series.until_date is None,
    )
    if series.created_by == Actor.STUDENT:
        if teacher.settings.notifications_enabled:
            await _tell(uow, notice, teacher.telegram_id, str(series.id), now)
    else:
        await _tell(uow, notice, student.telegram_id, str(series.id), now)
    actor = student.telegram_id if series.created_by == Actor.STUDENT else teacher.telegram_id
    booked = sum(1 for o in done if o.booking_id is not None)
    record = audit(
        "series.booked",
        "ok",
        deps,
        actor=actor,
        teacher_id=teacher.id,
        student_id=student.id,
        series_id=series.id,
        booked=booked,
        skipped=len(done) - booked,
    )
    await uow.audit.add(record)
    await uow.commit()


def _started(
    pair: tuple[Teacher, Student], series: Series, done: list[Occurrence], zone: str, weeks: int
) -> Started:
    teacher, student = pair
    booked = tuple(o for o in done if o.booking_id is not None)
    skipped = tuple(o for o in done if o.skipped is not None)
    later = 0 if weeks == rules.ONGOING else max(weeks - len(done), 0)
    return Started(
        series.id,
        series.student_id,
        student.name,
        teacher.display_name,
        zone,
        teacher.settings.timezone,
        booked,
        skipped,
        weeks == rules.ONGOING,
        later,
    )


@records_refusals
async def offer(deps: Deps, telegram_id: int, student_id: int, slot_id: int) -> SeriesOffer:
    """The weeks a student may choose for a series starting at this slot."""
    async with deps.reading() as uow:
        student, teacher = await resolve_student(uow, deps, telegram_id, student_id)
        slot = await uow.slots.get(slot_id)
        account = await uow.accounts.get(telegram_id)
    refusal = rules.refusal_to_start(teacher.settings, rules.ONGOING)
    if refusal is not None:
        raise refusal
    if slot is None or slot.teacher_id != teacher.id:
        raise SlotRefused(SlotUnavailable.GONE)
    zone = viewer_zone(account, teacher)
    return SeriesOffer(
        student.id,
        slot.id,
        slot.starts_at,
        slot.ends_at,
        slot.subject,
        zone,
        teacher.settings.timezone,
        rules.week_choices(teacher.settings),
    )


@records_refusals
async def start(deps: Deps, telegram_id: int, student_id: int, slot_id: int, weeks: int) -> Started:
    """A student books every week at a slot's time, for `weeks` weeks (ONGOING: no end)."""
    async with deps.uow() as uow:
        student, teacher = await resolve_student(uow, deps, telegram_id, student_id)
        account = await uow.accounts.get(telegram_id)
        pair = (teacher, student)
        series, done = await _start(uow, deps, pair, slot_id, weeks, Actor.STUDENT)
        await _announce(uow, deps, pair, series, done)
    return _started(pair, series, done, viewer_zone(account, teacher), weeks)


@records_refusals
async def start_for_student(
    deps: Deps, telegram_id: int, student_id: int, slot_id: int, weeks: int
) -> Started:
    """A teacher books a weekly series for their student; the student is told once."""
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        student = await own_student(uow, deps, teacher, student_id)
        pair = (teacher, student)
        series, done = await _start(uow, deps, pair, slot_id, weeks, Actor.TEACHER)
        await _announce(uow, deps, pair, series, done)
    return _started(pair, series, done, teacher.settings.timezone, weeks)


async def roll_forward(deps: Deps) -> int:
    """Book the weeks of every active series that came within the horizon; idempotent."""
    async with deps.reading() as uow:
        active = await uow.series.active()
    booked = 0
    for series in active:
        try:  # own transaction per series: one failing series holds back no other
            booked += await _roll(deps, series.id)
        except Exception:
            log.exception("series=%s roll forward failed", series.id)
    return booked


async def _roll(deps: Deps, series_id: int) -> int:
    """One series rolled forward under the rules in force now; skipped weeks told once."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        series = await uow.series.get(series_id)
        if series is None or series.status != SeriesStatus.ACTIVE:
            return 0
        teacher = await uow.teachers.get(series.teacher_id)
        student = await uow.students.get(series.student_id)
        if teacher is None or student is None or student.archived:
            await uow.series.end(series_id, now)
            await uow.commit()
            return 0
        zone = teacher.settings.timezone
        horizon_end = now + timedelta(days=teacher.settings.horizon_days) - ROLL_MARGIN
        today = now.astimezone(ZoneInfo(zone)).date()
        await uow.students.lock(student.id)
        tried = await uow.series.tried(series.id)
        days = rules.due_dates(series, zone, tried, max(today, series.first_date), horizon_end)
        done = await _fill(uow, deps, (teacher, student), series, days)
        skipped = tuple(o.starts_at for o in done if o.skipped is not None)
        if skipped:
            notice = SeriesSkipped(**_facts(series, teacher, student), skipped=skipped)  # type: ignore[arg-type]
            key = f"{series.id}:{done[0].on_date.isoformat()}"
            await _tell(uow, notice, student.telegram_id, key, now)
            if teacher.settings.notifications_enabled:
                await _tell(uow, notice, teacher.telegram_id, key, now)
        if rules.finished(series, zone, horizon_end):
            await uow.series.end(series.id, now)
        await uow.commit()
    return sum(1 for o in done if o.booking_id is not None)


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
            await uow.outbox.withdraw_for_booking(each.id, REMINDER_KINDS)
            cancelled.append(each_slot.starts_at)
    last = slot.starts_at.astimezone(_zone(teacher)).date() - timedelta(days=1)
    await uow.series.end(series.id, now, until=last)
    notice = SeriesCancelled(
        **_facts(series, teacher, student),  # type: ignore[arg-type]
        by=by,
        cancelled=tuple(cancelled),
        reason=reason,
    )
    if by == Actor.STUDENT:
        if teacher.settings.notifications_enabled:
            await _tell(uow, notice, teacher.telegram_id, str(lesson.id), now)
    else:
        await _tell(uow, notice, student.telegram_id, str(lesson.id), now)
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
