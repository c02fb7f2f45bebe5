"""Guardians, as people use them: the teacher makes a guardian link from the student card, a
parent opens it, follows the student's lessons and books for them when the teacher allows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.waitlist import WaitlistRefused, WaitRefusal
from bot.security import TOKEN_CHARS, TokenVault
from bot.services import booking, waitlist
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps
from tests.steps.teacher_steps import LINK, delivered, said, told

ANNA, MUM, STRANGER = 8101, 8102, 8103


async def guardian_link(h: Harness, teacher: int, name: str) -> str:
    """From /students, the student's card, 👪 Guardians, ➕ Guardian link: the link's token."""
    await h.send(teacher, "/students")
    await h.press(teacher, next(b for b in h.last(teacher).button_texts() if name in b))
    await h.press(teacher, "👪 Guardians")
    await h.press(teacher, "➕ Guardian link")
    found = LINK.search(h.last(teacher).content.split("New guardian link")[-1])
    assert found, h.last(teacher).content
    return found.group(1)


async def scene(h: Harness) -> tuple[int, int]:
    """A teacher, Anna who opened her link, an open slot in two days, and Mum connected."""
    tutor = await steps.teacher(h)
    anna = await steps.student(h, tutor, ANNA, "Anna")
    start = h.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    await steps.slots(h, tutor, start, count=2)
    token = await guardian_link(h, tutor.telegram_id, "Anna")
    h.user(MUM, "Mum")
    await h.send(MUM, f"/start {token}")
    assert "You now follow Anna, a student of" in h.last(MUM).content, h.last(MUM).content
    return tutor.telegram_id, anna


async def test_guardian_follows_the_student_and_gets_the_reminder(harness: Harness) -> None:
    h = harness
    teacher, anna = await scene(h)
    await h.send(teacher, "/students")
    await h.press(teacher, next(b for b in h.last(teacher).button_texts() if "Anna" in b))
    assert "👪 Guardians: Mum" in h.last(teacher).content
    await h.press(teacher, "👪 Guardians")
    screen = h.last(teacher).content
    assert "Anna (student): connected" in screen and "Mum (guardian): connected" in screen

    async with h.app.deps.uow() as uow:
        slot = (await uow.slots.between(1, h.clock.now(), h.clock.now() + timedelta(days=9)))[0]
    await booking.book(h.app.deps, ANNA, anna, slot.id)
    await delivered(h, MUM, "A lesson of Anna with")
    h.clock.set(slot.starts_at - timedelta(minutes=59))
    await delivered(h, MUM, "Reminder: Anna's lesson with")
    assert said(h, ANNA, "Reminder: your lesson")

    await h.send(MUM, "/mybookings")
    assert "Anna · Teacher 7000" in h.last(MUM).content, h.last(MUM).content
    await h.send(MUM, "/help")
    assert "How to book" in h.last(MUM).content
    await h.send(MUM, "/start")
    assert "Anna · Teacher 7000" in h.last(MUM).content


async def test_guardian_books_only_when_the_teacher_allows(harness: Harness) -> None:
    h = harness
    teacher, anna = await scene(h)
    await h.press(MUM, "📝 Book a lesson")
    await told(h, MUM, "not book, cancel or move them")
    assert await steps.bookings_of(h, anna) == []

    await h.press(teacher, "✅ Let guardians book")
    assert "Guardians may book, cancel and move" in h.last(teacher).content
    await h.send(MUM, "/book")
    day = next(b for b in h.last(MUM).button_texts() if "1 free" in b or "2 free" in b)
    await h.press(MUM, day)
    await h.press(MUM, next(b for b in h.last(MUM).button_texts() if b.startswith("🟢")))
    await h.press(MUM, "✅ Confirm")
    assert len(await steps.bookings_of(h, anna)) == 1
    await delivered(h, ANNA, "A lesson of Anna with")  # Anna did not see it happen
    await delivered(h, teacher, "New booking")

    # The switch goes off while Mum's lesson card is open: its Cancel is refused.
    await h.send(MUM, "/mybookings")
    await h.press(MUM, next(b for b in h.last(MUM).button_texts() if "Teacher 7000" in b))
    await h.press(teacher, "🔒 Guardians may only follow")
    answer = await h.press(MUM, "❌ Cancel")
    assert "not book, cancel or move them" in (answer.text or ""), answer
    [(still, _slot)] = await steps.bookings_of(h, anna)
    assert still.status == "confirmed"
    await h.send(teacher, "/students")
    await h.press(teacher, next(b for b in h.last(teacher).button_texts() if "Anna" in b))
    await h.press(teacher, "📜 Recent events")
    events = h.last(teacher).content
    for done in ("Guardian link made", "Guardian link opened", "permission to book changed"):
        assert done in events, events


async def test_second_account_is_refused_and_the_teacher_told(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.student(h, tutor, ANNA, "Anna")
    token = await guardian_link(h, tutor.telegram_id, "Anna")
    h.user(MUM, "Mum")
    await h.send(MUM, f"/start {token}")
    h.user(STRANGER, "Eve")
    await h.send(STRANGER, f"/start {token}")
    await told(h, STRANGER, "already belongs to another Telegram account")
    assert not said(h, STRANGER, "You now follow")
    await delivered(h, tutor.telegram_id, "guardian link of")
    await h.send(STRANGER, "/mybookings")
    await told(h, STRANGER, "not connected to a teacher")


async def test_removed_guardian_gets_no_more_notices(harness: Harness) -> None:
    h = harness
    teacher, anna = await scene(h)
    async with h.app.deps.uow() as uow:
        slot = (await uow.slots.between(1, h.clock.now(), h.clock.now() + timedelta(days=9)))[0]
    await booking.book(h.app.deps, ANNA, anna, slot.id)  # Mum's notices are queued now
    await h.send(teacher, "/students")
    await h.press(teacher, next(b for b in h.last(teacher).button_texts() if "Anna" in b))
    await h.press(teacher, "👪 Guardians")
    await h.press(teacher, "✖ Remove Mum")
    assert "Mum (guardian)" not in h.last(teacher).content
    h.clock.set(slot.starts_at - timedelta(minutes=59))
    await delivered(h, ANNA, "Reminder: your lesson")
    assert not said(h, MUM, "A lesson of Anna")
    assert not said(h, MUM, "Reminder")
    await h.send(MUM, "/mybookings")
    await told(h, MUM, "not connected to a teacher")


async def test_guardian_is_reminded_of_a_lesson_booked_before_they_connected(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    anna = await steps.student(h, tutor, ANNA, "Anna")
    start = h.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    [slot] = await steps.slots(h, tutor, start)
    await booking.book(h.app.deps, ANNA, anna, slot.id)
    token = await guardian_link(h, tutor.telegram_id, "Anna")
    h.user(MUM, "Mum", language="ru")
    await h.send(MUM, f"/start {token}")
    await h.send(MUM, "/timezone Asia/Tokyo")
    h.clock.set(slot.starts_at - timedelta(minutes=59))
    await delivered(h, MUM, "Напоминание: занятие ученика Anna")
    [reminder] = [m.content for m in h.server.bot_messages(MUM) if "Напоминание" in m.content]
    assert "Asia/Tokyo" in reminder, reminder


async def test_a_parent_of_siblings_switches_between_them(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    anna = await steps.student(h, tutor, ANNA, "Anna")
    await steps.student(h, tutor, STRANGER, "Ben")
    start = h.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    [slot] = await steps.slots(h, tutor, start)
    await booking.book(h.app.deps, ANNA, anna, slot.id)
    h.user(MUM, "Mum")
    for child in ("Anna", "Ben"):
        await h.send(MUM, f"/start {await guardian_link(h, tutor.telegram_id, child)}")
        assert f"You now follow {child}" in h.last(MUM).content
    await h.send(MUM, "/start")
    await h.press(MUM, next(b for b in h.last(MUM).button_texts() if b.startswith("🔄")))
    assert {"Anna · Teacher 7000", "Ben · Teacher 7000"} <= set(h.last(MUM).button_texts())
    await h.press(MUM, "Ben · Teacher 7000")
    assert "Booking with Ben · Teacher 7000" in h.last(MUM).content, h.last(MUM).content
    await h.press(MUM, "📋 My bookings")
    lessons = h.last(MUM).content  # each child's lessons under their name (Ben has none)
    assert "👤 Anna · Teacher 7000\n• Wed, 25 Nov" in lessons, lessons


async def test_guardian_is_told_when_the_teacher_cancels_and_why(harness: Harness) -> None:
    h = harness
    teacher, anna = await scene(h)
    async with h.app.deps.uow() as uow:
        slot = (await uow.slots.between(1, h.clock.now(), h.clock.now() + timedelta(days=9)))[0]
    lesson = await booking.book(h.app.deps, ANNA, anna, slot.id)
    await booking.cancel_by_teacher(h.app.deps, teacher, lesson.booking_id, "I am ill")
    await delivered(h, MUM, "Teacher 7000 cancelled the lesson of Anna")
    [told_mum] = [m.content for m in h.server.bot_messages(MUM) if "cancelled" in m.content]
    assert "Reason: I am ill" in told_mum
    h.clock.set(slot.starts_at - timedelta(minutes=59))
    await h.flush()
    assert not said(h, MUM, "Reminder"), "no reminder of a cancelled lesson"


async def test_a_student_link_that_happens_to_begin_like_a_guardian_link_opens(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One student token in 4,096 begins with "g_"; it must open as the student's link.
    h = harness
    unlucky = "g_" + "A" * (TOKEN_CHARS - 2)
    monkeypatch.setattr(TokenVault, "new_token", staticmethod(lambda: unlucky))
    tutor = await steps.teacher(h)
    _student_id, token = await steps.invite(h, tutor, "Anna")
    assert token == unlucky
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    assert "unknown" not in h.last(ANNA).content.lower()
    assert "📝 Book a lesson" in h.last(ANNA).button_texts(), h.last(ANNA).content


async def test_a_guardian_is_told_only_the_student_can_join_a_full_slots_line(
    harness: Harness,
) -> None:
    h = harness
    teacher, anna = await scene(h)
    await h.press(teacher, "✅ Let guardians book")
    async with h.app.deps.uow() as uow:
        tutor = await uow.teachers.by_telegram(teacher)
    assert tutor is not None
    ben = await steps.student(h, tutor, STRANGER, "Ben")
    async with h.app.deps.uow() as uow:
        slot = (await uow.slots.between(1, h.clock.now(), h.clock.now() + timedelta(days=9)))[0]
    await booking.book(h.app.deps, STRANGER, ben, slot.id)  # the slot is full now
    with pytest.raises(WaitlistRefused) as refused:
        await waitlist.join(h.app.deps, MUM, anna, slot.id)
    assert refused.value.reason == WaitRefusal.STUDENT_ONLY  # not a line nobody is told of
    await waitlist.join(h.app.deps, ANNA, anna, slot.id)  # Anna herself may
