"""Every refusal a student can meet, as one sentence above the day as it is now."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps

ANA, BEN = 811, 812
TODAY_12_UTC = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # 13:00 Berlin, 3 h from now
WED_10_UTC = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


async def _open_day(h: Harness, uid: int, day_button: str) -> None:
    await h.send(uid, "/book")
    await h.press(uid, day_button)


async def test_too_soon_after_the_clock_moves(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)  # two hours' notice by default
    await steps.slots(h, tutor, TODAY_12_UTC)
    await steps.student(h, tutor, ANA, "Ana")
    await _open_day(h, ANA, "Mon, 23 Nov · 1 free")
    h.clock.advance(timedelta(minutes=90))
    await h.press(ANA, "🟢 13:00–14:00 Math")
    shown = h.last(ANA)
    assert "too soon to book" in shown.content
    assert "Monday, November 23, 2026" in shown.content
    assert not any(b.startswith("🟢") for b in shown.button_texts())


async def test_started_slot_is_refused(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, TODAY_12_UTC)
    await steps.student(h, tutor, ANA, "Ana")
    await _open_day(h, ANA, "Mon, 23 Nov · 1 free")
    await h.press(ANA, "🟢 13:00–14:00 Math")
    h.clock.advance(timedelta(hours=3, minutes=10))
    await h.press(ANA, "✅ Confirm")
    assert "already started" in h.last(ANA).content


async def test_too_far_when_the_teacher_shortens_the_horizon(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, datetime(2026, 12, 13, 10, 0, tzinfo=UTC))
    await steps.student(h, tutor, ANA, "Ana")
    await h.send(ANA, "/book")
    assert "◀ Previous week" not in h.last(ANA).button_texts()  # nothing before today
    await h.press(ANA, "Next week ▶")
    await h.press(ANA, "Next week ▶")
    await h.press(ANA, "Sun, 13 Dec · 1 free")
    async with h.app.deps.uow() as u:
        tutor.settings = replace(tutor.settings, horizon_days=7)
        await u.teachers.save(tutor)
        await u.commit()
    await h.press(ANA, "🟢 11:00–12:00 Math")
    assert "too far ahead" in h.last(ANA).content


async def test_slot_taken_while_on_the_card_shows_just_taken_and_the_fresh_day(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, WED_10_UTC, count=2)
    ana = await steps.student(h, tutor, ANA, "Ana")
    ben = await steps.student(h, tutor, BEN, "Ben")
    for uid in (ANA, BEN):
        await _open_day(h, uid, "Wed, 25 Nov · 2 free")
        await h.press(uid, "🟢 11:00–12:00 Math")
    await h.press(ANA, "✅ Confirm")
    await h.press(BEN, "✅ Confirm")
    shown = h.last(BEN)
    assert "This slot was just taken" in shown.content
    assert "🔴 11:00–12:00 Math · booked" in shown.button_texts()
    assert "🟢 12:00–13:00 Math" in shown.button_texts()
    assert "Ana" not in shown.content  # a full slot is just "booked"
    assert len(await steps.bookings_of(h, ana)) == 1
    assert await steps.bookings_of(h, ben) == []


async def test_own_slot_is_marked_and_refused_as_already_yours(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, WED_10_UTC, capacity=3)
    await steps.student(h, tutor, ANA, "Ana")
    await _open_day(h, ANA, "Wed, 25 Nov · 1 free")
    assert "🟢 11:00–12:00 Math · 3 seats left" in h.last(ANA).button_texts()
    await h.press(ANA, "🟢 11:00–12:00 Math · 3 seats left")
    await h.press(ANA, "✅ Confirm")
    await _open_day(h, ANA, "Wed, 25 Nov · ⭐ yours")
    await h.press(ANA, "⭐ 11:00–12:00 Math · yours")
    assert "You have already booked this slot." in h.last(ANA).content


async def test_revoked_link_ends_access_with_a_sentence(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, WED_10_UTC)
    ana = await steps.student(h, tutor, ANA, "Ana")
    await h.send(ANA, "/start")
    async with h.app.deps.uow() as u:
        await u.links.revoke_all(ana, h.clock.now(), replaced=False)
        await u.commit()
    home = h.last(ANA)
    refusal = await h.press(ANA, "📝 Book a lesson")
    # The press is answered once, with the refusal as an alert; the chat gains nothing.
    assert refusal.show_alert and "turned this link off" in (refusal.text or "")
    assert h.last(ANA) == home
    await h.send(ANA, "/book")
    await steps.settle(h)
    assert "turned this link off" in h.last(ANA).content
    assert await steps.bookings_of(h, ana) == []


async def test_weeks_page_from_today_to_the_horizon_and_months_jump(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)  # 28 days ahead: the last bookable day is Mon 21 Dec
    await steps.slots(h, tutor, datetime(2026, 12, 21, 8, 0, tzinfo=UTC))
    await steps.student(h, tutor, ANA, "Ana")
    await h.send(ANA, "/book")
    for _ in range(4):
        await h.press(ANA, "Next week ▶")
    days = [b for b in h.last(ANA).button_texts() if "free" in b]
    assert days == ["Mon, 21 Dec · 1 free"]
    assert "Next week ▶" not in h.last(ANA).button_texts()
    await h.press(ANA, "🗓 Pick a month")
    grid = h.last(ANA)
    assert "December 2026" in grid.content
    assert [b for b in grid.button_texts() if "2026" in b or "2027" in b] == ["◀ November 2026"]
    await h.press(ANA, "◀ November 2026")
    assert [b for b in h.last(ANA).button_texts() if "2026" in b] == ["December 2026 ▶"]
    await h.press(ANA, "December 2026 ▶")
    await h.press(ANA, "21")
    assert "Monday, December 21, 2026" in h.last(ANA).content


async def test_confirm_pressed_again_shows_the_booking_not_a_warning(harness: Harness) -> None:
    # A double tap, or the same press delivered again after a worker died having booked.
    h = harness
    tutor = await steps.teacher(h)
    [slot] = await steps.slots(h, tutor, WED_10_UTC, capacity=3)
    ana = await steps.student(h, tutor, ANA, "Ana")
    await _open_day(h, ANA, "Wed, 25 Nov · 1 free")
    await h.press(ANA, "🟢 11:00–12:00 Math · 3 seats left")
    card = h.last(ANA)
    confirm = card.find_button("✅ Confirm")
    assert confirm is not None and confirm.callback_data
    await h.press(ANA, "✅ Confirm")
    await h.press_data(ANA, card.message_id, confirm.callback_data)
    shown = h.last(ANA).content
    assert "Booked:" in shown and "already booked" not in shown
    assert len(await steps.bookings_of(h, ana)) == 1
    assert slot.id == (await steps.bookings_of(h, ana))[0][1].id
