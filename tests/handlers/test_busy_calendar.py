"""The teacher's own calendar, served by a local HTTP server, hides their busy times from
students: recurring events with an exception date, an all-day event, an event in another zone
and one across the March daylight-saving change. A failing feed keeps its last good copy and
the teacher hears of it once; a booked lesson in busy time is kept and reported once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from yarl import URL

from bot.domain.clock import ManualClock
from bot.domain.model import Teacher
from bot.services import availability, booking
from jobs.busy_calendars import allowed
from tests.handlers.conftest import running_bot
from tests.steps.harness import Harness
from tests.steps.student_steps import TEACHER_TG, outbox, student, teacher
from tests.steps.teacher_steps import delivered

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2027, 3, 22, 7, 0, tzinfo=UTC)  # Monday 08:00 in Berlin; DST begins Sunday 28th
STUDENT_TG = 8101

BUSY = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//busy//EN
BEGIN:VEVENT
UID:weekly@test
DTSTAMP:20270301T000000Z
DTSTART;TZID=Europe/Berlin:20270302T100000
DTEND;TZID=Europe/Berlin:20270302T110000
RRULE:FREQ=WEEKLY;BYDAY=TU
EXDATE;TZID=Europe/Berlin:20270330T100000
SUMMARY:Choir
END:VEVENT
BEGIN:VEVENT
UID:allday@test
DTSTAMP:20270301T000000Z
DTSTART;VALUE=DATE:20270325
DTEND;VALUE=DATE:20270326
SUMMARY:Conference
END:VEVENT
BEGIN:VEVENT
UID:overnight@test
DTSTAMP:20270301T000000Z
DTSTART;TZID=Europe/Berlin:20270327T200000
DTEND;TZID=Europe/Berlin:20270328T110000
SUMMARY:Trip over the clock change
END:VEVENT
BEGIN:VEVENT
UID:newyork@test
DTSTAMP:20270301T000000Z
DTSTART;TZID=America/New_York:20270329T040000
DTEND;TZID=America/New_York:20270329T050000
SUMMARY:Call with New York
END:VEVENT
BEGIN:VEVENT
UID:free@test
DTSTAMP:20270301T000000Z
DTSTART;TZID=Europe/Berlin:20270324T090000
DTEND;TZID=Europe/Berlin:20270324T100000
TRANSP:TRANSPARENT
SUMMARY:Marked free
END:VEVENT
BEGIN:VEVENT
UID:cancelled@test
DTSTAMP:20270301T000000Z
DTSTART;TZID=Europe/Berlin:20270324T100000
DTEND;TZID=Europe/Berlin:20270324T110000
STATUS:CANCELLED
SUMMARY:Called off
END:VEVENT
END:VCALENDAR
"""


def berlin(month: int, day: int, hour: int) -> datetime:
    """A local Berlin wall time as UTC."""
    return datetime(2027, month, day, hour, tzinfo=BERLIN).astimezone(UTC)


# Every 09:00-17:00 hour slot the feed covers, in Berlin wall time.
HIDDEN = {
    berlin(3, 23, 10),  # the weekly Tuesday event (CET)
    *(berlin(3, 25, h) for h in range(9, 17)),  # the all-day event
    berlin(3, 28, 9),  # Saturday 20:00 CET to Sunday 11:00 CEST
    berlin(3, 28, 10),
    berlin(3, 29, 10),  # 04:00 in New York (EDT) is 10:00 in Berlin (CEST)
    berlin(4, 6, 10),  # the weekly Tuesday event after the change (CEST); 30 March is excepted
}


@dataclass
class CalendarServer:
    """A calendar publisher: serves `body` with an ETag, or fails with `status`."""

    body: bytes = BUSY
    status: int = 200
    seen_etags: list[str] = field(default_factory=list)
    url: str = ""

    async def serve(self, request: web.Request) -> web.Response:
        """The feed; 304 to its own ETag."""
        sent = request.headers.get("If-None-Match", "")
        self.seen_etags.append(sent)
        if self.status != 200:
            return web.Response(status=self.status, text="broken")
        etag = f'"v{hash(self.body) & 0xFFFF}"'
        if sent == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=self.body, content_type="text/calendar", headers={"ETag": etag})


@pytest.fixture
async def harness(database_url: str, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """The bot in a test environment, where a feed may be fetched from this machine (the
    local calendar server); outside one, only public addresses are fetched."""
    async with running_bot(database_url, tmp_path, clock, telegram_test_environment=True) as h:
        yield h


@pytest.fixture
async def calendar() -> AsyncIterator[CalendarServer]:
    """A local HTTP server publishing a teacher's busy calendar."""
    server = CalendarServer()
    app = web.Application()
    app.router.add_get("/secret/basic.ics", server.serve)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.url = f"http://127.0.0.1:{port}/secret/basic.ics"
    yield server
    await runner.cleanup()


async def offered(h: Harness) -> set[datetime]:
    """The starts of every free time the teacher's students are offered now."""
    deps, now = h.app.deps, h.clock.now()
    async with deps.reading() as uow:
        tutor = await uow.teachers.by_telegram(TEACHER_TG)
        assert tutor is not None
        found = await uow.slots.between(tutor.id, now, now + timedelta(days=60))
    return {s.starts_at for s in found if s.free and s.starts_at > now}


async def hidden(h: Harness, before: set[datetime]) -> set[datetime]:
    """The times offered before and not now (times that began meanwhile aside)."""
    return {t for t in before if t > h.clock.now()} - await offered(h)


async def hours(h: Harness) -> None:
    """A Berlin teacher with 09:00-17:00 every day, three weeks ahead."""
    h.clock.set(START)
    await teacher(h, horizon_days=21)
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        await availability.add_window(h.app.deps, TEACHER_TG, f"{day} 09:00-17:00 60")


async def read_feed(h: Harness) -> None:
    """One pass of the feed job, as the ticker runs it."""
    await h.app.jobs["busy_calendars"]()


async def test_busy_events_hide_exactly_their_slots_and_come_back_when_removed(
    harness: Harness, calendar: CalendarServer
) -> None:
    h = harness
    await hours(h)
    before = await offered(h)
    assert before >= HIDDEN and berlin(3, 30, 10) in before
    await h.send(TEACHER_TG, f"/busycalendar {calendar.url}")
    assert "Calendar saved" in h.last(TEACHER_TG).content
    assert calendar.url not in h.last(TEACHER_TG).content
    await read_feed(h)
    after = await offered(h)
    assert before - after == HIDDEN
    assert after <= before
    await h.send(TEACHER_TG, "/busycalendar")
    assert "blocks your hours" in h.last(TEACHER_TG).content
    assert "6 busy stretches to come" in h.last(TEACHER_TG).content
    await h.send(TEACHER_TG, "/busycalendar off")
    assert "no longer blocks" in h.last(TEACHER_TG).content
    assert await offered(h) == before


async def test_a_failing_feed_keeps_its_last_good_copy_and_tells_the_teacher_once(
    harness: Harness, calendar: CalendarServer
) -> None:
    h = harness
    await hours(h)
    before = await offered(h)
    await h.send(TEACHER_TG, f"/busycalendar {calendar.url}")
    await read_feed(h)
    h.clock.advance(timedelta(minutes=15))
    await read_feed(h)
    assert calendar.seen_etags[-1].startswith('"v'), "the second fetch sends the ETag back"
    assert await hidden(h, before) == HIDDEN, "a 304 keeps the busy time"
    calendar.status = 500
    for attempt in range(1, 5):
        h.clock.advance(timedelta(minutes=15))
        await read_feed(h)
        told = await outbox(h, "busy_calendar_failing")
        assert len(told) == (0 if attempt < 3 else 1), attempt
        assert await hidden(h, before) == HIDDEN, "the last good copy still blocks"
    await delivered(h, TEACHER_TG, "failed 3 times in a row")
    h.clock.advance(timedelta(minutes=15))
    calendar.status = 200
    await read_feed(h)
    await h.send(TEACHER_TG, "/busycalendar")
    assert "failed" not in h.last(TEACHER_TG).content


async def test_a_booked_lesson_in_busy_time_is_kept_and_the_teacher_told_once(
    harness: Harness, calendar: CalendarServer
) -> None:
    h = harness
    await hours(h)
    sid = await student(h, await _tutor(h), STUDENT_TG, "Anna")
    async with h.app.deps.reading() as uow:
        tutor = await _tutor(h)
        [slot] = [
            s
            for s in await uow.slots.between(tutor.id, START, START + timedelta(days=5))
            if s.starts_at == berlin(3, 25, 11)
        ]
    lesson = await booking.book(h.app.deps, STUDENT_TG, sid, slot.id)
    await h.send(TEACHER_TG, f"/busycalendar {calendar.url}")
    for _ in range(2):
        await read_feed(h)
        h.clock.advance(timedelta(minutes=15))
    async with h.app.deps.reading() as uow:
        kept = await uow.bookings.get(lesson.booking_id)
    assert kept is not None and kept[0].status.value == "confirmed"
    assert len(await outbox(h, "busy_clash")) == 1
    await delivered(h, TEACHER_TG, "falls in busy time of your own calendar")
    clashes = [m for m in h.chat(TEACHER_TG) if "falls in busy time" in (m.text or "")]
    assert len(clashes) == 1 and "Anna" in clashes[0].content


async def test_an_address_that_is_not_a_calendar_address_is_refused_without_echoing_it(
    harness: Harness,
) -> None:
    h = harness
    await hours(h)
    await h.send(TEACHER_TG, "/busycalendar http://example.com/secret-token-123")
    said = h.last(TEACHER_TG).content
    assert "not a calendar address" in said and "secret-token-123" not in said


async def _tutor(h: Harness) -> Teacher:
    async with h.app.deps.reading() as uow:
        found = await uow.teachers.by_telegram(TEACHER_TG)
    assert found is not None
    return found


async def test_outside_a_test_environment_a_feed_on_this_machine_is_never_fetched(
    database_url: str, tmp_path: Path, clock: ManualClock, calendar: CalendarServer
) -> None:
    async with running_bot(database_url, tmp_path, clock) as h:
        await hours(h)
        await h.send(TEACHER_TG, f"/busycalendar {calendar.url}")
        await read_feed(h)
    assert calendar.seen_etags == []  # the local server was never asked


@pytest.mark.parametrize(
    ("address", "fetched"),
    [
        ("https://calendar.example.com/p/basic.ics", True),  # a name: checked when resolved
        ("https://10.0.0.5:6379/", False),
        ("https://169.254.169.254/latest/meta-data", False),
        ("https://[::1]/x.ics", False),
        ("http://calendar.example.com/p/basic.ics", False),  # the secret in the clear
        ("ftp://calendar.example.com/x.ics", False),
    ],
)
def test_only_public_https_addresses_are_fetched(address: str, fetched: bool) -> None:
    assert allowed(URL(address), allow_local=False) is fetched
