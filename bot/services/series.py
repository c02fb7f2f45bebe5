"""Weekly series: start one from a slot (a student, or their teacher); the shared booking step.

Every occurrence is an ordinary booking that names its series, so reminders, cancelling or
moving one lesson, My bookings, /schedule, exports and stats need no special case. Seats are
taken with the usual conditional update, one occurrence at a time in start order (one lock
order for everyone on PostgreSQL); an occurrence that cannot be had is skipped and named.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain import series as rules
from bot.domain.errors import SlotRefused, SlotUnavailable
from bot.domain.model import Actor, Slot, Student, Teacher
from bot.domain.series import Series
from bot.domain.series_notices import SeriesBooked, SeriesFacts, SeriesNotice
from bot.services import notify, seats
from bot.services.context import Deps, audit, records_refusals
from bot.services.notify import Booked
from bot.services.ownership import teacher_and_student
from bot.services.series_model import Occurrence, SeriesOffer, Started
from bot.services.student_home import resolve_student, viewer_zone

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


def teacher_zone(teacher: Teacher) -> ZoneInfo:
    return ZoneInfo(teacher.settings.timezone)


def _nominal(day: date, series: Series, teacher: Teacher) -> datetime:
    """The UTC moment a date's lesson would start (for naming it, even in a spring gap)."""
    return datetime.combine(day, series.local_time, teacher_zone(teacher)).astimezone(UTC)


async def _refusal(
    uow: SqlUnitOfWork, pair: tuple[Teacher, Student], slot: Slot, now: datetime, by: Actor
) -> SlotUnavailable | None:
    """The booking rules for one occurrence, for whoever started the series (buffers too)."""
    teacher, student = pair
    return await seats.refusal_for(uow, student, teacher, slot, now, by=by)


async def _serialize(uow: SqlUnitOfWork, pair: tuple[Teacher, Student]) -> None:
    """The locks of a single booking, in its order (taking them again later is harmless).

    One student's bookings are serialized, and while a buffer is set two neighbouring lessons
    must not both pass it.
    """
    teacher, student = pair
    await uow.students.lock(student.id)
    if teacher.settings.buffer_minutes:
        await uow.teachers.lock(teacher.id)


async def _seat(uow: SqlUnitOfWork, slot_id: int, student_id: int, now: datetime) -> bool:
    """The seat held for the student's waitlist offer, else a free one: True if taken."""
    return await uow.waitlist.claim_offer(slot_id, student_id, now) or await uow.slots.take_seat(
        slot_id, now
    )


async def fill(
    uow: SqlUnitOfWork, deps: Deps, pair: tuple[Teacher, Student], series: Series, days: list[date]
) -> list[Occurrence]:
    """Claim each date and book it or record why not, in start order (the caller commits)."""
    teacher, student = pair
    await _serialize(uow, pair)
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
        if slot is not None and reason is None and not await _seat(uow, slot.id, student.id, now):
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


def facts(series: Series, teacher: Teacher, student: Student) -> SeriesFacts:
    """What every series notice says about the series."""
    return SeriesFacts(
        series_id=series.id,
        teacher_name=teacher.display_name,
        teacher_tz=teacher.settings.timezone,
        student_name=student.name,
        colour=student.colour,
        minutes=series.minutes,
        subject=series.subject,
    )


async def tell(
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
    await _serialize(uow, pair)
    slot = await uow.slots.get(slot_id)
    if slot is None or slot.teacher_id != teacher.id:
        raise SlotRefused(SlotUnavailable.GONE)
    reason = await _refusal(uow, pair, slot, now, by)
    if reason is not None:
        raise SlotRefused(reason)  # the series starts with the lesson chosen, or not at all
    local = slot.starts_at.astimezone(teacher_zone(teacher))
    minutes = int((slot.ends_at - slot.starts_at).total_seconds() // 60)
    at = (local.weekday(), local.time().replace(tzinfo=None), minutes, slot.subject)
    first = local.date()
    series = await uow.series.add(
        teacher.id, student.id, at, first, rules.until_date(first, weeks), by, now
    )
    horizon_end = now + timedelta(days=teacher.settings.horizon_days)
    days = rules.due_dates(series, teacher.settings.timezone, set(), first, horizon_end)
    done = await fill(uow, deps, pair, series, days)
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
        series=facts(series, teacher, student),
        by=series.created_by,
        booked=tuple(o.starts_at for o in done if o.booking_id is not None),
        skipped=tuple(o.starts_at for o in done if o.skipped is not None),
        ongoing=series.until_date is None,
    )
    if series.created_by == Actor.STUDENT:
        if teacher.settings.notifications_enabled:
            await tell(uow, notice, teacher.telegram_id, str(series.id), now)
    else:
        await tell(uow, notice, student.telegram_id, str(series.id), now)
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
        rules.last_dates(slot.starts_at, teacher.settings.timezone, teacher.settings),
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
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        pair = (teacher, student)
        series, done = await _start(uow, deps, pair, slot_id, weeks, Actor.TEACHER)
        await _announce(uow, deps, pair, series, done)
    return _started(pair, series, done, teacher.settings.timezone, weeks)
