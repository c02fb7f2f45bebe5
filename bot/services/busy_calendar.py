"""The teacher's own calendar feed: its busy time blocks their hours like time off.

The address is a secret (it shows the teacher's whole calendar), so it is stored sealed and
never shown or logged. A job (jobs/busy_calendars.py) claims each calendar when due, fetches
it and hands the outcome to `record`: the busy stretches become time off marked with the
calendar's id, free slots inside them go, and slots freed by a stretch that went open again.
Booked lessons are never cancelled: the teacher is told of each clash once.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.domain import busy_time
from bot.domain.errors import InvalidInput
from bot.domain.model import Teacher
from bot.domain.notices import BusyCalendarFailing, BusyClash
from bot.domain.windows import MAX_SLOT_MINUTES
from bot.services import notify, slot_filling
from bot.services.context import Deps
from bot.services.ownership import teacher_act, teacher_of

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

log = logging.getLogger("lessonlink.busy_calendar")

MAX_ADDRESS = 2000  # characters
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
LEASE = timedelta(minutes=2)  # a fetch is bounded well below this (jobs/busy_calendars.py)
LOOK_BACK = timedelta(days=1)


@dataclass(frozen=True)
class BusyCalendarState:
    """What /busycalendar shows: whether one is set, when it was last read, failures."""

    connected: bool
    ok_at: datetime | None = None
    failures: int = 0
    stretches: int = 0
    timezone: str = "UTC"


@dataclass(frozen=True)
class Due:
    """A calendar claimed for fetching: its address (unsealed) and cache validators."""

    id: int
    url: str
    etag: str
    last_modified: str


@dataclass(frozen=True)
class Fetched:
    """A fetch that got the feed (body None: 304, the last good copy still holds)."""

    body: bytes | None
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class Failed:
    """A fetch that got nothing usable; `error` is short and holds no address."""

    error: str


def calendar_address(text: str) -> str:
    """The https address of a calendar feed (webcal:// read as https://); InvalidInput if not.

    Plain http only on this machine (a local calendar server): elsewhere it would send the
    secret address in the clear.
    """
    url = text.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    parts = urlsplit(url)
    plain_local = parts.scheme == "http" and (parts.hostname or "") in LOOPBACK
    if (
        len(url) > MAX_ADDRESS
        or any(c.isspace() or ord(c) < 32 for c in url)
        or not parts.hostname
        or not (parts.scheme == "https" or plain_local)
    ):
        raise InvalidInput("calendar_address")
    return url


async def connect(deps: Deps, telegram_id: int, text: str) -> BusyCalendarState:
    """Give the teacher's own calendar feed (replacing one given before); read it soon."""
    url = calendar_address(text)
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        await uow.feeds.set_busy_calendar(teacher.id, deps.vault.seal(url), now)
        await uow.audit.add(teacher_act(deps, teacher, "busy_calendar.set"))
        await uow.commit()
    await slot_filling.fill_teacher(deps, teacher, now)  # busy time of a replaced one is gone
    return BusyCalendarState(True, timezone=teacher.settings.timezone)


async def disconnect(deps: Deps, telegram_id: int) -> bool:
    """Forget the teacher's calendar; its busy time no longer blocks hours. False if none."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        removed = await uow.feeds.remove_busy_calendar(teacher.id)
        if removed:
            await uow.audit.add(teacher_act(deps, teacher, "busy_calendar.removed"))
        await uow.commit()
    if removed:
        await slot_filling.fill_teacher(deps, teacher, now)
    return bool(removed)


async def state(deps: Deps, telegram_id: int) -> BusyCalendarState:
    """Whether the teacher gave a calendar, when it was last read, how it is going."""
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        found = await uow.feeds.busy_calendar(teacher.id)
        if found is None:
            return BusyCalendarState(False, timezone=teacher.settings.timezone)
        stretches = await uow.feeds.busy_stretches(found.id)
    now = deps.clock.now()
    coming = sum(1 for _id, (_s, e) in stretches if e > now)
    return BusyCalendarState(True, found.ok_at, found.failures, coming, teacher.settings.timezone)


async def claim_due(deps: Deps, limit: int = 20) -> list[Due]:
    """Calendars due for a fetch, claimed for this worker (others skip them)."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        claimed = await uow.feeds.claim_due(now, limit, LEASE)
        await uow.commit()
    due = []
    for c in claimed:
        url = deps.vault.unseal(c.url_encrypted)
        if url is not None:  # sealed with another SECRET_KEY: it waits to be given again
            due.append(Due(c.id, url, c.etag, c.last_modified))
    return due


async def record(deps: Deps, calendar_id: int, outcome: Fetched | Failed, every: timedelta) -> None:
    """Apply a fetch: new busy time on success; on failure keep the last good copy."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        before = await uow.feeds.busy_calendar_by_id(calendar_id)
        owner = await uow.teachers.get(before.teacher_id) if before else None
    if before is None or owner is None:
        return  # removed while it was fetched
    body = (outcome.body or before.body) if isinstance(outcome, Fetched) else None
    read: busy_time.BusyRead | str = "no copy"
    if isinstance(outcome, Failed):
        read = outcome.error
    elif body:
        # Expanding a big calendar is CPU work: off the event loop, outside any transaction.
        read = await asyncio.to_thread(_read, body, owner, now)
    async with deps.uow() as uow:
        found = await uow.feeds.busy_calendar_by_id(calendar_id)
        if found is None:
            return  # removed meanwhile: its busy time went with it
        teacher = owner
        went = False
        if isinstance(read, busy_time.BusyRead):
            assert isinstance(outcome, Fetched)
            went = await _apply(uow, teacher, found.id, read.stretches, now)
            kept = {"etag": outcome.etag[:256], "last_modified": outcome.last_modified[:64]}
            await uow.feeds.fetched(
                found.id,
                body=body,
                ok_at=now,
                failures=0,
                failure_told=False,
                last_error="",
                next_fetch_at=now + every,
                **(kept if outcome.body is not None else {}),
            )
        else:
            failures = found.failures + 1
            tell = busy_time.tell_failure(failures, found.failure_told)
            if tell:
                await _tell_failing(uow, teacher, failures, found.ok_at, now)
            log.info("teacher=%s busy calendar failed (%d in a row)", teacher.id, failures)
            await uow.feeds.fetched(
                found.id,
                failures=failures,
                failure_told=found.failure_told or tell,
                last_error=read[:200],
                next_fetch_at=now + every,
            )
        await uow.commit()
    if went:
        await slot_filling.fill_teacher(deps, teacher, now)  # hours freed by busy time that went


def _read(body: bytes, teacher: Teacher, now: datetime) -> busy_time.BusyRead | str:
    """The busy stretches of the feed, or why it could not be read."""
    until = now + timedelta(days=teacher.settings.horizon_days) + busy_time.LOOK_AHEAD
    try:
        return busy_time.read_busy(body, now - LOOK_BACK, until, teacher.settings.timezone)
    except busy_time.UnreadableFeed as exc:
        return f"unreadable: {exc}"


async def _apply(
    uow: SqlUnitOfWork,
    teacher: Teacher,
    calendar_id: int,
    fresh: list[busy_time.Stretch],
    now: datetime,
) -> bool:
    """Store the fresh busy time, take free slots out of it, tell clashes once.

    Returns whether stored busy time went (its hours open again after the commit).
    """
    stored = await uow.feeds.busy_stretches(calendar_id)
    gone, new = busy_time.changes([s for _id, s in stored], fresh)
    await uow.feeds.remove_busy(i for i, s in stored if s in gone)
    await uow.feeds.add_busy(teacher.id, calendar_id, sorted(new), now)
    if not fresh:
        return bool(gone)
    start, end = max(fresh[0][0], now), fresh[-1][1]
    slots = await uow.slots.between(teacher.id, start - timedelta(minutes=MAX_SLOT_MINUTES), end)
    free = [s for s in slots if s.booked == 0 and busy_time.overlaps(fresh, s.starts_at, s.ends_at)]
    await uow.slots.remove(s.id for s in free)
    for booking, slot, student in await uow.bookings.of_teacher_between(teacher.id, now, end):
        if busy_time.overlaps(fresh, slot.starts_at, slot.ends_at):
            notice = BusyClash(
                student_name=student.name,
                colour=student.colour,
                teacher_tz=teacher.settings.timezone,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
            )
            key = f"{notice.kind}:{booking.id}"  # once per lesson, however often it is read
            await notify.queue(uow, notice, teacher.telegram_id, now, dedup_key=key)
    return bool(gone)


async def _tell_failing(
    uow: SqlUnitOfWork, teacher: Teacher, failures: int, ok_at: datetime | None, now: datetime
) -> None:
    """Tell the teacher their calendar keeps failing (once per run of failures)."""
    notice = BusyCalendarFailing(
        failures=failures, teacher_tz=teacher.settings.timezone, last_ok_at=ok_at
    )
    await notify.queue(uow, notice, teacher.telegram_id, now)
