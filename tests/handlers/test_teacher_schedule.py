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


async def test_a_cancel_card_confirms_only_the_lesson_it_names(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER, zone="Europe/Berlin")
    await h.send(TEACHER, "/addslots tue 10:00-12:00 60 Math")
    for user, name in ((ANNA, "Anna"), (BEN, "Ben")):
        token, _ = await enroll(h, TEACHER, name)
        h.user(user, name)
        await h.send(user, f"/start {token}")
        await book_first_free(h, user, TEACHER)
    await h.send(TEACHER, "/schedule")
    [cancel_ben] = [b for b in h.last(TEACHER).button_texts() if "Ben" in b]
    await h.press(TEACHER, cancel_ben)
    await h.send(TEACHER, "ill, sorry")
    card = h.last(TEACHER)
    confirm = card.find_button("Cancel lesson")
    assert confirm is not None and confirm.callback_data is not None
    ben_booking = int(confirm.callback_data.removeprefix("lcx:ok:"))
    anna_data = f"lcx:ok:{ben_booking - 1}"  # Anna booked first
    answer = await h.press_data(TEACHER, card.message_id, anna_data)  # a forged confirmation
    assert answer is not None and "no longer valid" in (answer.text or "")
    await h.press(TEACHER, "Cancel lesson", message_id=card.message_id)
    assert "Cancelled the lesson with Ben" in h.last(TEACHER).content
    await h.send(TEACHER, "/schedule")
    assert "🔴 Anna" in h.last(TEACHER).content and "Ben" not in h.last(TEACHER).content
