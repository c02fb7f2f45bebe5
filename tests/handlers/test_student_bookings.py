"""My bookings: cancel inside and outside the window, reschedule, Add to calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from bot.domain.model import BookingStatus
from bot.domain.notices import NoticeKind
from bot.services import booking
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps

ANA, BEN = 831, 832
WED_10_UTC = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 11:00 Berlin
THU_10_UTC = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
TONIGHT_20_UTC = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # 11 h ahead: inside 24 h


async def _booked(h: Harness, uid: int, student_id: int, slot_id: int) -> int:
    lesson = await booking.book(h.app.deps, uid, student_id, slot_id)
    return lesson.booking_id


async def _on_card(h: Harness, uid: int, lesson: str) -> None:
    """Open My bookings and the lesson's own card ('Wed, 25 Nov 11:00')."""
    await h.send(uid, "/mybookings")
    await h.press(uid, f"{lesson} · Math · Teacher 7000")


async def test_cancel_inside_the_window_asks_first_and_frees_the_seat(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    [slot] = await steps.slots(h, tutor, WED_10_UTC)
    ana = await steps.student(h, tutor, ANA, "Ana")
    await _booked(h, ANA, ana, slot.id)
    await h.send(ANA, "/mybookings")
    assert "Wed, 25 Nov, 11:00–12:00 (Europe/Berlin) · Math" in h.last(ANA).content
    await h.press(ANA, "Wed, 25 Nov 11:00 · Math · Teacher 7000")
    await h.press(ANA, "❌ Cancel")
    assert "Cancel your lesson on Wed, 25 Nov, 11:00–12:00" in h.last(ANA).content
    await h.press(ANA, "No, keep it")
    assert (await steps.bookings_of(h, ana))[0][0].status == BookingStatus.CONFIRMED
    assert "Your lesson" in h.last(ANA).content, "keeping it goes back to the lesson's card"
    await h.press(ANA, "❌ Cancel")
    await h.press(ANA, "Yes, cancel it")
    assert "Cancelled: Wed, 25 Nov, 11:00–12:00" in h.last(ANA).content
    [(cancelled, freed)] = await steps.bookings_of(h, ana)
    assert cancelled.status == BookingStatus.CANCELLED and freed.booked == 0
    [notice] = await steps.outbox(h, NoticeKind.BOOKING_CANCELLED)
    assert notice.chat_id == tutor.telegram_id


async def test_cancel_and_reschedule_outside_the_window_are_refused(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    [slot] = await steps.slots(h, tutor, TONIGHT_20_UTC)
    await steps.slots(h, tutor, THU_10_UTC)
    ana = await steps.student(h, tutor, ANA, "Ana")
    await _booked(h, ANA, ana, slot.id)
    h.clock.advance(timedelta(minutes=11))  # booked a while ago: the grace period is over
    for button in ("❌ Cancel", "🔁 Move"):
        await _on_card(h, ANA, "Mon, 23 Nov 21:00")
        assert "It is too late to cancel or move it" in h.last(ANA).content
        answer = await h.press(ANA, button)
        assert answer.show_alert  # the refusal is the press's one answer, not a new message
        assert "It is too late to change this lesson" in (answer.text or "")
        assert "Your teacher can still cancel it." in (answer.text or "")
    [(kept, _)] = await steps.bookings_of(h, ana)
    assert kept.status == BookingStatus.CONFIRMED


async def test_reschedule_walks_the_calendar_and_swaps(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    [old] = await steps.slots(h, tutor, WED_10_UTC)
    [new] = await steps.slots(h, tutor, THU_10_UTC)
    ana = await steps.student(h, tutor, ANA, "Ana")
    await _booked(h, ANA, ana, old.id)
    await _on_card(h, ANA, "Wed, 25 Nov 11:00")
    await h.press(ANA, "🔁 Move")
    assert "Pick a new time for your lesson on Wed, 25 Nov" in h.last(ANA).content
    await h.press(ANA, "Thu, 26 Nov · 1 free")
    await h.press(ANA, "🟢 11:00–12:00 Math")
    card = h.last(ANA).content
    assert "Move your lesson here?" in card and "will be released" in card
    await h.press(ANA, "✅ Confirm")
    assert "Moved." in h.last(ANA).content and "Thu, 26 Nov, 11:00" in h.last(ANA).content
    rows = {s.id: b for b, s in await steps.bookings_of(h, ana)}
    assert rows[old.id].status == BookingStatus.CANCELLED
    assert rows[new.id].status == BookingStatus.CONFIRMED
    assert rows[old.id].rescheduled_to_id == rows[new.id].id
    assert await steps.outbox(h, NoticeKind.BOOKING_RESCHEDULED)


async def test_failed_reschedule_keeps_the_old_booking_exactly(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    [old] = await steps.slots(h, tutor, WED_10_UTC)
    [new] = await steps.slots(h, tutor, THU_10_UTC)
    ana = await steps.student(h, tutor, ANA, "Ana")
    ben = await steps.student(h, tutor, BEN, "Ben")
    await _booked(h, ANA, ana, old.id)
    before = await steps.bookings_of(h, ana)
    await _on_card(h, ANA, "Wed, 25 Nov 11:00")
    await h.press(ANA, "🔁 Move")
    await h.press(ANA, "Thu, 26 Nov · 1 free")
    await h.press(ANA, "🟢 11:00–12:00 Math")
    await _booked(h, BEN, ben, new.id)  # Ben is quicker
    await h.press(ANA, "✅ Confirm")
    shown = h.last(ANA)
    assert "This slot was just taken" in shown.content
    assert "🔴 11:00–12:00 Math · booked" in shown.button_texts()
    assert await steps.bookings_of(h, ana) == before


async def test_add_to_calendar_sends_an_ics_with_a_stable_uid(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    [slot] = await steps.slots(h, tutor, WED_10_UTC)
    ana = await steps.student(h, tutor, ANA, "Ana")
    booking_id = await _booked(h, ANA, ana, slot.id)
    uids = []
    for _ in range(2):
        await _on_card(h, ANA, "Wed, 25 Nov 11:00")
        await h.press(ANA, "📅 Add to calendar")
        sent = h.last(ANA)
        assert sent.kind == "document" and (sent.document_name or "").endswith(".ics")
        [event] = Calendar.from_ical(sent.document or b"").walk("VEVENT")
        assert event.decoded("dtstart") == WED_10_UTC
        assert event.decoded("dtend") == slot.ends_at
        assert "Teacher 7000" in str(event.get("summary"))
        uids.append(str(event.get("uid")))
    assert uids == [f"booking-{booking_id}@lessonlink"] * 2


async def test_the_calendar_file_after_a_move_updates_the_same_entry(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    [old] = await steps.slots(h, tutor, WED_10_UTC)
    await steps.slots(h, tutor, THU_10_UTC)
    ana = await steps.student(h, tutor, ANA, "Ana")
    await _booked(h, ANA, ana, old.id)
    events = []
    for label in ("Wed, 25 Nov 11:00", "Thu, 26 Nov 11:00"):
        if label.startswith("Thu"):
            await _on_card(h, ANA, "Wed, 25 Nov 11:00")
            await h.press(ANA, "🔁 Move")
            await h.press(ANA, "Thu, 26 Nov · 1 free")
            await h.press(ANA, "🟢 11:00–12:00 Math")
            await h.press(ANA, "✅ Confirm")
        await _on_card(h, ANA, label)
        await h.press(ANA, "📅 Add to calendar")
        [event] = Calendar.from_ical(h.last(ANA).document or b"").walk("VEVENT")
        events.append(event)
    assert str(events[0].get("uid")) == str(events[1].get("uid")), "one calendar entry"
    assert int(events[1].get("sequence")) > int(events[0].get("sequence"))
    assert events[1].decoded("dtstart") == THU_10_UTC
