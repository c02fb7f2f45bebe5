"""The student's calendar: weeks, days and slots in the viewer's zone, offers and bookings.

Every call re-reads the database, so an old button only ever shows the current state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain.booking import (
    refusal_to_book,
    require_coming,
    student_change,
    undo_minutes_if_booked,
)
from bot.domain.errors import NotFound, SlotRefused, SlotUnavailable
from bot.domain.model import Slot, Student, Teacher
from bot.services import booking_confirm
from bot.services.booking import Lesson, lesson_of, refusal_for
from bot.services.context import Deps, audit, records_refusals, refused
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
from bot.services.student_home import resolve_student, viewer_zone

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

WEEK = 7


@dataclass
class _Scope:
    student: Student
    teacher: Teacher
    view: View
    slots: list[Slot]
    mine: set[int]
    now: datetime


def part_of(moment: datetime, zone: str) -> Part:
    """Morning, afternoon or evening of a moment, in a zone."""
    hour = moment.astimezone(ZoneInfo(zone)).hour
    return Part.MORNING if hour < 12 else Part.AFTERNOON if hour < 17 else Part.EVENING


def _day_of(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


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


async def _scope(uow: SqlUnitOfWork, deps: Deps, telegram_id: int, cursor: Cursor) -> _Scope:
    """Everything a calendar screen needs, read fresh in one transaction."""
    student_id, moving, filters = cursor.student_id, cursor.moving, cursor.filters
    if moving and not student_id:
        found = await uow.bookings.get(moving)
        student_id = found[0].student_id if found else 0
    student, teacher = await resolve_student(uow, deps, telegram_id, student_id)
    moved = await _moving(uow, deps, telegram_id, student, teacher, moving) if moving else None
    account = await uow.accounts.get(telegram_id)
    zone = viewer_zone(account, teacher)
    now = deps.clock.now()
    horizon = now + timedelta(days=teacher.settings.horizon_days)
    slots = await uow.slots.between(teacher.id, now, horizon)
    subjects = sorted({s.subject for s in slots if s.subject})
    subject = filters.subject if 0 < filters.subject <= len(subjects) and len(subjects) > 1 else 0
    view = View(
        student_id=student.id,
        teacher_name=teacher.display_name,
        zone=zone,
        teacher_zone=teacher.settings.timezone,
        subjects=subjects if len(subjects) > 1 else [],
        filters=Filters(subject, filters.part),
        today=_day_of(now, zone),
        last_day=_day_of(horizon, zone),
        moving=moved,
    )
    mine = {s.id for _, s in await uow.bookings.of_student(student.id, after=now)}
    return _Scope(student, teacher, view, slots, mine, now)


def _shown(scope: _Scope, slot: Slot) -> SlotView | None:
    """The slot as the student sees it, or None when filtered out or not bookable."""
    view = scope.view
    if view.filters.subject and slot.subject != view.subjects[view.filters.subject - 1]:
        return None
    if view.filters.part and part_of(slot.starts_at, view.zone) != view.filters.part:
        return None
    reason = refusal_to_book(slot, scope.teacher.settings, scope.now)
    if slot.id in scope.mine:
        state = SlotState.MINE
    elif reason is None:
        state = SlotState.FREE
    elif reason == SlotUnavailable.FULL:
        state = SlotState.FULL
    else:
        return None
    return SlotView(
        slot.id, slot.starts_at, slot.ends_at, slot.subject, slot.free, slot.capacity, state
    )


def _clamp(scope: _Scope, ordinal: int) -> date:
    """A requested date within [today, last bookable day]; 0 or anything unreadable is today."""
    view = scope.view
    if not ordinal:
        return view.today
    try:
        wanted = date.fromordinal(ordinal)
    except (ValueError, OverflowError):
        return view.today
    return min(max(wanted, view.today), view.last_day)


def _day_view(scope: _Scope, day: date) -> DayView:
    shown = (_shown(scope, s) for s in scope.slots if _day_of(s.starts_at, scope.view.zone) == day)
    return DayView(scope.view, day, [s for s in shown if s is not None])


def _counts(scope: _Scope, days: list[date]) -> list[DayCount]:
    """How many slots of each day the student could book, and how many they hold."""
    states: dict[date, list[SlotState]] = {day: [] for day in days}
    for slot in scope.slots:
        found = states.get(_day_of(slot.starts_at, scope.view.zone))
        shown = _shown(scope, slot) if found is not None else None
        if found is not None and shown is not None:
            found.append(shown.state)
    return [
        DayCount(day, held.count(SlotState.FREE), held.count(SlotState.MINE))
        for day, held in states.items()
    ]


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def _months(view: View) -> list[date]:
    first, months = view.today.replace(day=1), []
    while first <= view.last_day:
        months.append(first)
        first = _next_month(first)
    return months


@records_refusals
async def week(deps: Deps, telegram_id: int, cursor: Cursor) -> Week:
    """The week from the cursor's day, counting bookable slots per day."""
    async with deps.reading() as uow:
        scope = await _scope(uow, deps, telegram_id, cursor)
    view = scope.view
    first = _clamp(scope, cursor.day)
    days = [first + timedelta(days=i) for i in range(WEEK)]
    days = [d for d in days if d <= view.last_day]
    counts = _counts(scope, days)
    previous = max(first - timedelta(days=WEEK), view.today) if first > view.today else None
    following = first + timedelta(days=WEEK)
    next_ = following if following <= view.last_day else None
    return Week(view, first, counts, previous, next_, _months(view))


@records_refusals
async def month(deps: Deps, telegram_id: int, cursor: Cursor) -> Month:
    """The month holding the cursor's day, clamped to today..the horizon."""
    async with deps.reading() as uow:
        scope = await _scope(uow, deps, telegram_id, cursor)
    view = scope.view
    first = _clamp(scope, cursor.day).replace(day=1)
    following = _next_month(first)
    days, day = [], max(first, view.today)
    while day < following and day <= view.last_day:
        days.append(day)
        day += timedelta(days=1)
    previous = (first - timedelta(days=1)).replace(day=1) if first > view.today else None
    next_ = following if following <= view.last_day else None
    return Month(view, first, _counts(scope, days), previous, next_)


@records_refusals
async def day(deps: Deps, telegram_id: int, cursor: Cursor) -> DayView:
    """The cursor's day: its slots free (with seats left), booked, or the student's own."""
    async with deps.reading() as uow:
        scope = await _scope(uow, deps, telegram_id, cursor)
    return _day_view(scope, _clamp(scope, cursor.day))


async def _offered(
    uow: SqlUnitOfWork, deps: Deps, telegram_id: int, cursor: Cursor, slot_id: int
) -> tuple[_Scope, Slot, SlotUnavailable | None]:
    """The screen's scope, the slot and why it may not be booked; a foreign slot is audited."""
    scope = await _scope(uow, deps, telegram_id, cursor)
    slot = await uow.slots.get(slot_id)
    if slot is None or slot.teacher_id != scope.teacher.id:
        event = audit(
            "slot.access",
            "refused:foreign",
            deps,
            actor=telegram_id,
            student_id=scope.student.id,
            slot_id=slot_id,
        )
        raise NotFound().audited(event)
    moving = scope.view.moving.booking_id if scope.view.moving else None
    reason = await refusal_for(uow, scope.student, scope.teacher, slot, scope.now, moving)
    return scope, slot, reason


@records_refusals
async def offer(deps: Deps, telegram_id: int, cursor: Cursor, slot_id: int) -> Offer | Refreshed:
    """The confirmation card for a slot, or the refusal with the day as it is now."""
    async with deps.reading() as uow:
        scope, slot, reason = await _offered(uow, deps, telegram_id, cursor, slot_id)
    if reason is not None:
        return Refreshed(
            SlotRefused(reason), _day_view(scope, _day_of(slot.starts_at, scope.view.zone))
        )
    unfiltered = replace(scope, view=replace(scope.view, filters=Filters()))
    shown = _shown(unfiltered, slot)
    assert shown is not None
    settings = scope.teacher.settings
    undo = undo_minutes_if_booked(slot, settings, scope.now)
    return Offer(scope.view, shown, settings.cancel_window_minutes, undo)


async def confirm(deps: Deps, telegram_id: int, cursor: Cursor, slot_id: int) -> Booked | Refreshed:
    """Book the slot (or move the cursor's lesson to it) in one transaction; only a refused
    slot costs a read of its day, as it is now."""
    done = await booking_confirm.confirm(
        deps, telegram_id, cursor.student_id, cursor.moving, slot_id
    )
    if isinstance(done, Booked):
        return done
    at = replace(cursor, student_id=done.student_id).on(_day_of(done.starts_at, done.zone))
    return Refreshed(done.refusal, await day(deps, telegram_id, at))


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
