"""/schedule: the teacher's week with student colours, week paging and cancel buttons."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.domain.colours import colour_mark
from bot.domain.zones import zone_label
from bot.services import schedule
from bot.services.booking import Lesson
from bot.services.context import Deps
from handlers.callbacks import LessonCancelCb, ScheduleCb
from handlers.formatting import clock_time, day_label, local, time_range, when
from handlers.middlewares import refuse_button
from handlers.teacher_onboarding import TYPED

router = Router(name="schedule")

MAX_CANCEL_BUTTONS = 20


class CancelForm(StatesGroup):
    """The reason of a cancellation, then its confirmation (booking id, reason in the data)."""

    reason = State()
    confirm = State()


def _btn(text: str, data: ScheduleCb | LessonCancelCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def week_view(week: schedule.Week) -> tuple[str, InlineKeyboardMarkup]:
    """Each day with its lessons (time, colour, student, subject), paging and cancel buttons."""
    zone = week.timezone
    lines = [_("<b>Your schedule</b> ({zone})").format(zone=zone_label(zone))]
    for day, lessons in week.days:
        lines.append(f"\n<b>{day_label(day)}</b>")
        if not lessons:
            lines.append(_("no lessons"))
        for lesson in lessons:
            subject = f" · {html.escape(lesson.subject)}" if lesson.subject else ""
            lines.append(f"{time_range(lesson.starts_at, lesson.ends_at, zone)} "
                         f"{colour_mark(lesson.colour)} {html.escape(lesson.student_name)}"
                         f"{subject}")  # fmt: skip
    rows = [
        [_btn(_("✖ Cancel {when} {mark} {name}").format(
            when=f"{day_label(local(lesson.starts_at, zone).date())} "
                 f"{clock_time(lesson.starts_at, zone)}",
            mark=colour_mark(lesson.colour), name=lesson.student_name),
            LessonCancelCb(step="ask", id=lesson.booking_id))]
        for lesson in [x for x in week.lessons if x.cancellable][:MAX_CANCEL_BUTTONS]
    ]  # fmt: skip
    rows.append([_btn(_("◀ Previous week"), ScheduleCb(offset=week.offset - 1)),
                 _btn(_("Next week ▶"), ScheduleCb(offset=week.offset + 1))])  # fmt: skip
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


@router.message(Command("schedule"))
async def show(message: Message, deps: Deps) -> None:
    """This week's lessons."""
    assert message.from_user is not None
    text, keyboard = week_view(await schedule.week(deps, message.from_user.id))
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(ScheduleCb.filter())
async def page(query: CallbackQuery, callback_data: ScheduleCb, deps: Deps) -> None:
    """Another week, in the same message."""
    text, keyboard = week_view(await schedule.week(deps, query.from_user.id, callback_data.offset))
    assert query.message is not None
    await query.bot.edit_message_text(  # type: ignore[union-attr]
        text, chat_id=query.from_user.id, message_id=query.message.message_id,
        reply_markup=keyboard,
    )  # fmt: skip


@router.callback_query(LessonCancelCb.filter(F.step == "ask"))
async def ask_reason(
    query: CallbackQuery, callback_data: LessonCancelCb, state: FSMContext
) -> None:
    """Ask why (the student is told); ownership is checked when the lesson is cancelled."""
    await state.set_state(CancelForm.reason)
    await state.update_data(booking_id=callback_data.id)
    keyboard = InlineKeyboardMarkup(inline_keyboard=[
        [_btn(_("Cancel without a reason"), LessonCancelCb(step="now", id=callback_data.id))],
        [_btn(_("Keep the lesson"), LessonCancelCb(step="keep", id=callback_data.id))],
    ])  # fmt: skip
    assert query.message is not None
    await query.message.answer(
        _("Type the reason the student will read, or cancel without one."), reply_markup=keyboard
    )


@router.callback_query(LessonCancelCb.filter(F.step == "keep"))
async def keep(query: CallbackQuery, state: FSMContext) -> None:
    """Change of mind: nothing is cancelled and typed text is no longer taken as a reason."""
    await state.clear()
    assert query.message is not None
    await query.message.answer(_("Nothing was changed."))


@router.callback_query(LessonCancelCb.filter(F.step == "now"))
async def cancel_now(
    query: CallbackQuery, callback_data: LessonCancelCb, deps: Deps, state: FSMContext
) -> None:
    """Cancel without a reason."""
    await state.clear()
    lesson = await schedule.cancel_lesson(deps, query.from_user.id, callback_data.id)
    assert query.message is not None
    await query.message.answer(_cancelled_text(lesson))


@router.message(StateFilter(CancelForm.reason), TYPED)
async def confirm_reason(message: Message, deps: Deps, state: FSMContext) -> None:
    """A typed reason never cancels by itself: the card names the lesson and asks first."""
    assert message.from_user is not None
    booking_id = int((await state.get_data()).get("booking_id", 0))
    lesson = await schedule.lesson_to_cancel(deps, message.from_user.id, booking_id)
    reason = (message.text or "").strip()[:200]
    await state.set_state(CancelForm.confirm)
    await state.update_data(reason=reason)
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[
        _btn(_("Cancel lesson"), LessonCancelCb(step="ok", id=booking_id)),
        _btn(_("Keep"), LessonCancelCb(step="keep", id=booking_id)),
    ]])  # fmt: skip
    text = _("Cancel the lesson with {name} on {when}?\nReason: {reason}").format(
        name=html.escape(lesson.student_name),
        when=when(lesson.starts_at, lesson.ends_at, lesson.teacher_timezone),
        reason=html.escape(reason),
    )
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(StateFilter(CancelForm.confirm), LessonCancelCb.filter(F.step == "ok"))
async def cancel_with_reason(
    query: CallbackQuery,
    callback_data: LessonCancelCb,
    deps: Deps,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    """Confirmed on the card: cancel with the reason it showed."""
    data = await state.get_data()
    if int(data.get("booking_id", 0)) != callback_data.id:
        await refuse_button(query, deps, callback_answer)
        return
    await state.clear()
    lesson = await schedule.cancel_lesson(
        deps, query.from_user.id, callback_data.id, str(data.get("reason", ""))
    )
    assert query.message is not None
    await query.bot.edit_message_text(  # type: ignore[union-attr]
        _cancelled_text(lesson), chat_id=query.from_user.id, message_id=query.message.message_id
    )


def _cancelled_text(lesson: Lesson) -> str:
    return _("✅ Cancelled the lesson with {name} on {when}; they are told.").format(
        name=html.escape(lesson.student_name),
        when=when(lesson.starts_at, lesson.ends_at, lesson.teacher_timezone),
    )
