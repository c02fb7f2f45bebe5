"""The booking portal's use cases: calendar, book, my bookings, cancel, move, calendar file.

Each runs the link's checks (bot.services.portal.enter) in its own transaction and then the
chat's own steps (seats.take, booking.commit_booking, cancel_lesson, commit_move, the series
start), so a lesson booked here gets exactly the notices, reminders and audit of the chat.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.booking import bookable_starts, require_coming, student_change
from bot.domain.errors import InvalidInput, NotFound
from bot.domain.model import Actor, Booking, BookingStatus, Slot
from bot.domain.notes import clean_note
from bot.services import booking, exports, places, seats
from bot.services import series as series_service
from bot.services.booking import Lesson, lesson_of
from bot.services.calendar_days import day_of, day_spans
from bot.services.context import Deps, audit, records_refusals
from bot.services.notify import Booked
from bot.services.portal import Caller, Entry, enter
from bot.services.student_calendar import (  # the chat's own slot rules
    CalendarScope,
    slot_as_seen,
    with_lessons_near,
)
from bot.services.student_calendar_model import Filters, Part, SlotState, SlotView, View

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

PAST_SHOWN = 5  # past lessons My bookings lists


@dataclass(frozen=True)
class PortalSlot:
    """A slot as the student sees it, with their booking's id when it is theirs."""

    view: SlotView
    booking_id: int | None


@dataclass(frozen=True)
class CalendarPage:
    """The slots of some days from `start`, in the viewer's zone."""

    zone: str
    start: date
    days: int
    slots: list[PortalSlot]


@dataclass(frozen=True)
class OwnLesson:
    """A lesson of the student's, with whether they may still cancel or move it now."""

    lesson: Lesson
    may_change: bool


@dataclass(frozen=True)
class Made:
    """A booking made (or moved to): the lesson, the zone, and weeks a series skipped."""

    zone: str
    lesson: OwnLesson
    skipped: list[datetime]


def _own(
    deps: Deps, entry: Entry, slot: Slot, booked: Booking, place: str | None = None
) -> OwnLesson:
    lesson = replace(lesson_of(entry.teacher, entry.student, slot, booked), place=place)
    coming = booked.status == BookingStatus.CONFIRMED and slot.starts_at > deps.clock.now()
    change = student_change(slot, booked, entry.teacher.settings, deps.clock.now())
    return OwnLesson(lesson, coming and change.allowed)


@records_refusals
async def calendar(
    deps: Deps, token: str, caller: Caller, start: date | None, days: int, subject: str, part: Part
) -> CalendarPage:
    """Slots of `days` days from `start` (today if None), as the chat's calendar shows them."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        entry = await enter(uow, deps, token, caller)
        settings = entry.teacher.settings
        horizon = now + timedelta(days=settings.horizon_days)
        subjects = await uow.slots.subjects_between(entry.teacher.id, now, horizon)
        if subject and subject not in subjects:
            raise InvalidInput("subject", subject)
        chosen = subjects.index(subject) + 1 if subject else 0
        view = View(
            student_id=entry.student.id,
            teacher_name=entry.teacher.display_name,
            zone=entry.zone,
            teacher_zone=settings.timezone,
            subjects=subjects,
            filters=Filters(chosen, part),
            today=day_of(now, entry.zone),
            last_day=day_of(horizon, entry.zone),
        )
        first = start or view.today
        shown_days = [first + timedelta(days=i) for i in range(days)]
        spans = [
            s for s in day_spans(shown_days, Part.ANY, entry.zone, now, horizon) if s[0] < s[1]
        ]
        await uow.commit()  # the checks' writes (an account seen, a binding) are kept
        if not spans:
            return CalendarPage(entry.zone, first, days, [])
        scope = CalendarScope(
            entry.student, entry.teacher, view, now, horizon, bookable_starts(settings, now)
        )
        begin, end = spans[0][0], spans[-1][1]
        found = await uow.slots.seen_by(entry.teacher.id, entry.student.id, begin, end)
        scope = await with_lessons_near(uow, scope, begin, end)
        held = await uow.bookings.of_student(entry.student.id, after=now)
    mine = {s.id: b.id for b, s in held if b.status == BookingStatus.CONFIRMED}
    shown = ((slot_as_seen(scope, slot, own), slot.id) for slot, own in found)
    slots = [
        PortalSlot(v, mine.get(slot_id) if v.state == SlotState.MINE else None)
        for v, slot_id in shown
        if v is not None
    ]
    return CalendarPage(entry.zone, first, days, slots)


@records_refusals
async def book(
    deps: Deps, token: str, caller: Caller, slot_id: int, weeks: int | None, note: str = ""
) -> Made:
    """Book the slot (or, with weeks, a weekly series from it) as the chat's Confirm does;
    the student's note goes on the lesson (a series: its first lesson)."""
    note = clean_note(note)
    async with deps.uow() as uow:
        entry = await enter(uow, deps, token, caller)
        pair = (entry.teacher, entry.student)
        if weeks is not None:
            started, done = await series_service._start(
                uow, deps, pair, slot_id, weeks, Actor.STUDENT
            )
            first = next(o for o in done if o.booking_id is not None)
            assert first.booking_id is not None
            if note:
                await uow.bookings.set_notes(first.booking_id, student_note=note)
            found = await uow.bookings.get(first.booking_id)
            assert found is not None
            await series_service._announce(uow, deps, pair, started, done)
            skipped = [o.starts_at for o in done if o.skipped is not None]
            place = await places.of_booking(uow, found[0].id)
            return Made(entry.zone, _own(deps, entry, found[1], found[0], place), skipped)
        slot = await seats.slot_of(uow, entry.teacher, slot_id)
        made = await seats.take(uow, deps, entry.student, slot, entry.teacher)
        if note:  # before the notices, so the teacher's notice can show it
            await uow.bookings.set_notes(made.id, student_note=note)
            made.student_note = note
        booked = Booked(entry.teacher, entry.student, slot, made)
        await booking.commit_booking(uow, deps, caller.telegram_id, booked)
        place = await places.of_booking(uow, made.id)
    return Made(entry.zone, _own(deps, entry, slot, made, place), [])


@records_refusals
async def my_bookings(
    deps: Deps, token: str, caller: Caller
) -> tuple[str, list[OwnLesson], list[OwnLesson]]:
    """The zone, the student's lessons to come and the last few past ones."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        entry = await enter(uow, deps, token, caller)
        rows = await uow.bookings.of_student(entry.student.id)
        found = await places.of_bookings(uow, [b.id for b, _ in rows])
        await uow.commit()
    lessons = [
        _own(deps, entry, slot, b, place.place if (place := found.get(b.id)) else None)
        for b, slot in rows
    ]
    upcoming = [o for o in lessons if o.lesson.ends_at > now]
    past = [o for o in lessons if o.lesson.ends_at <= now][-PAST_SHOWN:]
    return entry.zone, upcoming, past


async def _own_booking(
    uow: SqlUnitOfWork, deps: Deps, entry: Entry, booking_id: int, actor: int | None
) -> tuple[Booking, Slot]:
    """A booking of the link's student; anyone else's is not found (and audited)."""
    found = await uow.bookings.get(booking_id)
    if found is None or found[0].student_id != entry.student.id:
        event = audit(
            "booking.access",
            "refused:foreign",
            deps,
            actor=actor,
            student_id=entry.student.id,
            booking_id=booking_id,
        )
        raise NotFound().audited(event)
    return found


async def _changeable(
    uow: SqlUnitOfWork, deps: Deps, token: str, caller: Caller, booking_id: int, now: datetime
) -> tuple[Entry, Booking, Slot]:
    """The caller's own coming lesson, which the teacher's rules still let them change."""
    entry = await enter(uow, deps, token, caller)
    booked, slot = await _own_booking(uow, deps, entry, booking_id, caller.telegram_id)
    require_coming(booked, slot, now)
    student_change(slot, booked, entry.teacher.settings, now).require()
    return entry, booked, slot


@records_refusals
async def cancel(deps: Deps, token: str, caller: Caller, booking_id: int) -> Made:
    """Cancel the student's lesson under the chat's rule (window, undo period)."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        entry, booked, slot = await _changeable(uow, deps, token, caller, booking_id, now)
        lesson = Booked(entry.teacher, entry.student, slot, booked)
        done = await booking.cancel_lesson(uow, deps, caller.telegram_id, lesson, Actor.STUDENT)
    return Made(entry.zone, OwnLesson(done, False), [])


@records_refusals
async def reschedule(deps: Deps, token: str, caller: Caller, booking_id: int, slot_id: int) -> Made:
    """Move the student's lesson: the new seat is taken before the old one is given back."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        entry, old, old_slot = await _changeable(uow, deps, token, caller, booking_id, now)
        slot = await seats.slot_of(uow, entry.teacher, slot_id)
        new = await seats.take(uow, deps, entry.student, slot, entry.teacher, old.id)
        before = Booked(entry.teacher, entry.student, old_slot, old)
        await booking.commit_move(uow, deps, caller.telegram_id, before, (slot, new))
        place = await places.of_booking(uow, new.id)
    return Made(entry.zone, _own(deps, entry, slot, new, place), [])


@records_refusals
async def calendar_file(
    deps: Deps, token: str, caller: Caller, booking_id: int, summary: str
) -> tuple[str, bytes]:
    """The same .ics file the chat's Add to calendar sends for one of the student's lessons."""
    async with deps.uow() as uow:
        entry = await enter(uow, deps, token, caller)
        booked, slot = await _own_booking(uow, deps, entry, booking_id, caller.telegram_id)
        require_coming(booked, slot, deps.clock.now())
        moved_from = await uow.stats.moved_from(entry.teacher.id)
        place = await places.of_booking(uow, booked.id)
        await uow.commit()
    stamp = deps.clock.now()
    return exports.lesson_file(booked, slot, entry.teacher, moved_from, summary, stamp, place)
