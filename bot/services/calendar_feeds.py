"""Calendar subscription addresses: the teacher's (all lessons) and each student's (theirs).

An address is a 256-bit secret found by its keyed hash, like a booking link, but never
stored in a form that can be shown again: it is shown once, when made; a new one replaces it
and the old one stops working at once. Calendar apps fetch it from the web server
(web/feeds.py), which calls `feed_file` and answers 304 when nothing changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.errors import NotFound
from bot.domain.model import Booking, BookingStatus, Slot, Student
from bot.domain.places import PlaceChoice
from bot.services import lesson_events
from bot.services.context import Deps, audit
from bot.services.exports import FOREVER, lesson_identity, lesson_uid
from bot.services.lesson_events import CalendarHead, LessonEvent
from bot.services.ownership import teacher_of
from bot.services.places import of_bookings

if TYPE_CHECKING:
    from storage.repositories.calendar_feeds import FeedToken
    from storage.uow import SqlUnitOfWork

FEED_PATH = "/feeds/{token}.ics"
# Past lessons stay in the feed this long, so a subscribed calendar keeps its history.
PAST_KEPT = timedelta(days=90)
# A cancelled lesson stays as STATUS:CANCELLED this long after it was cancelled: Google
# refreshes a subscription every 8-24 hours and a phone that was off may poll after days;
# every client sees the cancellation and removes the lesson well within a month. After that
# it leaves the feed (a client drops an event that is gone, too).
CANCELLED_KEPT = timedelta(days=30)


@dataclass(frozen=True)
class FeedState:
    """Whether an address is live for its owner, and what a new one would be."""

    live_since: datetime | None
    uses: int
    token: str | None = None  # the secret, only in the answer that made it


@dataclass(frozen=True)
class FeedLesson:
    """One lesson as a subscribed calendar shows it."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    changed_at: datetime
    student: str
    subject: str
    cancelled: bool
    place: str | None = None


@dataclass(frozen=True)
class FeedContent:
    """What an address shows: whose feed it is and the lessons, for the web layer to render."""

    for_teacher: bool
    teacher_name: str
    language: str | None
    lessons: list[FeedLesson]
    changed_at: datetime  # the newest change among them (Last-Modified)


async def _owner(uow: SqlUnitOfWork, deps: Deps, telegram_id: int, student_id: int) -> Student:
    """The student record behind a student's own button; NotFound if it is not theirs."""
    student = await uow.students.get(student_id)
    if student is None or student.telegram_id != telegram_id:
        raise NotFound()
    return student


async def _scope(
    uow: SqlUnitOfWork, deps: Deps, telegram_id: int, student_id: int
) -> tuple[int, int | None]:
    """(teacher id, student id or None): student_id 0 is the teacher's own feed."""
    if student_id == 0:
        return (await teacher_of(uow, telegram_id)).id, None
    student = await _owner(uow, deps, telegram_id, student_id)
    return student.teacher_id, student.id


async def state(deps: Deps, telegram_id: int, student_id: int = 0) -> FeedState:
    """Whether the teacher's (student_id 0) or the student's address is live."""
    async with deps.reading() as uow:
        teacher_id, sid = await _scope(uow, deps, telegram_id, student_id)
        live = await uow.feeds.live_token(teacher_id, sid)
    return FeedState(live.created_at if live else None, live.use_count if live else 0)


async def new_address(deps: Deps, telegram_id: int, student_id: int = 0) -> FeedState:
    """Make a new address (the old one, if any, stops working); its secret, shown once."""
    now = deps.clock.now()
    token = deps.vault.new_token()
    async with deps.uow() as uow:
        teacher_id, sid = await _scope(uow, deps, telegram_id, student_id)
        old = await uow.feeds.live_token(teacher_id, sid)
        if old is not None:
            await uow.feeds.revoke(old.id, now)
        await uow.feeds.add_token(teacher_id, sid, deps.vault.digest(token), now)
        event = "feed.regenerated" if old else "feed.created"
        await uow.audit.add(
            audit(event, "ok", deps, actor=telegram_id, teacher_id=teacher_id, student_id=sid)
        )
        await uow.commit()
    return FeedState(now, 0, token)


async def turn_off(deps: Deps, telegram_id: int, student_id: int = 0) -> bool:
    """Revoke the live address; False when there was none."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher_id, sid = await _scope(uow, deps, telegram_id, student_id)
        live = await uow.feeds.live_token(teacher_id, sid)
        if live is None:
            return False
        await uow.feeds.revoke(live.id, now)
        await uow.audit.add(
            audit(
                "feed.revoked", "ok", deps, actor=telegram_id, teacher_id=teacher_id, student_id=sid
            )
        )
        await uow.commit()
    return True


async def feed_content(deps: Deps, token: str) -> FeedContent | None:
    """The lessons an address shows, its use counted; None if unknown or revoked."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        found = await uow.feeds.use(deps.vault.digest(token), now)
        await uow.commit()
    if found is None:
        return None
    async with deps.reading() as uow:
        return await _content(uow, found, now)


async def _content(uow: SqlUnitOfWork, token: FeedToken, now: datetime) -> FeedContent | None:
    teacher = await uow.teachers.get(token.teacher_id)
    if teacher is None:
        return None
    rows = await uow.stats.bookings_starting(
        teacher.id, now - PAST_KEPT, FOREVER, student_id=token.student_id
    )
    moved_from = await uow.stats.moved_from(teacher.id)
    shown = [(b, s, st) for b, s, st in rows if _shown(b, now)]
    places = await of_bookings(uow, [b.id for b, _, _ in shown])
    lessons = [_lesson(b, s, st, moved_from, places.get(b.id)) for b, s, st in shown]
    reader = teacher.telegram_id
    if token.student_id is not None:
        student = await uow.students.get(token.student_id)
        if student is None or student.archived:
            return None  # the teacher closed this student's access: their feed goes too
        reader = student.telegram_id or 0
    account = await uow.accounts.get(reader) if reader else None
    changed = max([x.changed_at for x in lessons], default=token.created_at)
    return FeedContent(
        token.student_id is None,
        teacher.display_name,
        account.language if account else None,
        lessons,
        max(changed, token.created_at),
    )


def _shown(b: Booking, now: datetime) -> bool:
    """A lesson in the feed: kept, or cancelled within CANCELLED_KEPT; a moved one is its
    successor (same UID, higher SEQUENCE)."""
    if b.rescheduled_to_id is not None:
        return False
    if b.status == BookingStatus.CANCELLED:
        return b.cancelled_at is not None and b.cancelled_at >= now - CANCELLED_KEPT
    return True


def _lesson(
    b: Booking, s: Slot, st: Student, moved_from: dict[int, int], place: PlaceChoice | None
) -> FeedLesson:
    root, moves = lesson_identity(b.id, moved_from)
    # A changed place is a change of the lesson: its DTSTAMP and the feed's Last-Modified move.
    changed = max(b.created_at, b.cancelled_at or b.created_at)
    changed = max(changed, place.changed_at) if place else changed
    return FeedLesson(
        lesson_uid(root),
        moves + b.sequence,
        s.starts_at,
        s.ends_at,
        changed,
        st.name,
        s.subject,
        b.status == BookingStatus.CANCELLED,
        place.place if place else None,
    )


def feed_bytes(lessons: list[FeedLesson], title: str, name: str) -> bytes:
    """The iCalendar feed: UTC times, DTSTAMP the lesson's last change, so equal content
    gives equal bytes (and an equal ETag). `title` may use {student}, {subject}, {teacher}."""
    events = [
        LessonEvent(
            lesson.uid,
            lesson.sequence,
            lesson.starts_at,
            lesson.ends_at,
            " ".join(
                title.format(student=lesson.student, subject=lesson.subject, teacher=name).split()
            ),
            lesson.cancelled,
            lesson.changed_at,
            modified=lesson.changed_at,
            place=lesson.place,
        )
        for lesson in lessons
    ]
    head = CalendarHead("-//LessonLink//lesson feed//EN", name=name, refresh=timedelta(hours=1))
    return lesson_events.calendar_bytes(events, head)


def entity_tag(body: bytes) -> str:
    """A strong ETag of the feed's bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
