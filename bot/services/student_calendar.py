"""The student's calendar: weeks, days and slots in the viewer's zone, offers and bookings.

Every call re-reads the database, so an old button only ever shows the current state. A
screen reads only the days it shows (a range of one index, counted per day in SQL between day
boundaries computed once in the viewer's zone), so its cost does not grow with the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.booking import (
    BookableStarts,
    bookable_starts,
    refusal_to_book,
    require_coming,
    student_change,
    undo_minutes_if_booked,
)
from bot.domain.buffers import KeptClear, kept_clear, too_close
from bot.domain.errors import NotFound, SlotRefused, SlotUnavailable
from bot.domain.model import Account, Slot, Student, Teacher
from bot.services import booking_confirm, buffers
from bot.services.accounts import Identity, identity_in
from bot.services.booking import Lesson, lesson_of
from bot.services.calendar_days import clamp, day_of, day_spans, months, next_month, part_of
from bot.services.context import Deps, audit, records_refusals, refused
from bot.services.seats import refusal_for
from bot.services.student_calendar_model import (
    Booked,
    Cursor,
    DayCount,
    DayView,
    Filters,
    Month,
    Offer,
    Part,
    Refreshed,
    SlotState,
    SlotView,
    View,
    Week,
)
from bot.services.student_home import acting_for, viewer_zone

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

WEEK = 7
# Who is asking: the identity the update's middleware read, or a Telegram id to read it for.
Who = Identity | int


@dataclass
class CalendarScope:
    """What one student may see of one teacher's calendar now, in the viewer's view."""

    student: Student
    teacher: Teacher
    view: View
    now: datetime
    horizon: datetime
    starts: BookableStarts
    # The teacher's booked lessons near the days read, for the buffer rule (none without one).
    booked: list[Slot] = field(default_factory=list)


def _spans(scope: CalendarScope, days: list[date], part: Part) -> list[tuple[datetime, datetime]]:
    """Each day's span (the part of it the filter keeps) in UTC, within [now, horizon)."""
    return day_spans(days, part, scope.view.zone, scope.now, scope.horizon)


async def _identity(uow: SqlUnitOfWork, who: Who) -> Identity:
    """The identity given, or read in this unit of work for a bare Telegram id."""
    if isinstance(who, Identity):
        return who
    found = await identity_in(uow, who)
    return found or Identity(Account(telegram_id=who, first_name=""), is_teacher=False)


async def _moving(
    uow: SqlUnitOfWork, deps: Deps, telegram_id: int, student: Student, teacher: Teacher, bid: int
) -> Lesson:
    """The student's own lesson being rescheduled, if it may still be changed."""
    found = await uow.bookings.get(bid)
    if found is None or found[0].student_id != student.id:
        event = refused("booking.access", "refused:foreign", deps, telegram_id, booking_id=bid)
        raise NotFound().audited(event)
    old, slot = found
    now = deps.clock.now()
    require_coming(old, slot, now)
    student_change(slot, old, teacher.settings, now).require()
    return lesson_of(teacher, student, slot, old)


async def _scope(uow: SqlUnitOfWork, deps: Deps, who: Who, cursor: Cursor) -> CalendarScope:
    """Who is looking, at which teacher, in which zone and with which filters (no slots yet)."""
    identity = await _identity(uow, who)
    telegram_id = identity.account.telegram_id
    student_id, moving, filters = cursor.student_id, cursor.moving, cursor.filters
    if moving and not student_id:
        found = await uow.bookings.get(moving)
        student_id = found[0].student_id if found else 0
    student, teacher = await acting_for(uow, deps, identity, student_id)
    moved = await _moving(uow, deps, telegram_id, student, teacher, moving) if moving else None
    zone = viewer_zone(identity.account, teacher)
    now = deps.clock.now()
    horizon = now + timedelta(days=teacher.settings.horizon_days)
    subjects = await uow.slots.subjects_between(teacher.id, now, horizon)
    subject = filters.subject if 0 < filters.subject <= len(subjects) and len(subjects) > 1 else 0
    view = View(
        student_id=student.id,
        teacher_name=teacher.display_name,
        zone=zone,
        teacher_zone=teacher.settings.timezone,
        subjects=subjects if len(subjects) > 1 else [],
        filters=Filters(subject, filters.part),
        today=day_of(now, zone),
        last_day=day_of(horizon, zone),
        moving=moved,
    )
    return CalendarScope(
        student, teacher, view, now, horizon, bookable_starts(teacher.settings, now)
    )


def slot_as_seen(scope: CalendarScope, slot: Slot, mine: bool) -> SlotView | None:
    """The slot as the student sees it, or None when filtered out or not bookable."""
    view = scope.view
    if view.filters.subject and slot.subject != view.subjects[view.filters.subject - 1]:
        return None
    if view.filters.part and part_of(slot.starts_at, view.zone) != view.filters.part:
        return None
    reason = refusal_to_book(slot, scope.teacher.settings, scope.now)
    if mine:
        state = SlotState.MINE
    elif reason is None and too_close(slot, scope.booked, scope.teacher.settings.buffer_minutes):
        return None  # the teacher's buffer next to a booked lesson: not offered
    elif reason is None:
        state = SlotState.FREE
    elif reason == SlotUnavailable.FULL:
        state = SlotState.FULL
    else:
        return None
    return SlotView(
        slot.id, slot.starts_at, slot.ends_at, slot.subject, slot.free, slot.capacity, state
    )


async def _day_view(uow: SqlUnitOfWork, scope: CalendarScope, day: date) -> DayView:
    """One day's slots as the student sees them (only that day is read)."""
    [(start, end)] = _spans(scope, [day], Part.ANY)
    found = await uow.slots.seen_by(scope.teacher.id, scope.student.id, start, end)
    scope = await with_lessons_near(uow, scope, start, end)
    shown = (slot_as_seen(scope, slot, mine) for slot, mine in found)
    return DayView(scope.view, day, [s for s in shown if s is not None])


async def _counts(uow: SqlUnitOfWork, scope: CalendarScope, days: list[date]) -> list[DayCount]:
    """How many slots of each day the student could book, and how many they hold.

    One grouped count; the lessons booked near the shown days go in as the spans they keep
    clear, so a slot next to one is not counted, as the day view does not offer it.
    """
    view = scope.view
    subject = view.subjects[view.filters.subject - 1] if view.filters.subject else ""
    spans = _spans(scope, days, view.filters.part)
    clear: list[KeptClear] = []
    if spans:
        near = await with_lessons_near(uow, scope, spans[0][0], spans[-1][1])
        clear = kept_clear(near.booked, scope.teacher.settings.buffer_minutes)
    counts = await uow.slots.day_counts(
        scope.teacher.id, scope.student.id, spans, scope.starts, subject, clear
    )
    return [DayCount(day, *count) for day, count in zip(days, counts, strict=True)]


async def with_lessons_near(
    uow: SqlUnitOfWork, scope: CalendarScope, start: datetime, end: datetime
) -> CalendarScope:
    """The scope with the booked lessons that [start, end)'s slots must keep clear of.

    A slot overlapping another booked lesson is never offered (an extra lesson, overlapping
    hours), and a buffer widens that to the minutes around each lesson.
    """
    moving = scope.view.moving.slot_id if scope.view.moving else None
    booked = await buffers.booked_around(uow, scope.teacher, start, end, moving)
    return replace(scope, booked=booked)


@records_refusals
async def week(deps: Deps, who: Who, cursor: Cursor) -> Week:
    """The week from the cursor's day, counting bookable slots per day."""
    async with deps.reading() as uow:
        scope = await _scope(uow, deps, who, cursor)
        view = scope.view
        first = clamp(cursor.day, scope.view.today, scope.view.last_day)
        days = [first + timedelta(days=i) for i in range(WEEK)]
        days = [d for d in days if d <= view.last_day]
        counts = await _counts(uow, scope, days)
    previous = max(first - timedelta(days=WEEK), view.today) if first > view.today else None
    following = first + timedelta(days=WEEK)
    next_ = following if following <= view.last_day else None
    return Week(view, first, counts, previous, next_, months(view.today, view.last_day))


@records_refusals
async def month(deps: Deps, who: Who, cursor: Cursor) -> Month:
    """The month holding the cursor's day, clamped to today..the horizon."""
    async with deps.reading() as uow:
        scope = await _scope(uow, deps, who, cursor)
        view = scope.view
        first = clamp(cursor.day, scope.view.today, scope.view.last_day).replace(day=1)
        following = next_month(first)
        days, day = [], max(first, view.today)
        while day < following and day <= view.last_day:
            days.append(day)
            day += timedelta(days=1)
        counts = await _counts(uow, scope, days)
    previous = (first - timedelta(days=1)).replace(day=1) if first > view.today else None
    next_ = following if following <= view.last_day else None
    return Month(view, first, counts, previous, next_)


@records_refusals
async def day(deps: Deps, who: Who, cursor: Cursor) -> DayView:
    """The cursor's day: its slots free (with seats left), booked, or the student's own."""
    async with deps.reading() as uow:
        scope = await _scope(uow, deps, who, cursor)
        return await _day_view(uow, scope, clamp(cursor.day, scope.view.today, scope.view.last_day))


async def _slot_of(uow: SqlUnitOfWork, deps: Deps, scope: CalendarScope, slot_id: int) -> Slot:
    """A slot of the scope's teacher; any other is refused as not found, and audited."""
    slot = await uow.slots.get(slot_id)
    if slot is None or slot.teacher_id != scope.teacher.id:
        event = audit(
            "slot.access",
            "refused:foreign",
            deps,
            actor=scope.student.telegram_id,
            student_id=scope.student.id,
            slot_id=slot_id,
        )
        raise NotFound().audited(event)
    return slot


@records_refusals
async def offer(deps: Deps, who: Who, cursor: Cursor, slot_id: int) -> Offer | Refreshed:
    """The confirmation card for a slot, or the refusal with the day as it is now."""
    async with deps.reading() as uow:
        scope = await _scope(uow, deps, who, cursor)
        slot = await _slot_of(uow, deps, scope, slot_id)
        moving = scope.view.moving.booking_id if scope.view.moving else None
        reason = await refusal_for(uow, scope.student, scope.teacher, slot, scope.now, moving)
        if reason is not None:
            on = day_of(slot.starts_at, scope.view.zone)
            return Refreshed(SlotRefused(reason), await _day_view(uow, scope, on))
    unfiltered = replace(scope, view=replace(scope.view, filters=Filters()))
    shown = slot_as_seen(unfiltered, slot, mine=False)  # a slot of one's own is refused above
    assert shown is not None
    settings = scope.teacher.settings
    undo = undo_minutes_if_booked(slot, settings, scope.now)
    return Offer(
        scope.view, shown, settings.cancel_window_minutes, undo, series=settings.series_enabled
    )


async def confirm(
    deps: Deps, who: Who, cursor: Cursor, slot_id: int, note: str = ""
) -> Booked | Refreshed:
    """Book the slot (or move the cursor's lesson to it) in one transaction, with the student's
    note if any; only a refused slot costs a read of its day, as it is now."""
    # The account the update's identity read gives the viewer's zone without a second read.
    account = who.account if isinstance(who, Identity) else None
    telegram_id = who.account.telegram_id if isinstance(who, Identity) else who
    done = await booking_confirm.confirm(
        deps, telegram_id, cursor.student_id, cursor.moving, slot_id, account, note
    )
    if isinstance(done, Booked):
        return done
    at = replace(cursor, student_id=done.student_id).on(day_of(done.starts_at, done.zone))
    return Refreshed(done.refusal, await day(deps, who, at))


__all__ = [
    "Booked",
    "DayView",
    "Filters",
    "Month",
    "Offer",
    "Part",
    "Refreshed",
    "SlotState",
    "View",
    "Week",
]
