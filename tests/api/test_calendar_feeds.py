"""Calendar subscription addresses as a calendar app uses them: fetched over HTTP from the
running bot and parsed with icalendar, they follow a booking, a move and a cancellation, answer
304 when nothing changed, and stop working when made anew or turned off."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from icalendar import Calendar

from bot.domain.model import Slot
from bot.services import booking
from tests.api.conftest import Api, Reply
from tests.steps.harness import Harness
from tests.steps.student_steps import TEACHER_TG, settle, slots, student, teacher
from views.callbacks import FeedAction, FeedCb
from web.api.access_log import redact_path

PUBLIC = "https://lessons.example"
ADDRESS = re.compile(re.escape(PUBLIC) + r"(/feeds/[A-Za-z0-9_-]{43}\.ics)")
STUDENT_TG = 8201


async def make_address(h: Harness, user_id: int, opening: str) -> str:
    """Open the subscription screen with `opening` (a command or a button) and make one."""
    if opening.startswith("/"):
        await h.send(user_id, opening)
    await h.press(user_id, "📆 Subscribe in your calendar")
    await h.press(user_id, "➕ Make my address")
    found = ADDRESS.search(h.last(user_id).content)
    assert found, h.last(user_id).content
    return found.group(1)


def events(got: Reply) -> list[dict[str, object]]:
    """The feed's events as (uid, sequence, start, status), parsed as a calendar app would."""
    assert got.status == 200, got.status
    assert got.headers["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(got.raw)
    return [
        {
            "uid": str(e["UID"]),
            "sequence": int(e["SEQUENCE"]),
            "start": e.decoded("DTSTART"),
            "status": str(e["STATUS"]),
        }
        for e in cal.walk("VEVENT")
    ]


async def scene(api: Api) -> tuple[Harness, int, list[Slot]]:
    """A teacher with three coming slots and a student who opened their link."""
    h = api.harness
    h.app.dispatcher["public_url"] = PUBLIC
    tutor = await teacher(h)
    sid = await student(h, tutor, STUDENT_TG, "Anna")
    found = await slots(h, tutor, h.clock.now() + timedelta(days=2), count=3)
    return h, sid, found


async def test_a_subscribed_calendar_follows_a_booking_a_move_and_a_cancellation(
    api: Api,
) -> None:
    h, sid, free = await scene(api)
    mine = await make_address(h, TEACHER_TG, "/export")
    theirs = await make_address(h, STUDENT_TG, "/start")
    assert (await api.get(mine)).raw.count(b"BEGIN:VEVENT") == 0

    made = await booking.book(h.app.deps, STUDENT_TG, sid, free[0].id)
    for path in (mine, theirs):
        [lesson] = events(await api.get(path))
        assert lesson["uid"] == f"booking-{made.booking_id}@lessonlink"
        assert (lesson["sequence"], lesson["status"]) == (0, "CONFIRMED")
        assert lesson["start"] == free[0].starts_at
    first = await api.get(mine)
    again = await api.get(mine, headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status, again.raw) == (304, b"")
    since = await api.get(mine, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status == 304

    h.clock.advance(timedelta(minutes=5))
    moved = await booking.reschedule(h.app.deps, STUDENT_TG, made.booking_id, free[1].id)
    changed = await api.get(mine, headers={"If-None-Match": first.headers["ETag"]})
    [lesson] = events(changed)
    assert lesson["uid"] == f"booking-{made.booking_id}@lessonlink", "the UID follows the lesson"
    assert (lesson["sequence"], lesson["start"]) == (1, free[1].starts_at)

    h.clock.advance(timedelta(minutes=5))
    await booking.cancel_by_student(h.app.deps, STUDENT_TG, moved.booking_id)
    for path in (mine, theirs):
        [lesson] = events(await api.get(path))
        assert lesson["uid"] == f"booking-{made.booking_id}@lessonlink"
        assert lesson["status"] == "CANCELLED"
    h.clock.advance(timedelta(days=31))
    assert events(await api.get(mine)) == [], "a cancellation stays 30 days, then goes"


async def test_an_address_made_anew_or_turned_off_is_gone_and_guessing_is_rate_limited(
    api: Api,
) -> None:
    h, _sid, _free = await scene(api)
    old = await make_address(h, TEACHER_TG, "/export")
    await h.press(TEACHER_TG, "🔄 New address")
    new = ADDRESS.search(h.last(TEACHER_TG).content)
    assert new is not None and new.group(1) != old
    assert (await api.get(old)).status == 404
    assert (await api.get(new.group(1))).status == 200
    await h.press(TEACHER_TG, "🚫 Turn off")
    assert (await api.get(new.group(1))).status == 404
    statuses = [(await api.get(f"/feeds/{'x' * 43}.ics")).status for _ in range(12)]
    assert statuses[0] == 404 and statuses[-1] == 429, statuses
    limited = await api.get(f"/feeds/{'y' * 43}.ics")
    assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1


async def test_without_a_public_address_the_chat_says_so_and_makes_none(api: Api) -> None:
    h, _sid, _free = await scene(api)
    h.app.dispatcher["public_url"] = ""
    await h.send(TEACHER_TG, "/export")
    await h.press(TEACHER_TG, "📆 Subscribe in your calendar")
    said = h.last(TEACHER_TG).content
    assert "public address is not configured" in said
    assert "Make my address" not in str(h.last(TEACHER_TG).buttons)


async def test_feed_addresses_never_reach_the_access_log(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    h, _sid, _free = await scene(api)
    path = await make_address(h, TEACHER_TG, "/export")
    assert redact_path(path) == "/feeds/<token>.ics"
    with caplog.at_level(logging.DEBUG):
        assert (await api.get(path)).status == 200
    secret = path.removeprefix("/feeds/").removesuffix(".ics")
    assert all(secret not in r.getMessage() for r in caplog.records)
    assert any("/feeds/<token>.ics" in r.getMessage() for r in caplog.records)


async def test_a_forged_press_for_another_students_feed_makes_no_address(api: Api) -> None:
    h, sid, _free = await scene(api)
    tutor = await teacher(h, telegram_id=7001)
    other = await student(h, tutor, 8202, "Boris")
    await h.send(STUDENT_TG, "/start")
    card = h.last(STUDENT_TG)
    forged = FeedCb(action=FeedAction.NEW, student_id=other).pack()
    await h.press_data(STUDENT_TG, card.message_id, forged)
    await settle(h)
    assert not any(ADDRESS.search(m.content) for m in h.chat(STUDENT_TG)), "nothing made"
    async with h.app.deps.reading() as uow:
        assert await uow.feeds.live_token(tutor.id, other) is None
        assert await uow.feeds.live_token(tutor.id, sid) is None
