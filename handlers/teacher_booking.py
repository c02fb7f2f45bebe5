"""The teacher books for a student from the card: a day, a slot, a reason; moves; extra lessons.

A picked slot's card names the student and the time, so a reason typed under it books (or
moves) at once: nothing is done that the card did not show.
"""

from __future__ import annotations

import html
from datetime import date

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.colours import colour_mark
from bot.services import students, teacher_booking
from bot.services.booking import Lesson
from bot.services.context import Deps
from bot.services.students import UpcomingLesson
from handlers.keyboards import Button, Row, button, markup, rows_of
from handlers.navigation import nav_row
from handlers.navigation import show as show_in_place
from handlers.student_prompt import ask_about, asked_about
from handlers.teacher_onboarding import TYPED
from views.formatting import day_label, day_time, local, time_range, when
from views.teacher_booking_callbacks import BookStep, TeacherBookCb
from views.teacher_callbacks import (
    CancelStep,
    LessonCancelCb,
    ScheduleCb,
    StudentAction,
    StudentCb,
)

router = Router(name="teacher_booking")

DAYS_PER_ROW = 3
SLOTS_PER_ROW = 2
MAX_DAYS = 42
MAX_LESSON_BUTTONS = 5


class BookForm(StatesGroup):
    """A typed reason for the picked slot, or a typed extra lesson (ids in the state data)."""

    reason = State()
    extra = State()


def card_rows(
    student_id: int, upcoming: list[UpcomingLesson], zone: str, weekly: Button
) -> list[Row]:
    """The student card's booking buttons: book, weekly, extra, and move or cancel each lesson."""
    book = TeacherBookCb(step=BookStep.DAYS, student_id=student_id)
    extra = TeacherBookCb(step=BookStep.EXTRA, student_id=student_id)
    rows: list[Row] = [
        [button(_("📅 Book a lesson"), book), weekly],
        [button(_("➕ Extra lesson"), extra)],
    ]
    for lesson in upcoming[:MAX_LESSON_BUTTONS]:
        at = day_time(lesson.starts_at, zone)
        move = TeacherBookCb(
            step=BookStep.DAYS, student_id=student_id, booking_id=lesson.booking_id
        )
        cancel = LessonCancelCb(step=CancelStep.ASK, booking_id=lesson.booking_id)
        rows.append(
            [
                button(_("🔁 Move {when}").format(when=at), move),
                button(_("✖ Cancel {when}").format(when=at), cancel),
            ]
        )
    return rows


def move_button(student_id: int, booking_id: int) -> Button:
    """🔁 Move, for one lesson of /schedule (its row names the lesson)."""
    data = TeacherBookCb(step=BookStep.DAYS, student_id=student_id, booking_id=booking_id)
    return button(_("🔁 Move"), data)


def book_for_someone_button() -> Button:
    """📅 Book for a student, on /schedule: pick the student, then the day and time."""
    return button(_("📅 Book for a student"), TeacherBookCb(step=BookStep.WHO, student_id=0))


def students_view(page: students.Roster) -> tuple[str, InlineKeyboardMarkup]:
    """The teacher's active students to book for, a page at a time."""
    lines = [_("<b>Book a lesson</b>")]
    if page.entries:
        lines.append(_("Pick a student."))
    else:
        lines.append(_("No students yet. Enroll one with <code>/addstudent Anna</code>."))
    rows: list[Row] = []
    for entry in page.entries:
        who = f"{colour_mark(entry.student.colour)} {entry.student.name}"
        rows.append([button(who, TeacherBookCb(step=BookStep.DAYS, student_id=entry.student.id))])
    paging = []
    if page.page > 0:
        earlier = TeacherBookCb(step=BookStep.WHO, student_id=0, page=page.page - 1)
        paging.append(button(_("◀ Previous"), earlier))
    if page.page + 1 < page.pages:
        later = TeacherBookCb(step=BookStep.WHO, student_id=0, page=page.page + 1)
        paging.append(button(_("Next ▶"), later))
    if paging:
        rows.append(paging)
    rows.append(nav_row(ScheduleCb(week_offset=0)))
    return "\n".join(lines), markup(rows)


def _title(found: teacher_booking.Picker) -> str:
    who = f"{colour_mark(found.student.colour)} {html.escape(found.student.name)}"
    if found.moving is not None:
        old = when(found.moving.starts_at, found.moving.ends_at, found.timezone)
        return _("<b>Move the lesson of {who}</b> on {old}").format(who=who, old=old)
    return _("<b>Book a lesson for {who}</b>").format(who=who)


def _back_to_card(student_id: int) -> TeacherBookCb | StudentCb:
    return StudentCb(action=StudentAction.CARD, student_id=student_id)


def days_view(found: teacher_booking.Picker) -> tuple[str, InlineKeyboardMarkup]:
    """The days with slots the teacher may give the student, each with how many."""
    sid, moving = found.student.id, found.moving.booking_id if found.moving else 0
    days = found.days()[:MAX_DAYS]
    lines = [_title(found)]
    lines.append(_("Pick a day.") if days else _("No free times in your hours."))
    buttons = [
        button(f"{day_label(day)} · {count}", _on_day(sid, moving, day)) for day, count in days
    ]
    rows = rows_of(buttons, DAYS_PER_ROW)
    if not moving:
        extra = TeacherBookCb(step=BookStep.EXTRA, student_id=sid)
        rows.append([button(_("➕ Extra lesson outside your hours"), extra)])
    rows.append(nav_row(_back_to_card(sid)))
    return "\n".join(lines), markup(rows)


def _on_day(student_id: int, moving: int, day: date) -> TeacherBookCb:
    return TeacherBookCb(
        step=BookStep.DAY, student_id=student_id, booking_id=moving, day=day.toordinal()
    )


def day_view(found: teacher_booking.Picker, day: date) -> tuple[str, InlineKeyboardMarkup]:
    """One day's slots the teacher may give the student."""
    sid, moving = found.student.id, found.moving.booking_id if found.moving else 0
    slots = found.on(day)
    lines = [_title(found), f"<b>{day_label(day)}</b>"]
    if not slots:
        lines.append(_("No free times left on this day."))
    buttons = []
    for slot in slots:
        label = time_range(slot.starts_at, slot.ends_at, found.timezone)
        if slot.subject:
            label += f" · {slot.subject}"
        data = TeacherBookCb(step=BookStep.SLOT, student_id=sid, booking_id=moving, slot_id=slot.id)
        buttons.append(button(label, data))
    rows = rows_of(buttons, SLOTS_PER_ROW)
    rows.append(nav_row(TeacherBookCb(step=BookStep.DAYS, student_id=sid, booking_id=moving)))
    return "\n".join(lines), markup(rows)


def choice_view(picked: teacher_booking.Choice) -> tuple[str, InlineKeyboardMarkup]:
    """The picked time: type a reason for the student, or go ahead without one."""
    slot, sid = picked.slot, picked.student.id
    moving = picked.moving.booking_id if picked.moving else 0
    at = when(slot.starts_at, slot.ends_at, picked.timezone)
    name = html.escape(picked.student.name)
    if picked.moving is not None:
        old = when(picked.moving.starts_at, picked.moving.ends_at, picked.timezone)
        text = _("Move the lesson of {name} from {old} to {new}?").format(
            name=name, old=old, new=at
        )
        go = _("🔁 Move without a reason")
    else:
        text = _("Book {name} on {when}?").format(name=name, when=at)
        go = _("✅ Book without a note")
    text += "\n" + _("Type a reason or note the student will read, or go ahead without one.")
    data = TeacherBookCb(step=BookStep.GO, student_id=sid, booking_id=moving, slot_id=slot.id)
    back = _on_day(sid, moving, local(slot.starts_at, picked.timezone).date())
    return text, markup([[button(go, data)], nav_row(back)])


@router.callback_query(TeacherBookCb.filter(F.step == BookStep.WHO))
async def pick_student(query: CallbackQuery, callback_data: TeacherBookCb, deps: Deps) -> None:
    """The students to book for (from /schedule)."""
    page = await students.roster(deps, query.from_user.id, callback_data.page)
    await show_in_place(query, *students_view(page))


@router.callback_query(TeacherBookCb.filter(F.step.in_({BookStep.DAYS, BookStep.DAY})))
async def pick(
    query: CallbackQuery, callback_data: TeacherBookCb, deps: Deps, state: FSMContext
) -> None:
    """The days, or one day's free times, to book for the student or move their lesson to."""
    await state.clear()
    cb = callback_data
    found = await teacher_booking.picker(deps, query.from_user.id, cb.student_id, cb.booking_id)
    try:
        day = date.fromordinal(cb.day) if cb.step == BookStep.DAY else None
    except (ValueError, OverflowError):  # a forged day: the days to pick from instead
        day = None
    await show_in_place(query, *(days_view(found) if day is None else day_view(found, day)))


@router.callback_query(TeacherBookCb.filter(F.step == BookStep.SLOT))
async def ask_reason(
    query: CallbackQuery, callback_data: TeacherBookCb, deps: Deps, state: FSMContext
) -> None:
    """The picked time, asking for a reason; the typed answer is read next."""
    cb = callback_data
    picked = await teacher_booking.choice(
        deps, query.from_user.id, cb.student_id, cb.slot_id, cb.booking_id
    )
    await state.set_state(BookForm.reason)
    await state.update_data(
        student_id=picked.student.id, slot_id=cb.slot_id, booking_id=cb.booking_id
    )
    await show_in_place(query, *choice_view(picked))


@router.callback_query(TeacherBookCb.filter(F.step == BookStep.GO))
async def go_without_reason(
    query: CallbackQuery, callback_data: TeacherBookCb, deps: Deps, state: FSMContext
) -> None:
    """Book or move as the card showed, with no reason."""
    await state.clear()
    cb = callback_data
    text = await _act(deps, query.from_user.id, cb.student_id, cb.slot_id, cb.booking_id, "")
    await show_in_place(query, text, markup([nav_row(_back_to_card(cb.student_id))]))


@router.message(StateFilter(BookForm.reason), TYPED)
async def with_reason(message: Message, deps: Deps, state: FSMContext) -> None:
    """The typed reason: book or move as the card above showed, and tell the student why."""
    assert message.from_user is not None
    data = await state.get_data()
    sid, slot_id, moving = (int(data.get(k, 0)) for k in ("student_id", "slot_id", "booking_id"))
    text = await _act(deps, message.from_user.id, sid, slot_id, moving, message.text or "")
    await state.clear()
    await message.answer(text, reply_markup=markup([nav_row(_back_to_card(sid))]))


async def _act(
    deps: Deps, telegram_id: int, student_id: int, slot_id: int, moving: int, reason: str
) -> str:
    """Book or move, and the sentence that says it was done."""
    if moving:
        before, after = await teacher_booking.move(deps, telegram_id, moving, slot_id, reason)
        return _("✅ Moved the lesson with {name} from {old} to {new}; they are told.").format(
            name=html.escape(after.student_name),
            old=when(before.starts_at, before.ends_at, before.teacher_tz),
            new=when(after.starts_at, after.ends_at, after.teacher_tz),
        )
    lesson = await teacher_booking.book_for(deps, telegram_id, student_id, slot_id, reason)
    return _booked_text(lesson)


def _booked_text(lesson: Lesson) -> str:
    return _("✅ Booked {name} on {when}; they are told.").format(
        name=html.escape(lesson.student_name),
        when=when(lesson.starts_at, lesson.ends_at, lesson.teacher_tz),
    )


@router.callback_query(TeacherBookCb.filter(F.step == BookStep.EXTRA))
async def ask_extra(query: CallbackQuery, callback_data: TeacherBookCb, state: FSMContext) -> None:
    """Ask for the extra lesson's date, time and length (ownership is checked when placed)."""
    await ask_about(state, BookForm.extra, callback_data.student_id)
    text = _(
        "Type the extra lesson's date, start and length (minutes), and a subject if you like, "
        "e.g. <code>2026-12-05 18:00 60 Math</code> or <code>2026-12-05 18:00-19:00</code>. "
        "It is booked at once, outside your hours, and offered to nobody else."
    )
    back = nav_row(_back_to_card(callback_data.student_id))
    await show_in_place(query, text, markup([back]))


@router.message(StateFilter(BookForm.extra), TYPED)
async def place_extra(message: Message, deps: Deps, state: FSMContext) -> None:
    """Place the typed extra lesson; a typo gets one sentence and the question stays open."""
    assert message.from_user is not None
    sid = await asked_about(state)
    lesson = await teacher_booking.place_extra(deps, message.from_user.id, sid, message.text or "")
    await state.clear()
    await message.answer(_booked_text(lesson), reply_markup=markup([nav_row(_back_to_card(sid))]))
