"""The teacher's schedule: local times, each student's colour, cancelling with a reason."""

from __future__ import annotations

from tests.handlers.conftest import Harness
from tests.steps.teacher_steps import book_first_free, delivered, enroll, register

TEACHER = 4001
ANNA = 4101
BEN = 4102


async def test_schedule_shows_each_student_with_their_colour_and_cancels_with_a_reason(
    harness: Harness,
) -> None:
    h = harness
    await register(h, TEACHER, zone="Europe/Berlin")
    await h.send(TEACHER, "/addslots tue 10:00-12:00 60 Math")
    for user, name in ((ANNA, "Anna"), (BEN, "Ben")):
        token, _ = await enroll(h, TEACHER, name)
        h.user(user, name)
        await h.send(user, f"/start {token}")
        await book_first_free(h, user, TEACHER)
    await h.send(TEACHER, "/schedule")
    week = h.last(TEACHER).content
    assert "Your schedule (Europe/Berlin)" in week
    assert "10:00–11:00 🔴 Anna · Math" in week  # Berlin local time, Anna's colour
    assert "11:00–12:00 🟠 Ben · Math" in week
    await h.press(TEACHER, "Next week ▶")
    assert "Anna" not in h.last(TEACHER).content
    await h.press(TEACHER, "◀ Previous week")
    [cancel_anna] = [b for b in h.last(TEACHER).button_texts() if "Anna" in b]
    await h.press(TEACHER, cancel_anna)
    await h.send(TEACHER, "I am ill, sorry")
    await h.press(TEACHER, "Cancel lesson")
    assert "Cancelled the lesson with Anna" in h.last(TEACHER).content
    await h.send(TEACHER, "/schedule")
    assert "Anna" not in h.last(TEACHER).content and "🟠 Ben" in h.last(TEACHER).content
    await delivered(h, ANNA, "Reason: I am ill, sorry")


async def test_a_teacher_can_change_their_mind_about_cancelling(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER, zone="Europe/Berlin")
    await h.send(TEACHER, "/addslots tue 10:00-12:00 60 Math")
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    await book_first_free(h, ANNA, TEACHER)
    await h.send(TEACHER, "/schedule")
    [cancel_anna] = [b for b in h.last(TEACHER).button_texts() if "Anna" in b]
    await h.press(TEACHER, cancel_anna)
    await h.press(TEACHER, "Keep the lesson")
    assert "Nothing was changed" in h.last(TEACHER).content
    await h.send(TEACHER, "just a note to myself")  # no longer taken as a reason
    await h.send(TEACHER, "/schedule")
    assert "🔴 Anna" in h.last(TEACHER).content
