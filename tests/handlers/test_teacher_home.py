"""The teacher's home card: what needs attention, screens in place, answered cards lose buttons."""

from __future__ import annotations

from datetime import timedelta

from tests.handlers.conftest import Harness
from tests.steps.teacher_steps import book_first_free, enroll, register

TEACHER, ANNA, BEN, MALLORY = 4001, 4101, 4102, 4199


async def test_home_names_refused_openings_unreachable_unopened_and_expiring_links(
    harness: Harness,
) -> None:
    h = harness
    await register(h, TEACHER, zone="Europe/Berlin")
    anna_token, _ = await enroll(h, TEACHER, "Anna")
    await enroll(h, TEACHER, "Ben")
    await h.press(TEACHER, "⚙️ Expiry and uses")  # Ben's card is the newest
    await h.press(TEACHER, "7 days")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {anna_token}")
    h.user(MALLORY, "Mallory")
    await h.send(MALLORY, f"/start {anna_token}")  # refused: the link is Anna's now
    async with h.app.deps.uow() as uow:  # as the outbox marks an account that blocked the bot
        await uow.accounts.update(ANNA, unreachable=True)
        await uow.commit()
    h.clock.advance(timedelta(days=5))

    await h.send(TEACHER, "/start")
    home = h.last(TEACHER).content
    assert "Needs your attention" in home, home
    assert "1 refused attempt to open your links" in home
    assert "cannot be reached: Anna" in home
    assert "Link not opened yet: Ben" in home
    assert "The link of Ben expires on Mon, 30 Nov" in home


async def test_screens_edit_the_home_message_and_an_old_home_shows_current_data(
    harness: Harness,
) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/menu")
    old = h.last(TEACHER).message_id
    await h.send(TEACHER, "/addslots tue 10:00-12:00 60 Math")
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    await book_first_free(h, ANNA, TEACHER)
    await h.send(TEACHER, "/menu")
    sent = len(h.chat(TEACHER))
    # The older home card is not a dead end: its Schedule shows this week as it is now.
    await h.press(TEACHER, "📅 Schedule", old)
    [shown] = [m for m in h.chat(TEACHER) if m.message_id == old]
    assert "Your schedule" in shown.content and "Anna" in shown.content and shown.edited
    await h.press(TEACHER, "Next week ▶", old)
    await h.press(TEACHER, "🏠 Home", old)
    [shown] = [m for m in h.chat(TEACHER) if m.message_id == old]
    assert "Anna" in shown.content and "📅 Schedule" in shown.button_texts()
    assert len(h.chat(TEACHER)) == sent  # every step was an edit
    assert not h.server.calls("answerCallbackQuery", ok=False)


async def test_answered_confirmation_cards_lose_their_buttons(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/addslots tue 10:00-12:00 60 Math")
    token, _ = await enroll(h, TEACHER, "Anna")
    await enroll(h, TEACHER, "Ben")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    await book_first_free(h, ANNA, TEACHER)

    # Cancel with a reason: once the reason is typed, the question's buttons are gone.
    await h.send(TEACHER, "/schedule")
    [cancel_anna] = [b for b in h.last(TEACHER).button_texts() if "Anna" in b]
    await h.press(TEACHER, cancel_anna)
    ask = h.last(TEACHER).message_id
    await h.send(TEACHER, "I am ill")
    [question] = [m for m in h.chat(TEACHER) if m.message_id == ask]
    assert not question.buttons
    await h.press(TEACHER, "Cancel lesson")
    assert not h.last(TEACHER).buttons and "Cancelled the lesson" in h.last(TEACHER).content

    # Archive: Yes turns the question into the outcome, with nothing left to press twice.
    await h.send(TEACHER, "/students")
    [ben] = [b for b in h.last(TEACHER).button_texts() if "Ben" in b]
    await h.press(TEACHER, ben)
    await h.press(TEACHER, "🗄 Archive")
    ask = h.last(TEACHER).message_id
    await h.press(TEACHER, "Yes, archive")
    [question] = [m for m in h.chat(TEACHER) if m.message_id == ask]
    assert "Archived" in question.content and "Yes, archive" not in question.button_texts()
    assert not h.server.calls("answerCallbackQuery", ok=False)
