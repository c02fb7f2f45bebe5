"""The student endpoints as the Mini App uses them: open, browse, book, list, cancel, move,
and the chat and the API seeing each other's bookings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from bot.domain.model import BookingStatus, Slot, Teacher
from tests.api.conftest import Api
from tests.steps import student_steps as s
from tests.steps.teacher_steps import delivered

ANNA = 801
BEN = 802


@dataclass
class Scene:
    """A teacher, Anna's unbound link, and free slots tomorrow."""

    teacher: Teacher
    student_id: int
    token: str
    slots: list[Slot]


async def scene(api: Api, count: int = 3, **settings: object) -> Scene:
    """A teacher in Berlin with Anna enrolled (link not opened yet) and `count` slots tomorrow."""
    h = api.harness
    tutor = await s.teacher(h, **settings)
    student_id, token = await s.invite(h, tutor, "Anna")
    tomorrow = h.clock.now().replace(hour=9, minute=0) + timedelta(days=1)
    return Scene(tutor, student_id, token, await s.slots(h, tutor, tomorrow, count))


async def test_opening_the_portal_binds_the_link_and_counts_it_as_start_does(api: Api) -> None:
    sc = await scene(api)
    got = await api.get(f"/api/booking/{sc.token}", as_user=ANNA)
    assert got.status == 200, got.body
    assert got.body["student"] == {"id": sc.student_id, "name": "Anna"}
    assert got.body["teacher"]["zone"] == "Europe/Berlin"
    assert got.body["zone"] == "Europe/Berlin"
    assert got.body["subjects"] == ["Math"]
    assert got.body["policy"]["cancel_window_minutes"] == 1440
    async with api.harness.app.deps.uow() as u:
        student = await u.students.get(sc.student_id)
        link = await u.links.current(sc.student_id)
    assert student is not None and student.telegram_id == ANNA
    assert link is not None and link.use_count == 1
    # Bound now: the same account comes back; nobody else gets in.
    assert (await api.get(f"/api/booking/{sc.token}", as_user=ANNA)).status == 200


async def test_the_calendar_shows_free_full_and_own_slots_and_nothing_about_others(
    api: Api,
) -> None:
    sc = await scene(api, count=3)
    ben = await s.student(api.harness, sc.teacher, BEN, "Ben")
    taken = await api.post(
        f"/api/booking/{sc.token}/book", as_user=ANNA, json={"slot_id": sc.slots[0].id}
    )
    assert taken.status == 201, taken.body
    async with api.harness.app.deps.uow() as u:
        bens_link = await u.links.current(ben)
    assert bens_link is not None
    day = (api.harness.clock.now() + timedelta(days=1)).date().isoformat()
    got = await api.get(f"/api/booking/{sc.token}/calendar?from={day}&days=2", as_user=ANNA)
    assert got.status == 200, got.body
    states = {slot["id"]: slot["state"] for slot in got.body["slots"]}
    assert states == {
        sc.slots[0].id: "mine",
        sc.slots[1].id: "available",
        sc.slots[2].id: "available",
    }
    mine = got.body["slots"][0]
    assert mine["booking_id"] == taken.body["booking"]["id"]
    assert mine["starts_at"].endswith("Z")
    # Ben sees Anna's lesson as booked, never as hers.
    ben_view = await s.bookings_of(api.harness, ben)
    assert ben_view == []


async def test_a_booking_made_through_the_api_is_in_the_chat_and_the_teacher_is_told(
    api: Api,
) -> None:
    h = api.harness
    sc = await scene(api)
    h.user(ANNA, "Anna")
    made = await api.post(
        f"/api/booking/{sc.token}/book", as_user=ANNA, json={"slot_id": sc.slots[1].id}
    )
    assert made.status == 201, made.body
    booking = made.body["booking"]
    assert booking["status"] == "confirmed" and booking["may_change"] is True
    assert booking["teacher"] == {"id": sc.teacher.id, "name": sc.teacher.display_name}
    assert made.body["zone"] == "Europe/Berlin" and made.body["skipped"] == []
    await delivered(h, sc.teacher.telegram_id, "Anna")
    await h.send(ANNA, "/mybookings")
    shown = h.last(ANNA).content
    assert "11:00–12:00" in shown, shown  # the second slot, 10:00 UTC, is 11:00 in Berlin
    listed = await api.get(f"/api/booking/{sc.token}/my-bookings", as_user=ANNA)
    assert [b["id"] for b in listed.body["upcoming"]] == [booking["id"]]
    assert listed.body["past"] == []


async def test_a_booking_made_in_the_chat_is_in_the_api(api: Api) -> None:
    h = api.harness
    sc = await scene(api)
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {sc.token}")
    async with h.app.deps.uow() as u:
        [student] = await u.students.by_telegram(ANNA)
    from bot.services import booking

    lesson = await booking.book(h.app.deps, ANNA, student.id, sc.slots[2].id)
    listed = await api.get(f"/api/booking/{sc.token}/my-bookings", as_user=ANNA)
    assert [b["id"] for b in listed.body["upcoming"]] == [lesson.booking_id]


async def test_cancel_and_reschedule_through_the_api(api: Api) -> None:
    h = api.harness
    sc = await scene(api, count=3)
    made = await api.post(
        f"/api/booking/{sc.token}/book", as_user=ANNA, json={"slot_id": sc.slots[0].id}
    )
    first = made.body["booking"]["id"]
    moved = await api.post(
        f"/api/booking/{sc.token}/reschedule/{first}",
        as_user=ANNA,
        json={"slot_id": sc.slots[2].id},
    )
    assert moved.status == 200, moved.body
    assert moved.body["booking"]["slot_id"] == sc.slots[2].id
    second = moved.body["booking"]["id"]
    gone = await api.post(f"/api/booking/{sc.token}/cancel/{second}", as_user=ANNA)
    assert gone.status == 200, gone.body
    assert gone.body["booking"]["status"] == "cancelled"
    rows = await s.bookings_of(h, sc.student_id)
    assert {b.status for b, _slot in rows} == {BookingStatus.CANCELLED}
    assert (await api.get(f"/api/booking/{sc.token}/my-bookings", as_user=ANNA)).body[
        "upcoming"
    ] == []
    assert await s.outbox(h, "booking_cancelled")  # the teacher hears of it, as from the chat


async def test_the_calendar_file_is_the_chats(api: Api) -> None:
    sc = await scene(api)
    made = await api.post(
        f"/api/booking/{sc.token}/book", as_user=ANNA, json={"slot_id": sc.slots[0].id}
    )
    booking_id = made.body["booking"]["id"]
    got = await api.get(f"/api/booking/{sc.token}/bookings/{booking_id}/calendar.ics", as_user=ANNA)
    assert got.status == 200
    assert got.headers["Content-Type"].startswith("text/calendar")
    assert f"UID:booking-{booking_id}@lessonlink" in got.raw.decode()
    assert "Lesson with Teacher 7000" in got.raw.decode()


async def test_a_weekly_series_can_be_booked_when_the_teacher_allows(api: Api) -> None:
    sc = await scene(api, count=1)
    made = await api.post(
        f"/api/booking/{sc.token}/book", as_user=ANNA, json={"slot_id": sc.slots[0].id, "weeks": 4}
    )
    assert made.status == 201, made.body
    assert made.body["booking"]["series_id"] is not None


async def test_me_lists_the_accounts_own_portals_only(api: Api) -> None:
    sc = await scene(api)
    await api.get(f"/api/booking/{sc.token}", as_user=ANNA)
    mine = await api.get("/api/me", as_user=ANNA)
    assert mine.status == 200, mine.body
    assert mine.body["user"]["id"] == ANNA and mine.body["teacher"] is None
    [portal] = mine.body["portals"]
    assert portal["token"] == sc.token and portal["student"]["name"] == "Anna"
    other = await api.get("/api/me", as_user=BEN)
    assert other.body["portals"] == []
    teacher = await api.get("/api/me", as_user=sc.teacher.telegram_id)
    assert teacher.body["teacher"]["id"] == sc.teacher.id
    assert (await api.get("/api/me")).status == 401


async def test_concurrent_api_and_chat_bookings_of_one_seat_leave_one_booking(api: Api) -> None:
    h = api.harness
    sc = await scene(api, count=1)
    ben = await s.student(h, sc.teacher, BEN, "Ben")
    await api.get(f"/api/booking/{sc.token}", as_user=ANNA)
    from bot.services import booking

    async def by_chat() -> object:
        try:
            return await booking.book(h.app.deps, BEN, ben, sc.slots[0].id)
        except Exception as refused:  # the loser is refused by the database
            return refused

    api_try, _chat_try = await asyncio.gather(
        api.post(f"/api/booking/{sc.token}/book", as_user=ANNA, json={"slot_id": sc.slots[0].id}),
        by_chat(),
    )
    held = await s.bookings_of(h, sc.student_id) + await s.bookings_of(h, ben)
    assert len([b for b, _slot in held if b.status == BookingStatus.CONFIRMED]) == 1
    assert api_try.status in (201, 409)
    if api_try.status == 409:
        assert api_try.body["code"] == "slot-full"


async def test_the_link_card_in_the_chat_says_where_the_link_opens(api: Api) -> None:
    h = api.harness
    sc = await scene(api)
    await h.send(sc.teacher.telegram_id, "/link Anna")
    assert "Opens in Telegram only." in h.last(sc.teacher.telegram_id).content
    await h.send(sc.teacher.telegram_id, "/settings")
    await h.press(sc.teacher.telegram_id, "🌐 Links also work in a plain browser: off")
    await h.send(sc.teacher.telegram_id, "/link Anna")
    shown = h.last(sc.teacher.telegram_id).content
    assert "Also opens in a browser" in shown and sc.token in shown
