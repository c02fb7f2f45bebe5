"""A seat held for a waitlist offer is refused through the REST API as in the chat."""

from __future__ import annotations

from datetime import timedelta

from bot.services import booking, waitlist
from tests.api.conftest import Api
from tests.api.test_student_api import ANNA, BEN, scene
from tests.steps import student_steps as s

CLEO = 4203


async def test_a_held_seat_is_full_to_an_api_caller_and_shown_so(api: Api) -> None:
    h = api.harness
    sc = await scene(api)
    ben = await s.student(h, sc.teacher, BEN, "Ben")
    cleo = await s.student(h, sc.teacher, CLEO, "Cleo")
    held = sc.slots[0].id
    lesson = await booking.book(h.app.deps, BEN, ben, held)
    await waitlist.join(h.app.deps, CLEO, cleo, held)
    await booking.cancel_by_student(h.app.deps, BEN, lesson.booking_id)  # held for Cleo now

    got = await api.post(f"/api/booking/{sc.token}/book", as_user=ANNA, json={"slot_id": held})
    assert (got.status, got.body["code"]) == (409, "slot-full")
    day = (h.clock.now() + timedelta(days=1)).date().isoformat()
    shown = await api.get(f"/api/booking/{sc.token}/calendar?from={day}&days=1", as_user=ANNA)
    assert shown.status == 200, shown.body
    states = {slot["id"]: slot["state"] for slot in shown.body["slots"]}
    assert states[held] == "booked", states
    await booking.book(h.app.deps, CLEO, cleo, held)  # its holder, in the chat
    assert [b.status.value for b, _ in await s.bookings_of(h, cleo)] == ["confirmed"]
