"""Teacher analytics use cases: /stats for a period, one student's figures, their audit trail."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.model import AuditEvent, BookingStatus, ShareLink, Student, Teacher
from bot.services import analytics as a
from bot.services.context import Deps, records_refusals
from bot.services.ownership import student_of, teacher_and_student, teacher_of

if TYPE_CHECKING:
    from storage.repositories.stats import Activity
    from storage.uow import SqlUnitOfWork

EVER = datetime(2000, 1, 1, tzinfo=UTC)
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)
EVENTS_PER_PAGE = 10
PAST_LESSONS_SHOWN = 5


@dataclass(frozen=True)
class TeacherFigures:
    """Everything /stats shows for one period, in the teacher's zone."""

    period: a.Period
    timezone: str
    counts: a.Counts
    heat: list[list[int]]
    busiest_days: list[tuple[int, int]]
    busiest_hours: list[tuple[int, int]]
    subjects: list[tuple[str, int]]
    median_lead: timedelta | None
    weeks: list[tuple[date, int]]
    funnel: a.Funnel
    refusals: dict[str, int]
    active_students: int
    inactive_students: int


@dataclass(frozen=True)
class PastLesson:
    """A past standing lesson the teacher may mark attended or no-show."""

    booking_id: int
    starts_at: datetime
    ends_at: datetime
    subject: str
    attended: bool | None


@dataclass(frozen=True)
class StudentFigures:
    """One student's numbers, links and recent past lessons."""

    student: Student
    timezone: str
    counts: a.Counts
    last_activity: datetime | None
    active: bool
    inactive_after_days: int
    links: list[a.LinkFigures]
    past: list[PastLesson]


@dataclass(frozen=True)
class EventsPage:
    """One page of a student's audit trail, newest first."""

    student: Student
    timezone: str
    events: list[AuditEvent]
    page: int
    has_next: bool


async def teacher_stats(deps: Deps, telegram_id: int, period_key: str = "week") -> TeacherFigures:
    """The teacher's figures for this week, this month or the last 90 days.

    Only the period's bookings are read (a range scan of the teacher's slots); the roster's
    activity, the funnel's first bookings and the refusals are aggregated by the database.
    """
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone = teacher.settings.timezone
        key = period_key if period_key in a.PERIODS else "week"
        period = a.period_of(key, now, zone, month_holds_week=True)
        rows = await uow.stats.lessons_starting(teacher.id, period.start, period.end)
        links = [k for k, _ in await uow.stats.links(teacher.id)]
        opened = {k.student_id for k in links if period.start <= k.created_at < period.end}
        first = await uow.stats.first_bookings(teacher.id, sorted(opened))
        outcomes = await uow.stats.outcomes_between(
            teacher.id, period.start, period.end, "link.", a.REFUSED_PREFIX
        )
        roster = await uow.stats.roster_activity(teacher.id)
    grid = a.heatmap(rows, zone)
    active = _active_count(teacher, roster, links, now)
    return TeacherFigures(
        period,
        zone,
        a.count(rows, now),
        grid,
        a.busiest(a.by_weekday(grid)),
        a.busiest(a.by_hour(grid)),
        a.subjects(rows),
        a.median_lead(rows),
        a.per_week(rows, zone, period),
        a.funnel(links, first, period),
        a.refusal_counts(outcomes),
        active,
        len(roster) - active,
    )


def _active_count(
    teacher: Teacher, roster: list[Activity], links: list[ShareLink], now: datetime
) -> int:
    """How many students of the roster count as active under the teacher's setting."""
    own: dict[int, list[ShareLink]] = defaultdict(list)
    for link in links:
        own[link.student_id].append(link)
    days = teacher.settings.inactive_after_days
    active = 0
    for s in roster:
        last = a.latest_activity(s.bound_at, own[s.student_id], s.last_booked, s.last_cancelled)
        active += a.is_active(last, s.enrolled, now, days)
    return active


async def _figures(
    uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, student: Student
) -> StudentFigures:
    """One student's figures inside an open unit of work."""
    now = deps.clock.now()
    found = await uow.stats.bookings_starting(teacher.id, EVER, FOREVER, student_id=student.id)
    links = [k for k, _ in await uow.stats.links(teacher.id, student_id=student.id)]
    events = await uow.stats.audit_between(
        teacher.id, EVER, FOREVER, student_id=student.id, event_prefix="link."
    )
    rows = [(b, s) for b, s, _ in found]
    last = a.last_activity(rows, links, student.bound_at)
    days = teacher.settings.inactive_after_days
    past = [
        PastLesson(b.id, s.starts_at, s.ends_at, s.subject, b.attended)
        for b, s in rows
        if b.status == BookingStatus.CONFIRMED and s.starts_at <= now
    ][-PAST_LESSONS_SHOWN:]
    return StudentFigures(
        student,
        teacher.settings.timezone,
        a.count(rows, now),
        last,
        a.is_active(last, student.created_at, now, days),
        days,
        a.link_figures(links, events),
        past,
    )


@records_refusals
async def student_stats(deps: Deps, telegram_id: int, who: int | str) -> StudentFigures:
    """One of the teacher's students, all time, by id or by name (/stats Anna); refusals audited."""
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        student = await student_of(uow, deps, teacher, who)
        return await _figures(uow, deps, teacher, student)


@records_refusals
async def student_events(
    deps: Deps, telegram_id: int, student_id: int, page: int = 0
) -> EventsPage:
    """A page of the audit events about one of the teacher's students, newest first."""
    page = max(page, 0)
    async with deps.reading() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        found = await uow.audit.recent(
            student_id=student.id, offset=page * EVENTS_PER_PAGE, limit=EVENTS_PER_PAGE + 1
        )
    return EventsPage(
        student,
        teacher.settings.timezone,
        found[:EVENTS_PER_PAGE],
        page,
        len(found) > EVENTS_PER_PAGE,
    )
