"""Booking inside the cancellation window: the card says so, and a grace period undoes a slip.

Issue 12, bug 7. With the defaults (2 h notice, 24 h window, 10 min grace) the soonest
bookable lesson already lies inside the window; the clock starts Mon 23 Nov, 10:00 Berlin.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.model import BookingStatus
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps

ANA, OLGA = 851, 852
SOON_UTC = datetime(2026, 11, 23, 11, 50, tzinfo=UTC)  # 12:50 Berlin, 2 h 50 min ahead
SLOT = "🟢 12:50–13:50 Math"
TODAY = "Mon, 23 Nov · 1 free"
WARNING = (
    "Note: this lesson starts in less than 24 hours, so after booking you can change or "
    "cancel it only in the next 10 minutes."
)
NO_UNDO = (
    "Note: this lesson starts in less than 24 hours, so after booking you will not be able "
    "to cancel or move it yourself."
)


async def _to_the_card(h: Harness, uid: int, start: str = "📝 Book a lesson") -> str:
    await h.press(uid, start)
    await h.press(uid, TODAY)
    await h.press(uid, SLOT)
    return h.last(uid).content


LESSON = "Mon, 23 Nov 12:50 · Math · Teacher 7000"  # its row in My bookings


async def _refused(h: Harness, uid: int, button: str) -> None:
    await h.send(uid, "/mybookings")
    await h.press(uid, LESSON)  # the lesson's own card holds its actions
    answer = await h.press(uid, button)
    assert answer.show_alert, "the refusal is the press's alert"
    assert "It is too late to change this lesson" in (answer.text or "")


async def test_a_lesson_inside_the_window_is_flagged_and_can_be_undone_only_briefly(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)  # default settings
    [slot] = await steps.slots(h, tutor, SOON_UTC)
    ana = await steps.student(h, tutor, ANA, "Ana")

    card = await _to_the_card(h, ANA)
    assert "Book this lesson?" in card and WARNING in card
    await h.press(ANA, "✅ Confirm")
    done = h.last(ANA).content
    assert "Booked:" in done and "You can undo this booking until 10:10." in done

    h.clock.advance(timedelta(minutes=5))  # a slip noticed within the grace period
    await h.send(ANA, "/mybookings")
    await h.press(ANA, LESSON)
    await h.press(ANA, "❌ Cancel")
    await h.press(ANA, "Yes, cancel it")
    assert "Cancelled: Mon, 23 Nov, 12:50–13:50" in h.last(ANA).content
    [(undone, freed)] = await steps.bookings_of(h, ana)
    assert undone.status == BookingStatus.CANCELLED and freed.booked == 0
    assert not undone.late_cancel  # an undone slip is not a late cancellation

    # Booked again (the seat is free), and this time the grace period runs out.
    assert WARNING in await _to_the_card(h, ANA, start="📝 Book another time")
    await h.press(ANA, "✅ Confirm")
    assert "You can undo this booking until 10:15." in h.last(ANA).content
    h.clock.advance(timedelta(minutes=11))
    await _refused(h, ANA, "❌ Cancel")
    await _refused(h, ANA, "🔁 Move")
    rows = await steps.bookings_of(h, ana)
    assert [b.status for b, _ in rows if b.slot_id == slot.id].count(BookingStatus.CONFIRMED) == 1


async def test_a_lesson_outside_the_window_carries_no_warning(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, SOON_UTC + timedelta(days=2))
    await steps.student(h, tutor, ANA, "Ana")
    await h.press(ANA, "📝 Book a lesson")
    await h.press(ANA, "Wed, 25 Nov · 1 free")
    await h.press(ANA, SLOT)
    card = h.last(ANA).content
    assert "cancel or reschedule up to 24 hours before the start" in card
    assert "Note:" not in card
    await h.press(ANA, "✅ Confirm")
    assert "You can undo this booking" not in h.last(ANA).content


async def test_the_warning_and_the_undo_deadline_in_russian(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, SOON_UTC)
    h.user(OLGA, "Ольга", language="ru")
    _, token = await steps.invite(h, tutor, "Ольга")
    await h.send(OLGA, f"/start {token}")
    i18n = h.app.i18n
    await h.press(OLGA, i18n.gettext("📝 Book a lesson", locale="ru"))
    today = next(t for t in h.last(OLGA).button_texts() if "23" in t and "свободно: 1" in t)
    await h.press(OLGA, today)
    await h.press(OLGA, SLOT)
    card = h.last(OLGA).content
    assert (
        "Внимание: до начала урока меньше, чем 24 часа, поэтому после записи изменить или "
        "отменить его можно только в течение 10 минут."
    ) in card
    await h.press(OLGA, i18n.gettext("✅ Confirm", locale="ru"))
    assert "Отменить или перенести этот урок можно до 10:10." in h.last(OLGA).content


async def test_a_teacher_turns_the_grace_period_off_and_the_card_says_so(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, SOON_UTC)
    t = tutor.telegram_id
    await h.send(t, "/settings")
    await h.press(t, "⏪ Undo period after booking: 10 min")
    entry = h.last(t)
    assert "Now: 10 min" in entry.content
    assert entry.button_texts()[:6] == ["off", "5 min", "✓ 10 min", "15 min", "30 min", "1 h"]
    await h.press(t, "✏️ Type another value")
    await h.send(t, "61")
    assert "is not a valid value here" in h.last(t).content
    await h.send(t, "20")
    assert "⏪ Undo period after booking: 20 min" in h.last(t).button_texts()
    await h.press(t, "⏪ Undo period after booking: 20 min")
    answer = await h.press(t, "off")
    assert answer.text == "Saved"
    assert "⏪ Undo period after booking: off" in h.last(t).button_texts()

    await steps.student(h, tutor, ANA, "Ana")
    card = await _to_the_card(h, ANA)
    assert NO_UNDO in card and WARNING not in card
    await h.press(ANA, "✅ Confirm")
    assert "You can undo this booking" not in h.last(ANA).content
    await _refused(h, ANA, "❌ Cancel")
