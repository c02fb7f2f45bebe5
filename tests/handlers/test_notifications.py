"""Notices and reminders as teacher and student receive them, through the real dispatcher."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.domain.model import OutboxStatus
from bot.services import booking
from tests.factories import make_slots
from tests.handlers.conftest import Harness, running_bot
from tests.steps.notification_steps import STUDENT, TEACHER, book_in, pair, texts


async def test_teacher_is_told_of_a_booking_and_the_student_reminded_at_each_lead(
    harness: Harness,
) -> None:
    teacher, student = await pair(harness, timezone="Europe/Berlin")
    await book_in(harness, teacher, student, timedelta(days=3))
    await harness.flush()
    [notice] = texts(harness, TEACHER, "New booking")
    assert "Student 7002" in notice and "Europe/Berlin" in notice
    assert not texts(harness, STUDENT, "Reminder")

    harness.clock.advance(timedelta(days=2))  # 24 h before the lesson
    await harness.flush()
    assert len(texts(harness, STUDENT, "in 24 hours")) == 1
    harness.clock.advance(timedelta(hours=23))  # 1 h before
    await harness.flush()
    await harness.flush()  # a second pass finds nothing new: no duplicates
    assert len(texts(harness, STUDENT, "Reminder")) == 2
    assert len(texts(harness, STUDENT, "in 1 hour")) == 1


async def test_cancelled_lesson_gets_no_reminder_and_the_teacher_is_told(harness: Harness) -> None:
    teacher, student = await pair(harness)
    booking_id = await book_in(harness, teacher, student, timedelta(days=3))
    await booking.cancel_by_student(harness.app.deps, STUDENT, booking_id)
    harness.clock.advance(timedelta(days=3) - timedelta(minutes=30))
    await harness.flush()
    assert texts(harness, TEACHER, "cancelled the lesson")
    assert not texts(harness, STUDENT, "Reminder")


async def test_moved_lesson_is_reminded_at_its_new_time_only(harness: Harness) -> None:
    teacher, student = await pair(harness, reminder_leads_minutes=(60,))
    booking_id = await book_in(harness, teacher, student, timedelta(days=3))
    [later] = await make_slots(
        harness.app.deps.uow,
        teacher,
        harness.clock.now() + timedelta(days=4),
    )
    await booking.reschedule(harness.app.deps, STUDENT, booking_id, later.id)
    harness.clock.advance(timedelta(days=3) - timedelta(minutes=30))  # old reminder time
    await harness.flush()
    assert not texts(harness, STUDENT, "Reminder")
    assert texts(harness, TEACHER, "moved the lesson")
    harness.clock.advance(timedelta(days=1))  # new reminder time
    await harness.flush()
    assert len(texts(harness, STUDENT, "Reminder")) == 1


async def test_teacher_cancellation_tells_the_student_why(harness: Harness) -> None:
    teacher, student = await pair(harness)
    booking_id = await book_in(harness, teacher, student, timedelta(days=3))
    await booking.cancel_by_teacher(harness.app.deps, TEACHER, booking_id, "I am ill")
    await harness.flush()
    [notice] = texts(harness, STUDENT, "cancelled your lesson")
    assert "I am ill" in notice


async def test_reminder_for_a_lesson_already_begun_is_skipped_not_sent_late(
    harness: Harness,
) -> None:
    teacher, student = await pair(harness)
    await book_in(harness, teacher, student, timedelta(days=3))
    harness.clock.advance(timedelta(days=3, minutes=5))  # the bot was down until after the start
    await harness.flush()
    assert not texts(harness, STUDENT, "Reminder")
    async with harness.app.deps.uow() as uow:
        skipped = await uow.outbox.by_status(OutboxStatus.SKIPPED)
    assert {m.last_error for m in skipped} == {"lesson already began"}
    assert len(skipped) == 2


async def test_blocked_student_is_marked_unreachable_and_teacher_told_once(
    harness: Harness,
) -> None:
    teacher, student = await pair(harness)
    await book_in(harness, teacher, student, timedelta(days=3))
    harness.server.block(STUDENT)
    harness.clock.advance(timedelta(days=3) - timedelta(minutes=30))  # both reminders due
    await harness.flush()
    await harness.flush()
    assert len(texts(harness, TEACHER, "has blocked the bot")) == 1
    refused = [r for r in harness.server.calls("sendMessage") if r.status == 403]
    assert len(refused) == 1, "after the first 403 the bot stops writing to that chat"


async def test_daily_agenda_lists_the_days_lessons_at_the_chosen_local_time(
    harness: Harness,
) -> None:
    teacher, student = await pair(harness, timezone="Europe/Berlin", agenda_time=time(8, 0))
    harness.clock.set(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # 07:00 in Berlin
    await book_in(harness, teacher, student, timedelta(hours=6))  # 13:00 Berlin today
    await harness.digests()
    await harness.flush()
    assert not texts(harness, TEACHER, "🗓")
    harness.clock.advance(timedelta(hours=1))  # 08:00 Berlin
    await harness.digests()
    await harness.flush()
    [agenda] = texts(harness, TEACHER, "1 lesson")
    assert "13:00" in agenda and "Student 7002" in agenda


async def test_the_scheduler_delivers_without_being_asked(
    database_url: str,
    tmp_path,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    async with running_bot(database_url, tmp_path, clock, dispatch_interval_seconds=0.2) as h:
        teacher, student = await pair(h)
        await book_in(h, teacher, student, timedelta(days=3))
        await h.server.wait_for(lambda: bool(texts(h, TEACHER, "New booking")), timeout=10)


async def test_a_new_link_sent_by_the_teacher_reaches_the_student_and_opens(
    harness: Harness,
) -> None:
    from tests.steps.teacher_steps import LINK, enroll, register

    h = harness
    await register(h, TEACHER)
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(STUDENT, "Anna")
    await h.send(STUDENT, f"/start {token}")
    await h.send(TEACHER, "/link anna")
    await h.press(TEACHER, "✉️ Send new link to the student")
    await h.flush()
    [notice] = [m for m in h.server.bot_messages(STUDENT) if "new booking link" in m.content]
    found = LINK.search(notice.content)
    assert found is not None
    assert notice.find_button("📅 Open booking") is not None
    await h.send(STUDENT, f"/start {found.group(1)}")
    assert "connected" in h.last(STUDENT).content
    await h.send(STUDENT, f"/start {token}")
    assert "replaced by a newer one" in h.last(STUDENT).content


async def test_the_teacher_can_regenerate_from_the_someone_else_tried_notice(
    harness: Harness,
) -> None:
    from tests.steps.teacher_steps import LINK, enroll, register

    h = harness
    await register(h, TEACHER)
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(7999, "Mallory")
    h.user(STUDENT, "Anna")
    await h.send(7999, f"/start {token}")  # the link leaked and someone else got there first
    await h.send(STUDENT, f"/start {token}")
    assert "another Telegram account" in h.last(STUDENT).content
    await h.flush()
    notices = h.server.bot_messages(TEACHER)
    [notice] = [m for m in notices if "another Telegram account" in m.content]
    await h.press(TEACHER, "🔄 Regenerate link", message_id=notice.message_id)
    await h.press(TEACHER, "Yes, make a new link")
    found = LINK.search(h.last(TEACHER).content)
    assert found is not None, h.last(TEACHER).content
    await h.send(STUDENT, f"/start {found.group(1)}")
    assert "connected" in h.last(STUDENT).content, "the real student binds the fresh link"
    await h.send(7999, "/book")
    assert "Your lessons" not in h.last(7999).content, "the first account lost its access"


async def test_a_reminder_offers_my_bookings_and_cancel_while_allowed(harness: Harness) -> None:
    teacher, student = await pair(harness, cancel_window_minutes=120)
    await book_in(harness, teacher, student, timedelta(days=3))
    harness.clock.advance(timedelta(days=2))  # the 24 h reminder: cancelling still allowed
    await harness.flush()
    [early] = [m for m in harness.server.bot_messages(STUDENT) if "Reminder" in m.content]
    assert early.button_texts() == ["📋 My bookings", "❌ Cancel"]
    harness.clock.advance(timedelta(hours=23))  # the 1 h reminder: past the 2 h window
    await harness.flush()
    late = [m for m in harness.server.bot_messages(STUDENT) if "Reminder" in m.content][-1]
    assert late.button_texts() == ["📋 My bookings"]
    await harness.press(STUDENT, "❌ Cancel", message_id=early.message_id)
    told = [a.text or "" for a in harness.server.callback_answers]
    told += [m.content for m in harness.server.bot_messages(STUDENT)]
    assert any("too late" in t.lower() for t in told), "an old button re-checks the window"


async def test_a_student_who_unblocks_the_bot_gets_reminders_again(harness: Harness) -> None:
    teacher, student = await pair(harness)
    await book_in(harness, teacher, student, timedelta(days=3))
    harness.server.block(STUDENT)
    harness.clock.advance(timedelta(days=2))  # the 24 h reminder meets the block
    await harness.flush()
    await harness.flush()  # the teacher's notice, queued by the first pass
    assert len(texts(harness, TEACHER, "has blocked the bot")) == 1
    await harness.send(STUDENT, "/start")  # writing to the bot unblocks it
    harness.clock.advance(timedelta(hours=23))  # the 1 h reminder
    await harness.flush()
    assert len(texts(harness, STUDENT, "in 1 hour")) == 1


async def test_after_a_regenerate_reminders_follow_the_new_account(harness: Harness) -> None:
    from tests.steps.teacher_steps import LINK

    teacher, student = await pair(harness)
    await book_in(harness, teacher, student, timedelta(days=3))
    await harness.send(TEACHER, "/link Student 7002")
    await harness.press(TEACHER, "🔄 Regenerate")
    assert "1 booked lesson stays booked" in harness.last(TEACHER).content
    await harness.press(TEACHER, "Yes, make a new link")
    found = LINK.search(harness.last(TEACHER).content)
    assert found is not None
    harness.user(7003, "Sam's new phone")
    await harness.send(7003, f"/start {found.group(1)}")
    harness.clock.advance(timedelta(days=2))
    await harness.flush()
    assert len(texts(harness, 7003, "Reminder")) == 1, "the student's new account is reminded"
    assert not texts(harness, STUDENT, "Reminder"), "the old account learns nothing more"


async def test_a_teacher_muting_notices_does_not_mute_student_reminders(
    harness: Harness,
) -> None:
    teacher, student = await pair(harness, notifications_enabled=False, teacher_reminders=True)
    await book_in(harness, teacher, student, timedelta(days=3))
    harness.clock.advance(timedelta(days=2))
    await harness.flush()
    assert len(texts(harness, STUDENT, "Reminder")) == 1
    assert not texts(harness, TEACHER, "New booking") and not texts(harness, TEACHER, "Reminder")


async def test_the_teacher_is_warned_of_a_link_expiring_before_booked_lessons(
    harness: Harness,
) -> None:
    teacher, student = await pair(harness)
    await book_in(harness, teacher, student, timedelta(days=10))
    async with harness.app.deps.uow() as uow:
        link = await uow.links.current(student.id)
        assert link is not None
        await uow.links.set_limits(link.id, harness.clock.now() + timedelta(days=5), None)
        await uow.commit()
    await harness.digests()
    await harness.flush()
    assert not texts(harness, TEACHER, "expires on"), "five days ahead is not yet worth a word"
    harness.clock.advance(timedelta(days=2, hours=12))  # now 2.5 days before expiry
    await harness.digests()
    await harness.digests()  # the job runs every minute: still one warning
    await harness.flush()
    [warning] = texts(harness, TEACHER, "expires on")
    assert "Student 7002" in warning and "still have lessons booked" in warning
