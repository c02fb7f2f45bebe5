"""The waitlist as students live it in the chat: join a full slot's line, a seat frees, the
first in line is offered it and lets the hold lapse, the next one books it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.model import BookingStatus
from bot.domain.notices import NoticeKind
from bot.services import booking
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps
from views.waitlist_callbacks import WaitAction, WaitCb

ANA, BEN, CLEO = 851, 852, 853
WED_10_UTC = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 11:00 Berlin
FULL = "🔴 11:00–12:00 Math · booked"
NOTIFY = "🔔 Notify me if it frees up"


async def _join(h: Harness, uid: int) -> str:
    """Open Wednesday, press the full 11:00 and "Notify me"; what the chat then says."""
    await h.send(uid, "/book")
    await h.press(uid, "Wed, 25 Nov · 1 free")
    await h.press(uid, FULL)
    assert NOTIFY in h.last(uid).button_texts()
    await h.press(uid, NOTIFY)
    return h.last(uid).content


def _said(h: Harness, uid: int, toast: str | None) -> str:
    """What a press told: its answer (a toast) and the chat's newest message."""
    return f"{toast or ''}\n{h.last(uid).content}"


async def _waitlist_pass(h: Harness) -> None:
    """Run the waitlist's periodic pass once, as the scheduler would."""
    await h.app.jobs["waitlist"]()


async def test_first_in_line_lets_the_hold_lapse_and_the_second_books_it(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h, waitlist_hold_minutes=15)
    [full, _] = await steps.slots(h, tutor, WED_10_UTC, count=2)
    ana = await steps.student(h, tutor, ANA, "Ana")
    await steps.student(h, tutor, BEN, "Ben")
    cleo = await steps.student(h, tutor, CLEO, "Cleo")
    lesson = await booking.book(h.app.deps, ANA, ana, full.id)

    assert "number 1 in line" in await _join(h, BEN)
    assert "number 2 in line" in await _join(h, CLEO)
    await h.send(CLEO, "/book")  # again: the day, the full slot, Notify
    await h.press(CLEO, "Wed, 25 Nov · 1 free")
    await h.press(CLEO, FULL)
    again = await h.press(CLEO, NOTIFY)
    assert "You are already in line for this slot." in _said(h, CLEO, again.text)
    await h.send(CLEO, "/waitlist")
    assert "number 2 in line" in h.last(CLEO).content

    # Ana cancels in the chat: the seat is held for Ben, and only Ben hears of it.
    await h.send(ANA, "/mybookings")
    await h.press(ANA, "Wed, 25 Nov 11:00 · Math · Teacher 7000")
    await h.press(ANA, "❌ Cancel")
    await h.press(ANA, "Yes, cancel it")
    await h.flush()
    offer = h.last(BEN)
    assert "A seat has freed up" in offer.content and "11:00" in offer.content
    assert "✅ Book it" in offer.button_texts()
    assert not any("freed up" in m.content for m in h.chat(CLEO))
    # Cleo cannot take Ben's held seat from the calendar meanwhile.
    await h.send(CLEO, "/book")
    await h.press(CLEO, "Wed, 25 Nov · 1 free")
    assert FULL in h.last(CLEO).button_texts()

    # Ben lets the hold lapse: the pass offers the seat to Cleo, and Ben's Book says so.
    h.clock.advance(timedelta(minutes=16))
    await _waitlist_pass(h)
    await h.flush()
    late = await h.press(BEN, "✅ Book it", message_id=offer.message_id)
    assert "This offer is no longer open" in _said(h, BEN, late.text)
    cleo_offer = h.last(CLEO)
    assert "A seat has freed up" in cleo_offer.content
    await h.press(CLEO, "✅ Book it")
    assert "Booked" in h.last(CLEO).content or "✅" in h.last(CLEO).content
    [(mine, slot)] = await steps.bookings_of(h, cleo)
    assert mine.status == BookingStatus.CONFIRMED and slot.id == full.id
    assert (slot.booked, slot.held) == (1, 0)
    assert len(await steps.outbox(h, NoticeKind.WAITLIST_OFFER)) == 2  # one each, never twice
    assert lesson.booking_id != mine.id


async def _full_with_line(h: Harness, hold: str = "") -> tuple[int, int, int]:
    """Ana holds Wednesday 11:00 (one seat); Ben, then Cleo, wait for it. Their student ids."""
    tutor = await steps.teacher(h)
    if hold:  # the teacher sets the hold time in /settings
        await h.send(tutor.telegram_id, "/settings")
        await h.press(tutor.telegram_id, "🎟 Waitlist hold: 15 min")
        await h.press(tutor.telegram_id, hold)
        assert f"🎟 Waitlist hold: {hold}" in h.last(tutor.telegram_id).button_texts()
    [full, _] = await steps.slots(h, tutor, WED_10_UTC, count=2)
    ana = await steps.student(h, tutor, ANA, "Ana")
    ben = await steps.student(h, tutor, BEN, "Ben")
    cleo = await steps.student(h, tutor, CLEO, "Cleo")
    await booking.book(h.app.deps, ANA, ana, full.id)
    await _join(h, BEN)
    await _join(h, CLEO)
    return ana, ben, cleo


async def _ana_cancels(h: Harness) -> None:
    await h.send(ANA, "/mybookings")
    await h.press(ANA, "Wed, 25 Nov 11:00 · Math · Teacher 7000")
    await h.press(ANA, "❌ Cancel")
    await h.press(ANA, "Yes, cancel it")
    await h.flush()


async def test_declining_offers_the_seat_to_the_next_at_once_for_the_teachers_hold(
    harness: Harness,
) -> None:
    h = harness
    await _full_with_line(h, hold="1 h")
    await _ana_cancels(h)
    assert "held for you until Mon, 23 Nov, 11:00" in h.last(BEN).content  # 10:00 + 1 h
    await h.press(BEN, "✖ No, thanks")
    assert "the seat goes to the next student in line" in h.last(BEN).content
    await h.flush()
    assert "A seat has freed up" in h.last(CLEO).content
    assert h.last(BEN).button_texts() == ["🏠 Home"], "the offer's buttons are gone"
    again = WaitCb(action=WaitAction.DECLINE, entry_id=1).pack()  # an old copy, pressed
    late = await h.press_data(BEN, h.last(BEN).message_id, again)
    assert late is not None and "This offer is no longer open." in _said(h, BEN, late.text)


async def test_leaving_the_line_and_the_sentences_for_ones_own_slot_and_a_second_join(
    harness: Harness,
) -> None:
    h = harness
    await _full_with_line(h)
    await h.send(ANA, "/book")
    await h.press(ANA, "Wed, 25 Nov · 1 free")
    await h.press(ANA, "⭐ 11:00–12:00 Math · yours")
    assert "You have already booked this slot." in h.last(ANA).content
    assert NOTIFY not in h.last(ANA).button_texts()

    await h.send(BEN, "/waitlist")
    listed = h.last(BEN)
    assert "number 1 in line" in listed.content
    await h.press(BEN, "🚪 Leave the line: Wed, 25 Nov, 11:00")
    assert "You left the line." in h.last(BEN).content
    # The card shown when he joined still has its own Leave button: an old copy, pressed.
    again = await h.press(BEN, "🚪 Leave the line: Wed, 25 Nov, 11:00")
    assert "You are no longer in line for this lesson." in _said(h, BEN, again.text)
    await h.send(CLEO, "/waitlist")
    assert "number 1 in line" in h.last(CLEO).content  # Ben left: Cleo moved up


async def test_a_lesson_that_begins_drops_its_line_silently_and_forged_entries_are_refused(
    harness: Harness,
) -> None:
    h = harness
    await _full_with_line(h)
    await h.send(CLEO, "/waitlist")
    cleo_list = h.last(CLEO)
    forged = WaitCb(action=WaitAction.LEAVE, entry_id=1).pack()  # Ben's entry
    answer = await h.press_data(CLEO, cleo_list.message_id, forged)
    assert answer is not None and "not available any more" in _said(h, CLEO, answer.text)
    await h.send(BEN, "/waitlist")
    assert "number 1 in line" in h.last(BEN).content  # untouched by Cleo's forged press

    before = len(h.chat(BEN))
    h.clock.advance(timedelta(days=2, hours=2))  # Wednesday 11:00 Berlin has begun
    await _waitlist_pass(h)
    await h.flush()
    assert len(h.chat(BEN)) == before, "dropped silently"
    await h.send(BEN, "/waitlist")
    assert "You are not waiting for any lesson" in h.last(BEN).content


async def test_time_off_over_a_full_lesson_offers_its_seat_to_nobody(harness: Harness) -> None:
    h = harness
    await _full_with_line(h)
    await h.send(steps.TEACHER_TG, "/block 2026-11-25 10:00-13:00 ill")
    await h.press(steps.TEACHER_TG, "Cancel without the reason")
    await _waitlist_pass(h)
    await h.flush()
    assert not any("freed up" in m.content for m in h.chat(BEN)), "the slot went with the seat"
    await h.send(BEN, "/waitlist")
    assert "You are not waiting for any lesson" in h.last(BEN).content


async def test_a_fully_booked_day_opens_from_the_week_to_join_its_line(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    [only] = await steps.slots(h, tutor, WED_10_UTC)
    ana = await steps.student(h, tutor, ANA, "Ana")
    await steps.student(h, tutor, BEN, "Ben")
    await booking.book(h.app.deps, ANA, ana, only.id)
    await h.send(BEN, "/book")
    assert "Wed, 25 Nov · 🔴 fully booked" in h.last(BEN).button_texts()
    await h.press(BEN, "Wed, 25 Nov · 🔴 fully booked")
    await h.press(BEN, FULL)
    assert "This time is fully booked" in h.last(BEN).content
    await h.press(BEN, NOTIFY)
    assert "number 1 in line" in h.last(BEN).content
    await h.press(BEN, "🏠 Home")
    await h.press(BEN, "📝 Book a lesson")
    await h.press(BEN, "🗓 Pick a month")
    assert "🔴25" in h.last(BEN).button_texts()
