"""Lesson notes through the REST API: the portal books with the student's note, which the
teacher reads in the chat; My bookings carries the teacher's note to its own student only."""

from __future__ import annotations

from bot.domain.notes import MAX_NOTE_CHARS
from bot.services import lesson_notes
from tests.api.conftest import Api
from tests.api.described import check_as_described
from tests.api.test_student_api import ANNA, BEN, scene
from tests.steps import student_steps as s
from tests.steps.teacher_steps import delivered

ASKED = "<b>chapter 3 & 4</b>"


async def test_a_note_booked_through_the_api_reaches_the_teacher_and_theirs_comes_back(
    api: Api,
) -> None:
    h = api.harness
    doc = (await api.get("/api/openapi.json")).body
    sc = await scene(api, count=2)
    h.user(ANNA, "Anna")
    path = f"/api/booking/{sc.token}/book"
    made = await api.post(path, as_user=ANNA, json={"slot_id": sc.slots[0].id, "note": ASKED})
    assert made.status == 201, made.body
    check_as_described(doc, "post", path, made)
    booking = made.body["booking"]
    assert (booking["student_note"], booking["teacher_note"]) == (ASKED, "")
    await delivered(h, sc.teacher.telegram_id, f"Student's note: {ASKED}")

    await lesson_notes.set_teacher_note(h.app.deps, sc.teacher.telegram_id, booking["id"], "p. 10")
    mine = await api.get(f"/api/booking/{sc.token}/my-bookings", as_user=ANNA)
    [lesson] = mine.body["upcoming"]
    assert (lesson["teacher_note"], lesson["student_note"]) == ("p. 10", ASKED)

    _, ben_token = await s.invite(h, sc.teacher, "Ben")  # another student of the same teacher
    await api.post(f"/api/booking/{ben_token}/book", as_user=BEN, json={"slot_id": sc.slots[1].id})
    theirs = await api.get(f"/api/booking/{ben_token}/my-bookings", as_user=BEN)
    assert theirs.status == 200 and len(theirs.body["upcoming"]) == 1
    assert "chapter" not in str(theirs.body) and "p. 10" not in str(theirs.body)


async def test_a_note_too_long_or_not_text_is_refused_and_books_nothing(api: Api) -> None:
    sc = await scene(api, count=1)
    path = f"/api/booking/{sc.token}/book"
    for note in ("x" * (MAX_NOTE_CHARS + 1), 42, "chapter\u00003"):
        got = await api.post(path, as_user=ANNA, json={"slot_id": sc.slots[0].id, "note": note})
        assert (got.status, got.body["errors"][0]["field"]) == (422, "note"), got.body
    too_long = await api.post(
        path, as_user=ANNA, json={"slot_id": sc.slots[0].id, "note": "x" * (MAX_NOTE_CHARS + 1)}
    )
    assert f"notes hold up to {MAX_NOTE_CHARS}" in str(too_long.body["errors"])
    assert await s.bookings_of(api.harness, sc.student_id) == []
