"""/stats and /students as the database aggregates them: period edges in the teacher's zone,
cancelled against attended, empty periods, activity, refusals, one statement per roster page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import ManualClock
from bot.domain.model import AuditEvent, Teacher
from bot.services import attendance, booking, stats, students
from bot.services.context import Deps
from storage.engine import read_factory, uow_factory
from tests.factories import VAULT, make_slots, make_student, make_teacher

TEACHER, OTHER_TEACHER = 9000, 9100
NEW_YORK = "America/New_York"  # UTC-5 in November: local midnight is 05:00 UTC


def _deps(engine: AsyncEngine, clock: ManualClock) -> Deps:
    return Deps(uow=uow_factory(engine), read=read_factory(engine), clock=clock, vault=VAULT)


def _utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def _book_at(
    deps: Deps, teacher: Teacher, account: int, student_id: int, at: datetime, minutes: int = 30
) -> int:
    (slot,) = await make_slots(deps.uow, teacher, at, minutes=minutes)
    return (await booking.book(deps, account, student_id, slot.id)).booking_id


async def test_the_week_holds_exactly_the_teachers_local_days_and_sorts_what_happened(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    # Now is Monday 23 Nov 09:00 UTC, 04:00 in New York: the week is Mon 23 .. Sun 29 local.
    deps, now = _deps(engine, clock), clock.now()
    clock.set(now - timedelta(days=3))
    teacher = await make_teacher(deps.uow, clock.now(), TEACHER, timezone=NEW_YORK)
    ana = await make_student(deps.uow, teacher, 501, clock.now())
    ben = await make_student(deps.uow, teacher, 502, clock.now())
    await _book_at(deps, teacher, 501, ana.id, _utc(23, 4, 30))  # Sun 23:30 local: last week
    no_show = await _book_at(deps, teacher, 501, ana.id, _utc(23, 5))  # Mon 00:00 local
    taken = await _book_at(deps, teacher, 501, ana.id, _utc(23, 6))  # Mon 01:00 local
    await _book_at(deps, teacher, 501, ana.id, _utc(30, 4))  # Sun 29 23:00 local: this week
    await _book_at(deps, teacher, 501, ana.id, _utc(30, 5))  # Mon 30 00:00 local: next week
    by_student = await _book_at(deps, teacher, 502, ben.id, _utc(26, 15))
    by_teacher = await _book_at(deps, teacher, 502, ben.id, _utc(27, 15))
    await booking.cancel_by_student(deps, 502, by_student)
    await booking.cancel_by_teacher(deps, TEACHER, by_teacher, "ill")
    clock.set(now)
    await attendance.mark_attendance(deps, TEACHER, no_show, False)
    await attendance.mark_attendance(deps, TEACHER, taken, True)

    f = await stats.teacher_stats(deps, TEACHER, "week")

    assert (f.period.first_day.isoformat(), f.period.last_day.isoformat()) == (
        "2026-11-23",
        "2026-11-29",
    )
    c = f.counts
    assert (c.made, c.taken, c.no_shows, c.upcoming) == (5, 1, 1, 1)
    assert (c.cancelled, c.cancelled_by_student, c.cancelled_by_teacher) == (2, 1, 1)
    # Standing lessons only, on the teacher's local weekday and hour: Mon 00, Mon 01, Sun 23.
    assert f.heat[0][0] == 1 and f.heat[0][1] == 1 and f.heat[6][23] == 1
    assert sum(map(sum, f.heat)) == 3
    assert f.busiest_days == [(0, 2), (6, 1)]
    assert f.weeks == [(f.period.first_day, 3)]


async def test_an_empty_period_shows_zeros_and_every_week(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps = _deps(engine, clock)
    teacher = await make_teacher(deps.uow, clock.now(), TEACHER)
    await make_student(deps.uow, teacher, 501, clock.now())

    f = await stats.teacher_stats(deps, TEACHER, "90d")

    assert f.counts.made == 0 and f.counts.cancellation_rate is None
    assert sum(map(sum, f.heat)) == 0
    assert f.busiest_days == [] and f.subjects == [] and f.median_lead is None
    assert len(f.weeks) >= 13 and all(n == 0 for _, n in f.weeks)
    assert (f.funnel.created, f.funnel.opened, f.funnel.booked) == (1, 0, 0)
    assert f.refusals == {}
    assert (f.active_students, f.inactive_students) == (1, 0)


async def test_activity_counts_the_students_own_acts_only(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps, now = _deps(engine, clock), clock.now()
    clock.set(now - timedelta(days=100))
    teacher = await make_teacher(
        deps.uow, clock.now(), TEACHER, inactive_after_days=30, horizon_days=365
    )
    cancels = await make_student(deps.uow, teacher, 501, clock.now())
    cancelled = await make_student(deps.uow, teacher, 502, clock.now())
    async with deps.uow() as u:
        await u.students.add(teacher.id, "Never came", 5, clock.now())
        await u.commit()
    mine = await _book_at(deps, teacher, 501, cancels.id, now + timedelta(days=10))
    theirs = await _book_at(deps, teacher, 502, cancelled.id, now + timedelta(days=11))
    clock.set(now - timedelta(days=5))
    await booking.cancel_by_student(deps, 501, mine)  # the student's own act: active
    await booking.cancel_by_teacher(deps, TEACHER, theirs, "moved away")  # not theirs
    async with deps.uow() as u:
        await u.students.add(teacher.id, "Just enrolled", 6, clock.now())
        await u.commit()
    clock.set(now)

    f = await stats.teacher_stats(deps, TEACHER)

    each = [
        (await stats.student_stats(deps, TEACHER, name)).active
        for name in ("Student 501", "Student 502", "Never came", "Just enrolled")
    ]
    assert each == [True, False, False, True]
    assert (f.active_students, f.inactive_students) == (2, 2)


async def test_refused_link_openings_are_the_periods_own_students_only(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps, now = _deps(engine, clock), clock.now()
    teacher = await make_teacher(deps.uow, now, TEACHER)
    other = await make_teacher(deps.uow, now, OTHER_TEACHER)
    mine = await make_student(deps.uow, teacher, 501, now)
    foreign = await make_student(deps.uow, other, 601, now)
    events = [
        (mine.id, now - timedelta(hours=1), "link.opened", "link_refused:expired"),
        (mine.id, now - timedelta(hours=2), "link.opened", "link_refused:expired"),
        (mine.id, now - timedelta(hours=3), "link.opened", "link_refused:revoked"),
        (mine.id, now - timedelta(hours=4), "link.opened", "ok"),
        (mine.id, now - timedelta(hours=5), "link.opened", "linkXrefused:odd"),  # not a refusal
        (mine.id, now - timedelta(days=8), "link.opened", "link_refused:expired"),  # last week
        (foreign.id, now - timedelta(hours=1), "link.opened", "link_refused:expired"),
    ]
    async with deps.uow() as u:
        for student_id, at, name, outcome in events:
            await u.audit.add(AuditEvent(at, name, outcome, 1, None, student_id))
        await u.commit()

    f = await stats.teacher_stats(deps, TEACHER, "week")

    assert f.refusals == {"expired": 2, "revoked": 1}


@contextmanager
def _statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_a_roster_page_counts_coming_lessons_in_one_statement(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps, now = _deps(engine, clock), clock.now()
    teacher = await make_teacher(deps.uow, now, TEACHER)
    ana = await make_student(deps.uow, teacher, 501, now)
    await make_student(deps.uow, teacher, 502, now)
    first = await _book_at(deps, teacher, 501, ana.id, now + timedelta(days=1))
    await _book_at(deps, teacher, 501, ana.id, now + timedelta(days=2))
    await _book_at(deps, teacher, 501, ana.id, now + timedelta(days=3))
    await booking.cancel_by_student(deps, 501, first)  # cancelled: not coming
    with _statements(engine) as few:
        page = await students.roster(deps, TEACHER)
    assert [(e.student.name, e.upcoming) for e in page.entries] == [
        ("Student 501", 2),
        ("Student 502", 0),
    ]
    for account in range(503, 509):
        await make_student(deps.uow, teacher, account, now)
    with _statements(engine) as many:
        page = await students.roster(deps, TEACHER)
    assert len(page.entries) == students.PAGE_SIZE
    assert len(many) == len(few)  # a full page costs what a page of two does
