"""A student opens their link and books a lesson in a few taps, all in one message."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.model import BookingStatus
from bot.domain.notices import NoticeKind
from tests.e2e.conftest import Harness
from tests.steps import student_steps as steps

SAM = 801
WED_10_UTC = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 11:00 in Berlin


async def test_link_to_confirmed_lesson_in_one_edited_message(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, WED_10_UTC, count=2, subject="Math")
    sid = await steps.student(h, tutor, SAM, "Sam")  # sends /start <token>
    opened = h.last(SAM)
    assert "connected to <b>Teacher 7000</b>" in (opened.raw_text or "")
    assert "Your lessons with Teacher 7000" in opened.content
    assert "No lessons booked yet." in opened.content
    assert opened.button_texts()[:2] == ["📝 Book a lesson", "📋 My bookings"]

    await h.press(SAM, "📝 Book a lesson")
    week = h.last(SAM)
    assert "Book a lesson with Teacher 7000" in week.content
    assert "Times in Europe/Berlin." in week.content
    assert "Wed, 25 Nov · 2 free" in week.button_texts()
    assert "Mon, 23 Nov – Tue, 24 Nov · no free times" in week.button_texts()

    await h.press(SAM, "Wed, 25 Nov · 2 free")
    day = h.last(SAM)
    assert day.message_id == week.message_id and day.edited
    assert day.button_texts()[:2] == ["🟢 11:00–12:00 Math", "🟢 12:00–13:00 Math"]

    await h.press(SAM, "🟢 11:00–12:00 Math")
    card = h.last(SAM).content
    assert "Book this lesson?" in card
    assert "Wednesday, November 25, 2026" in card
    assert "11:00–12:00 (Europe/Berlin)" in card
    assert "Length: 1 hour" in card and "Subject: Math" in card
    assert "cancel or reschedule up to 24 hours before the start" in card

    await h.press(SAM, "✅ Confirm")
    done = h.last(SAM)
    assert done.message_id == week.message_id
    assert "Booked:" in done.content and "Wed, 25 Nov, 11:00–12:00" in done.content

    [(booking, slot)] = await steps.bookings_of(h, sid)
    assert booking.status == BookingStatus.CONFIRMED and slot.starts_at == WED_10_UTC
    [notice] = await steps.outbox(h, NoticeKind.BOOKING_NEW)
    assert notice.chat_id == tutor.telegram_id and notice.booking_id == booking.id
    presses = [r for r in h.server.requests if r.method == "answerCallbackQuery"]
    assert len(presses) == 4 and all(r.ok for r in presses)
    await h.flush()
    told = h.last(tutor.telegram_id).content
    assert "New booking" in told and "Sam" in told and "11:00–12:00" in told


async def test_plain_start_brings_a_bound_student_home(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, WED_10_UTC)
    await steps.student(h, tutor, SAM, "Sam")
    await h.send(SAM, "/start")
    home = h.last(SAM)
    assert "Your lessons with Teacher 7000" in home.content
    main_buttons = ["📝 Book a lesson", "📋 My bookings", "🌍 Time zone", "❓ Help"]
    assert home.button_texts()[:4] == main_buttons
    await h.send(SAM, "/book")
    assert "Wed, 25 Nov · 1 free" in h.last(SAM).button_texts()
    await h.send(SAM, "/mybookings")
    assert "No upcoming lessons." in h.last(SAM).content


async def test_a_sticker_or_stray_text_gets_a_hint_and_the_home_card(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.student(h, tutor, SAM, "Sam")
    for update in (h.server.send_sticker(SAM), h.server.send_photo(SAM)):
        await h.app.tracker.wait_handled(update)
        assert "Please use the buttons below" in h.last(SAM).content
        assert "📝 Book a lesson" in h.last(SAM).button_texts()
    await h.send(SAM, "tomorrow at 5 please")
    assert "Your lessons with Teacher 7000" in h.last(SAM).content
