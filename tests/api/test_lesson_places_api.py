"""A lesson's place over HTTP: in the live calendar feeds (LOCATION, URL, a changed place
shown as a change) and in the Mini App's bookings and calendar file."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from bot.services import booking
from tests.api.conftest import Api
from tests.api.test_calendar_feeds import PUBLIC, make_address
from tests.steps import student_steps as s

ANNA = 8301
LINK = "https://meet.example.org/abc-defg"
ROOM = "Room 12, Music School"


def located(raw: bytes) -> list[tuple[str | None, str | None]]:
    """(LOCATION, URL) of each event, as a calendar app reads them."""
    return [
        (str(e["LOCATION"]) if "LOCATION" in e else None, str(e["URL"]) if "URL" in e else None)
        for e in Calendar.from_ical(raw).walk("VEVENT")
    ]


async def test_the_live_feeds_carry_the_place_and_show_a_new_one_as_a_change(api: Api) -> None:
    h = api.harness
    h.app.dispatcher["public_url"] = PUBLIC
    tutor = await s.teacher(h)
    sid = await s.student(h, tutor, ANNA, "Anna")
    [slot] = await s.slots(h, tutor, h.clock.now() + timedelta(days=2))
    await h.send(s.TEACHER_TG, f"/place {LINK}")
    await booking.book(h.app.deps, ANNA, sid, slot.id)
    mine = await make_address(h, s.TEACHER_TG, "/export")
    theirs = await make_address(h, ANNA, "/start")
    first = await api.get(mine)
    for path in (mine, theirs):
        assert located((await api.get(path)).raw) == [(LINK, LINK)]

    h.clock.advance(timedelta(minutes=5))
    await h.send(s.TEACHER_TG, f"/place {ROOM}")
    changed = await api.get(mine, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert changed.status == 200, "a calendar asking since its last copy gets the new place"
    assert located(changed.raw) == [(ROOM, None)]
    assert located((await api.get(theirs)).raw) == [(ROOM, None)]


async def test_the_mini_app_shows_the_place_and_its_file_has_it(api: Api) -> None:
    h = api.harness
    tutor = await s.teacher(h)
    _student_id, token = await s.invite(h, tutor, "Anna")
    [slot] = await s.slots(h, tutor, h.clock.now() + timedelta(days=1))
    await h.send(s.TEACHER_TG, f"/place {LINK}")
    made = await api.post(f"/api/booking/{token}/book", as_user=ANNA, json={"slot_id": slot.id})
    assert made.body["booking"]["place"] == LINK
    listed = await api.get(f"/api/booking/{token}/my-bookings", as_user=ANNA)
    assert [b["place"] for b in listed.body["upcoming"]] == [LINK]
    booking_id = made.body["booking"]["id"]
    got = await api.get(f"/api/booking/{token}/bookings/{booking_id}/calendar.ics", as_user=ANNA)
    assert located(got.raw) == [(LINK, LINK)]

    await h.send(s.TEACHER_TG, "/place off")
    listed = await api.get(f"/api/booking/{token}/my-bookings", as_user=ANNA)
    assert [b["place"] for b in listed.body["upcoming"]] == [None]
