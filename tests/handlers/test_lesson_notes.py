"""Lesson notes as people meet them: the student's note when booking, read by the teacher; the
teacher's note from /schedule, read by the student on the lesson's card and in the reminder.
Each note reaches the lesson's teacher and student only, and shows exactly as typed."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.notes import MAX_NOTE_CHARS
from sandbox.world import Button
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps
from tests.steps.teacher_steps import delivered, told

ANNA, BEN = 8101, 8102
TEACHER = steps.TEACHER_TG
ASKED = "<b>chapter 3 & 4</b>"  # typed by Anna: shown literally, never as bold
HOMEWORK = "Homework: <i>ex. 5</i> & read p. 10"
TOPIC = "Topic: verbs <b>&</b> nouns"


def all_text(h: Harness, user_id: int) -> str:
    """Everything the chat shows from the bot, texts and button labels."""
    return "\n".join(m.content + " " + " ".join(m.button_texts()) for m in h.chat(user_id))


async def open_card(h: Harness, uid: int) -> None:
    """From /book, the first day with free times and its first free slot's card."""
    await h.send(uid, "/book")
    [day] = [b for b in h.last(uid).button_texts() if " free" in b and "no free" not in b][:1]
    await h.press(uid, day)
    [slot] = [b for b in h.last(uid).button_texts() if b.startswith("🟢")][:1]
    await h.press(uid, slot)


async def test_the_student_adds_a_note_when_booking_and_only_the_teacher_reads_it(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, h.clock.now() + timedelta(days=2, hours=1), count=2)
    anna = await steps.student(h, tutor, ANNA, "Anna")
    ben = await steps.student(h, tutor, BEN, "Ben")

    await open_card(h, ANNA)
    await h.press(ANNA, "📝 Add a note")
    assert "Type a short note for your teacher" in h.last(ANNA).content
    await h.send(ANNA, "x" * (MAX_NOTE_CHARS + 1))  # too long: said so, and still asked
    await told(h, ANNA, f"notes hold up to {MAX_NOTE_CHARS}")
    await h.send(ANNA, ASKED)
    card = h.last(ANNA)
    assert "Book this lesson?" in card.content
    assert f"💬 Your note: {ASKED}" in card.content
    assert "📝 Change the note" in card.button_texts()
    await h.press(ANNA, "✅ Confirm")
    booked = h.last(ANNA).content
    assert "Booked:" in booked and f"Your note: {ASKED}" in booked
    [(booking, _)] = await steps.bookings_of(h, anna)
    assert booking.student_note == ASKED

    await delivered(h, TEACHER, "New booking")
    [notice] = [m.content for m in h.chat(TEACHER) if "New booking" in m.content]
    assert f"💬 Student's note: {ASKED}" in notice
    await h.send(TEACHER, "/schedule")
    assert f"💬 {ASKED}" in h.last(TEACHER).content

    await open_card(h, BEN)  # Ben books the other time, without a note
    await h.press(BEN, "✅ Confirm")
    [(bens, _)] = await steps.bookings_of(h, ben)
    assert bens.student_note == ""
    await h.send(BEN, "/start")
    await h.press(BEN, "📋 My bookings")
    await h.press(BEN, h.last(BEN).button_texts()[0])  # his lesson's card
    assert "Your lesson" in h.last(BEN).content
    assert "chapter 3" not in all_text(h, BEN)
    await delivered(h, TEACHER, "New booking: 🟠 Ben")
    [bens_notice] = [m.content for m in h.chat(TEACHER) if "New booking: 🟠 Ben" in m.content]
    assert "note" not in bens_notice


async def test_back_from_the_note_question_books_without_a_note(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, h.clock.now() + timedelta(days=2, hours=1))
    anna = await steps.student(h, tutor, ANNA, "Anna")
    await open_card(h, ANNA)
    await h.press(ANNA, "📝 Add a note")
    await h.press(ANNA, "◀ Back")  # the card again, and typed text is no note any more
    await h.send(ANNA, "hello")
    assert "Your note" not in h.last(ANNA).content
    await open_card(h, ANNA)
    await h.press(ANNA, "✅ Confirm")
    [(booking, _)] = await steps.bookings_of(h, anna)
    assert booking.student_note == ""


def _note_button(rows: list[list[Button]], student: str) -> Button:
    """The 📝 Note button of a student's coming lesson: in the row under its cancel button."""
    [at] = [i for i, row in enumerate(rows) if student in row[0].text]
    return next(b for b in rows[at + 1] if b.text == "📝 Note")


async def test_the_teachers_note_reaches_only_its_student_as_it_is_when_the_reminder_goes(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h, reminder_leads_minutes=(60,))
    start = h.clock.now() + timedelta(days=2, hours=1)
    await steps.slots(h, tutor, start, count=2)
    await steps.student(h, tutor, ANNA, "Anna")
    await steps.student(h, tutor, BEN, "Ben")
    for uid in (ANNA, BEN):
        await open_card(h, uid)
        await h.press(uid, "✅ Confirm")

    await h.send(TEACHER, "/schedule")
    week = h.last(TEACHER)
    note = _note_button(week.buttons, "Anna")
    assert note.callback_data is not None
    await h.press_data(TEACHER, week.message_id, note.callback_data)
    card = h.last(TEACHER).content
    assert "Lesson notes" in card and "Anna" in card and "Type the note Anna will see" in card
    await h.send(TEACHER, HOMEWORK)
    saved = h.last(TEACHER).content
    assert "✅ Note saved." in saved and f"📝 Your note: {HOMEWORK}" in saved

    await h.send(ANNA, "/start")
    await h.press(ANNA, "📋 My bookings")
    await h.press(ANNA, h.last(ANNA).button_texts()[0])
    assert f"📝 Teacher's note: {HOMEWORK}" in h.last(ANNA).content

    # Changed after the reminder was planned: the reminder says what the note says now.
    await h.send(TEACHER, "/schedule")
    assert f"📝 {HOMEWORK}" in h.last(TEACHER).content
    week = h.last(TEACHER)
    data = _note_button(week.buttons, "Anna").callback_data
    assert data is not None
    await h.press_data(TEACHER, week.message_id, data)
    await h.send(TEACHER, TOPIC)
    h.clock.set(start - timedelta(minutes=50))
    await delivered(h, ANNA, "Reminder")
    h.clock.set(start + timedelta(minutes=10))  # Ben's lesson is the hour after Anna's
    await delivered(h, BEN, "Reminder")
    [reminder] = [m.content for m in h.chat(ANNA) if "Reminder" in m.content]
    assert f"📝 Teacher's note: {TOPIC}" in reminder and "Homework" not in reminder
    assert "Teacher's note" not in all_text(h, BEN) and "verbs" not in all_text(h, BEN)
    async with h.app.deps.uow() as uow:
        events = await uow.audit.recent(teacher_id=tutor.id, limit=50)
    edits = [e for e in events if e.event == "lesson.note"]
    assert [e.detail["length"] for e in edits] == [len(TOPIC), len(HOMEWORK)]  # newest first
    assert all(e.actor_telegram_id == TEACHER for e in edits)
    assert all("verbs" not in str(e.detail) for e in edits)  # the note stays out of the log


async def test_a_teacher_removes_their_note_and_a_too_long_one_is_refused(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, h.clock.now() + timedelta(days=2, hours=1))
    anna = await steps.student(h, tutor, ANNA, "Anna")
    await open_card(h, ANNA)
    await h.press(ANNA, "✅ Confirm")
    await h.send(TEACHER, "/schedule")
    await h.press(TEACHER, "📝 Note")
    await h.send(TEACHER, "y" * (MAX_NOTE_CHARS + 1))
    await told(h, TEACHER, f"notes hold up to {MAX_NOTE_CHARS}")
    await h.send(TEACHER, "Bring the workbook")
    await h.send(TEACHER, "/schedule")
    await h.press(TEACHER, "📝 Note")
    await h.press(TEACHER, "🗑 Remove my note")
    assert "✅ Note removed." in h.last(TEACHER).content
    [(booking, _)] = await steps.bookings_of(h, anna)
    assert booking.teacher_note == ""


async def test_a_second_tap_on_confirm_shows_the_lesson_booked_with_the_note(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, h.clock.now() + timedelta(days=2, hours=1))
    anna = await steps.student(h, tutor, ANNA, "Anna")
    await open_card(h, ANNA)
    await h.press(ANNA, "📝 Add a note")
    await h.send(ANNA, ASKED)
    card = h.last(ANNA)
    confirm = card.find_button("✅ Confirm")
    assert confirm is not None and confirm.callback_data is not None
    await h.press(ANNA, "✅ Confirm", message_id=card.message_id)
    again = await h.press_data(ANNA, card.message_id, confirm.callback_data)
    assert again is not None and "not kept" not in (again.text or "")
    assert "Booked:" in h.last(ANNA).content and f"Your note: {ASKED}" in h.last(ANNA).content
    forged = confirm.callback_data[:-8] + "0" * 8  # a note this card never showed
    answer = await h.press_data(ANNA, card.message_id, forged)
    assert answer is not None and "not kept" in (answer.text or "")
    [(booking, _)] = await steps.bookings_of(h, anna)
    assert booking.student_note == ASKED
