"""The waitlist as students live it in the chat: join a full slot's line, a seat frees, the
first in line is offered it and lets the hold lapse, the next one books it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.model import BookingStatus
from bot.domain.notices import NoticeKind
from bot.services import booking
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps

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
