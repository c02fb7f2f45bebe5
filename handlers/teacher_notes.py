"""The teacher's note on a lesson (topic, homework, materials), from /schedule: 📝 opens the
lesson's notes and asks for the note its student will see on the card and in the reminder."""

from __future__ import annotations

import html
from collections.abc import Sequence

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.colours import colour_mark
from bot.domain.model import Actor
from bot.domain.notes import MAX_NOTE_CHARS
from bot.services import lesson_notes
from bot.services.booking import Lesson
from bot.services.context import Deps
from bot.services.schedule import ScheduledLesson
from handlers.keyboards import Button, Row, button, markup
from handlers.navigation import show
from handlers.teacher_onboarding import TYPED
from views.formatting import clock_time, day_label, local, when
from views.lesson_notes import note_lines
from views.note_callbacks import TeacherNoteAction, TeacherNoteCb
from views.teacher_callbacks import ScheduleCb

router = Router(name="teacher_notes")

BOOKING = "note_booking_id"  # state key: the lesson whose note is being typed


class TeacherNoteForm(StatesGroup):
    """Waiting for the teacher's note on one lesson (its booking id in the data)."""

    text = State()


def note_button(booking_id: int) -> Button:
    """📝 Note, on a coming lesson's row of /schedule."""
    return button(_("📝 Note"), TeacherNoteCb(action=TeacherNoteAction.OPEN, booking_id=booking_id))


def past_note_rows(lessons: Sequence[ScheduledLesson], zone: str, limit: int) -> list[Row]:
    """A 📝 button for each lesson of the week that has begun (notes after the lesson)."""
    rows = []
    for x in [x for x in lessons if not x.cancellable][:limit]:
        label = _("📝 Note {when} {mark} {name}").format(
            when=f"{day_label(local(x.starts_at, zone).date())} {clock_time(x.starts_at, zone)}",
            mark=colour_mark(x.colour),
            name=x.student_name,  # a button label is plain text, not HTML
        )
        open_card = TeacherNoteCb(action=TeacherNoteAction.OPEN, booking_id=x.booking_id)
        rows.append([button(label, open_card)])
    return rows


def _lesson_lines(lesson: Lesson) -> list[str]:
    """Which lesson, and its notes as they are now."""
    name = f"{colour_mark(lesson.colour)} {html.escape(lesson.student_name)}"
    return [
        "🕒 " + when(lesson.starts_at, lesson.ends_at, lesson.teacher_tz),
        "👤 " + name,
        *note_lines(lesson.teacher_note, lesson.student_note, Actor.TEACHER),
    ]


def _back() -> Row:
    return [button(_("◀ Back to the schedule"), ScheduleCb(week_offset=0))]


def note_card(lesson: Lesson) -> tuple[str, InlineKeyboardMarkup]:
    """The lesson's notes and the question for the teacher's note."""
    ask = _(
        "Type the note {name} will see on the lesson's card and in the reminder: topic, "
        "homework, materials (up to {limit} characters)."
    ).format(name=html.escape(lesson.student_name), limit=MAX_NOTE_CHARS)
    rows = [_back()]
    if lesson.teacher_note:
        remove = TeacherNoteCb(action=TeacherNoteAction.REMOVE, booking_id=lesson.booking_id)
        rows.insert(0, [button(_("🗑 Remove my note"), remove)])
    text = "\n".join([_("<b>Lesson notes</b>"), *_lesson_lines(lesson), "", ask])
    return text, markup(rows)


def saved_card(lesson: Lesson) -> tuple[str, InlineKeyboardMarkup]:
    """What the teacher sees once their note is saved or removed."""
    title = _("✅ Note saved.") if lesson.teacher_note else _("✅ Note removed.")
    return "\n".join([title, *_lesson_lines(lesson)]), markup([_back()])


@router.callback_query(TeacherNoteCb.filter(F.action == TeacherNoteAction.OPEN))
async def open_note(
    query: CallbackQuery, callback_data: TeacherNoteCb, deps: Deps, state: FSMContext
) -> None:
    """The lesson's notes, and typed text from now on is the teacher's note on it."""
    lesson = await lesson_notes.lesson(deps, query.from_user.id, callback_data.booking_id)
    await state.set_state(TeacherNoteForm.text)
    await state.update_data({BOOKING: lesson.booking_id})
    await show(query, *note_card(lesson))


@router.message(StateFilter(TeacherNoteForm.text), TYPED)
async def typed(message: Message, deps: Deps, state: FSMContext) -> None:
    """Save the typed note; too long, the sentence says so and the question stays open."""
    assert message.from_user is not None
    booking_id = int((await state.get_data()).get(BOOKING, 0))
    lesson = await lesson_notes.set_teacher_note(
        deps, message.from_user.id, booking_id, message.text or ""
    )
    await state.clear()
    text, keyboard = saved_card(lesson)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(TeacherNoteCb.filter(F.action == TeacherNoteAction.REMOVE))
async def remove(
    query: CallbackQuery, callback_data: TeacherNoteCb, deps: Deps, state: FSMContext
) -> None:
    """Remove the teacher's note: the student no longer sees it."""
    await state.clear()
    lesson = await lesson_notes.set_teacher_note(
        deps, query.from_user.id, callback_data.booking_id, ""
    )
    await show(query, *saved_card(lesson))
