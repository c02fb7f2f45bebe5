"""Lesson places: the teacher sets a default, one per set of hours and one per lesson.

Every screen, notice and calendar file asks `of_booking`/`of_bookings` when it is shown, so
what a student reads is the place as it is now, decided by `bot.domain.places.effective`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.model import AuditEvent, Teacher, Window
from bot.domain.places import PlaceChoice, PlaceLevel, effective, parse_place
from bot.services import booking as booking_core
from bot.services import place_notices, schedule
from bot.services.context import Deps, records_refusals
from bot.services.ownership import owned, teacher_act, teacher_of

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


@dataclass(frozen=True)
class Overview:
    """The teacher's default place and each set of hours with its own place (None: default)."""

    default: str | None
    hours: list[tuple[Window, str | None]]


@dataclass(frozen=True)
class LessonPlace:
    """One coming lesson, its own place (None: not set) and the place it shows."""

    lesson: booking_core.Lesson
    own: str | None
    shown: str | None
    told: int = 0  # after a change: how many students were told (0 or 1)


async def of_bookings(uow: SqlUnitOfWork, booking_ids: list[int]) -> dict[int, PlaceChoice]:
    """The place each of these lessons shows now (lessons without one are left out)."""
    found = await uow.places.of_bookings(booking_ids)
    return {key: choice for key, c in found.items() if (choice := effective(c)) is not None}


async def of_booking(uow: SqlUnitOfWork, booking_id: int) -> str | None:
    """The place one lesson shows now, or None."""
    choice = (await of_bookings(uow, [booking_id])).get(booking_id)
    return choice.place if choice else None


async def with_place(uow: SqlUnitOfWork, lesson: booking_core.Lesson) -> booking_core.Lesson:
    """The lesson with the place it shows now."""
    return replace(lesson, place=await of_booking(uow, lesson.booking_id))


@records_refusals
async def overview(deps: Deps, telegram_id: int) -> Overview:
    """The default and every set of hours with its own place, for the teacher's screen."""
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        default = await uow.places.default(teacher.id)
        windows = await uow.availability.windows(teacher.id)
        own = await uow.places.of_windows(w.id for w in windows)
    return Overview(default.place if default else None, [(w, own.get(w.id)) for w in windows])


@records_refusals
async def set_default(deps: Deps, telegram_id: int, text: str) -> int:
    """Set (or, with 'off', clear) the teacher's default place; how many students are told."""
    place = parse_place(text)
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        return await _set_level(uow, deps, teacher, None, place, now)


@records_refusals
async def set_hours(deps: Deps, telegram_id: int, window_id: int, text: str) -> int:
    """Set (or clear) the place of one set of the teacher's hours; how many students are told."""
    place = parse_place(text)
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        found = await uow.availability.get_window(window_id)
        window = owned(deps, teacher, "window", window_id, found)
        return await _set_level(uow, deps, teacher, window, place, now)


async def _set_level(
    uow: SqlUnitOfWork,
    deps: Deps,
    teacher: Teacher,
    window: Window | None,
    place: str | None,
    now: datetime,
) -> int:
    """Store the default place (window None) or one window's, audit it, tell whose lessons change.

    Only the coming lessons that show the level set can change: all for the default, the
    window's own for a set of hours. Commits; how many students are told.
    """
    lessons = await place_notices.coming(uow, teacher, now)
    store: Callable[[int, str | None, datetime], Awaitable[None]]
    if window is None:
        level, key, store = PlaceLevel.DEFAULT, teacher.id, uow.places.set_default
    else:
        lessons = [x for x in lessons if x[1].window_id == window.id]
        level, key, store = PlaceLevel.HOURS, window.id, uow.places.set_hours
    before = await place_notices.places_now(uow, lessons)
    await store(key, place, now)
    told = await place_notices.tell_changed(uow, teacher, lessons, before, now)
    await uow.audit.add(_audited(deps, teacher, level, key, place))
    await uow.commit()
    return told


@records_refusals
async def lesson_place(deps: Deps, telegram_id: int, booking_id: int) -> LessonPlace:
    """One of the teacher's coming lessons with its place; gone or begun ones are refused."""
    async with deps.reading() as uow:
        return await _lesson_place(uow, deps, telegram_id, booking_id)


@records_refusals
async def set_lesson(deps: Deps, telegram_id: int, booking_id: int, text: str) -> LessonPlace:
    """Set (or clear) one coming lesson's own place; the lesson as it shows now."""
    place = parse_place(text)
    now = deps.clock.now()
    async with deps.uow() as uow:
        found = await _lesson_place(uow, deps, telegram_id, booking_id)
        teacher = await teacher_of(uow, telegram_id)
        lessons = await _one(uow, booking_id)
        before = {booking_id: found.shown}
        await uow.places.set_lesson(booking_id, place, now)
        told = await place_notices.tell_changed(uow, teacher, lessons, before, now)
        event = _audited(deps, teacher, PlaceLevel.LESSON, booking_id, place)
        await uow.audit.add(replace(event, student_id=found.lesson.student_id))
        await uow.commit()
        return replace(await _lesson_place(uow, deps, telegram_id, booking_id), told=told)


async def _one(uow: SqlUnitOfWork, booking_id: int) -> place_notices.Lessons:
    """One booking (known to exist) with its slot and student, as the notices take lessons."""
    found = await uow.bookings.get(booking_id)
    assert found is not None
    student = await uow.students.get(found[0].student_id)
    assert student is not None
    return [(found[0], found[1], student)]


async def _lesson_place(
    uow: SqlUnitOfWork, deps: Deps, telegram_id: int, booking_id: int
) -> LessonPlace:
    # A lesson that began keeps the place it had: coming_lesson refuses it.
    lesson = await schedule.coming_lesson(uow, deps, telegram_id, booking_id)
    candidates = (await uow.places.of_bookings([booking_id])).get(booking_id)
    shown = effective(candidates) if candidates else None
    own = candidates.lesson.place if candidates and candidates.lesson else None
    place = shown.place if shown else None
    return LessonPlace(replace(lesson, place=place), own, place)


def _audited(deps: Deps, teacher: Teacher, level: str, key: int, place: str | None) -> AuditEvent:
    """What changed, never the place itself: a meeting link may hold its passcode."""
    outcome = "set" if place is not None else "cleared"
    return teacher_act(deps, teacher, "place.changed", outcome, level=level, object_id=key)
