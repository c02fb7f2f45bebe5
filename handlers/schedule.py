"""/schedule: the teacher's week with student colours, week paging and cancel buttons."""

from __future__ import annotations

import html
from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import BaseFilter, Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.colours import colour_mark
from bot.domain.zones import zone_label
from bot.services import schedule
from bot.services.booking import Lesson
from bot.services.context import Deps
from handlers.keyboards import Row, button, markup
from handlers.navigation import nav_row, present
from handlers.navigation import show as show_in_place
from handlers.places import place_button
from handlers.teacher_booking import book_for_someone_button, move_button
from handlers.teacher_notes import note_button, past_note_rows
from handlers.teacher_onboarding import TYPED
from views.formatting import clock_time, day_label, local, time_range, when
from views.lesson_notes import short_note_lines, with_previews
from views.series_callbacks import TeacherSeriesRestCb
from views.teacher_callbacks import CancelStep, LessonCancelCb, ScheduleCb

router = Router(name="schedule")

MAX_CANCEL_BUTTONS = 20
# Telegram refuses a keyboard of more than 100 buttons (a limit it keeps but does not document).
MAX_BUTTONS = 100
ASK_CARD = "cancel_ask_card"  # state key: the message asking for the reason
CardCb = LessonCancelCb | TeacherSeriesRestCb  # the buttons that confirm a cancel card


class CancelForm(StatesGroup):
    """The reason of a cancellation, then its confirmation (booking id, reason in the data)."""

    reason = State()
    confirm = State()


def week_view(week: schedule.Week) -> tuple[str, InlineKeyboardMarkup]:
    """Each day with its lessons (time, colour, student, subject), paging and cancel buttons."""
    zone = week.timezone
    lines = [_("<b>Your schedule</b> ({zone})").format(zone=zone_label(zone))]
    previews: list[tuple[int, list[str]]] = []  # each lesson's note lines, after its line
    for day, lessons in week.days:
        lines.append(f"\n<b>{day_label(day)}</b>")
        if not lessons:
            lines.append(_("no lessons"))
        for lesson in lessons:
            subject = f" · {html.escape(lesson.subject)}" if lesson.subject else ""
            times = time_range(lesson.starts_at, lesson.ends_at, zone)
            who = f"{colour_mark(lesson.colour)} {html.escape(lesson.student_name)}"
            lines.append(f"{times} {who}{subject}")
            previews.append(
                (len(lines), short_note_lines(lesson.teacher_note, lesson.student_note))
            )
    lines = with_previews(lines, previews)
    paging = [
        button(_("◀ Previous week"), ScheduleCb(week_offset=week.offset - 1)),
        button(_("Next week ▶"), ScheduleCb(week_offset=week.offset + 1)),
    ]
    fixed = [[book_for_someone_button()], paging, nav_row()]
    budget = MAX_BUTTONS - sum(map(len, fixed))
    coming = min(MAX_CANCEL_BUTTONS, budget // 4)  # four buttons per coming lesson
    rows: list[Row] = []
    for x in [x for x in week.lessons if x.cancellable][:coming]:
        ask = LessonCancelCb(step=CancelStep.ASK, booking_id=x.booking_id)
        move = move_button(x.student_id, x.booking_id)
        rows.append([button(_cancel_label(x, zone), ask), move])
        rows.append([note_button(x.booking_id), place_button(x.booking_id)])
    left = budget - sum(map(len, rows))
    rows += past_note_rows(week.lessons, zone, min(MAX_CANCEL_BUTTONS, left))
    return "\n".join(lines), markup([*rows, *fixed])


def _cancel_label(lesson: schedule.ScheduledLesson, zone: str) -> str:
    # A button label is plain text, not HTML: the name goes in as typed.
    day = day_label(local(lesson.starts_at, zone).date())
    return _("✖ Cancel {when} {mark} {name}").format(
        when=f"{day} {clock_time(lesson.starts_at, zone)}",
        mark=colour_mark(lesson.colour),
        name=lesson.student_name,
    )


@router.message(Command("schedule"))
@router.callback_query(ScheduleCb.filter())
async def show(
    event: Message | CallbackQuery, deps: Deps, callback_data: ScheduleCb | None = None
) -> None:
    """This week's lessons (/schedule), or another week in the same message (◀ ▶)."""
    assert event.from_user is not None
    offset = callback_data.week_offset if callback_data else 0
    await present(event, *week_view(await schedule.week(deps, event.from_user.id, offset)))


@router.callback_query(LessonCancelCb.filter(F.step == CancelStep.ASK))
async def ask_reason(
    query: CallbackQuery, callback_data: LessonCancelCb, state: FSMContext
) -> None:
    """Ask why (the student is told); ownership is checked when the lesson is cancelled."""
    await state.set_state(CancelForm.reason)
    booking_id = callback_data.booking_id
    await state.update_data(booking_id=booking_id)
    now = LessonCancelCb(step=CancelStep.NOW, booking_id=booking_id)
    keep = LessonCancelCb(step=CancelStep.KEEP, booking_id=booking_id)
    choices = markup(
        [[button(_("Cancel without a reason"), now)], [button(_("Keep the lesson"), keep)]]
    )
    assert query.message is not None
    card = await query.message.answer(
        _("Type the reason the student will read, or cancel without one."), reply_markup=choices
    )
    await state.update_data({ASK_CARD: card.message_id})


@router.callback_query(LessonCancelCb.filter(F.step == CancelStep.KEEP))
async def keep(query: CallbackQuery, state: FSMContext) -> None:
    """Change of mind: nothing is cancelled and typed text is no longer taken as a reason."""
    await state.clear()
    await show_in_place(query, _("Nothing was changed."))  # the card's buttons go: it is answered


@router.callback_query(LessonCancelCb.filter(F.step == CancelStep.NOW))
async def cancel_now(
    query: CallbackQuery, callback_data: LessonCancelCb, deps: Deps, state: FSMContext
) -> None:
    """Cancel without a reason."""
    await state.clear()
    lesson = await schedule.cancel_lesson(deps, query.from_user.id, callback_data.booking_id)
    await show_in_place(query, _cancelled_text(lesson))  # the card's buttons go: it is answered


@router.message(StateFilter(CancelForm.reason), TYPED)
async def confirm_reason(message: Message, deps: Deps, state: FSMContext, bot: Bot) -> None:
    """A typed reason never cancels by itself: the card names the lesson and asks first."""
    assert message.from_user is not None
    data = await state.get_data()
    booking_id = int(data.get("booking_id", 0))
    lesson = await schedule.lesson_to_cancel(deps, message.from_user.id, booking_id)
    if data.get(ASK_CARD):
        # The question is answered by the card below: its buttons must not cancel again.
        with suppress(TelegramBadRequest):
            await bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=int(data[ASK_CARD]), reply_markup=None
            )
    reason = (message.text or "").strip()[:200]
    await state.set_state(CancelForm.confirm)
    await state.update_data(reason=reason)
    yes_no = [
        button(_("Cancel lesson"), LessonCancelCb(step=CancelStep.CONFIRM, booking_id=booking_id)),
        button(_("Keep"), LessonCancelCb(step=CancelStep.KEEP, booking_id=booking_id)),
    ]
    rows = [yes_no]
    if lesson.series_id is not None:  # a weekly lesson: the rest of it, in the same confirmation
        rest = TeacherSeriesRestCb(booking_id=booking_id)
        rows.append([button(_("Cancel this and all later lessons"), rest)])
    text = _("Cancel the lesson with {name} on {when}?\nReason: {reason}").format(
        name=html.escape(lesson.student_name),
        when=when(lesson.starts_at, lesson.ends_at, lesson.teacher_tz),
        reason=html.escape(reason),
    )
    await message.answer(text, reply_markup=markup(rows))


class ConfirmedCard(BaseFilter):
    """Passes a press on the cancel card last asked for, handing its `reason` to the handler.

    A press on an older card names another booking: it falls through to the stale-button
    answer, as does any confirmation once the form is closed.
    """

    async def __call__(
        self, query: CallbackQuery, state: FSMContext, callback_data: CardCb
    ) -> dict[str, str] | bool:
        if await state.get_state() != CancelForm.confirm.state:
            return False
        data = await state.get_data()
        if int(data.get("booking_id", 0)) != callback_data.booking_id:
            return False
        return {"reason": str(data.get("reason", ""))}


@router.callback_query(LessonCancelCb.filter(F.step == CancelStep.CONFIRM), ConfirmedCard())
async def cancel_with_reason(
    query: CallbackQuery, callback_data: LessonCancelCb, deps: Deps, state: FSMContext, reason: str
) -> None:
    """Confirmed on the card: cancel with the reason it showed."""
    await state.clear()
    lesson = await schedule.cancel_lesson(
        deps, query.from_user.id, callback_data.booking_id, reason
    )
    await show_in_place(query, _cancelled_text(lesson))  # the card's buttons go: it is answered


def _cancelled_text(lesson: Lesson) -> str:
    return _("✅ Cancelled the lesson with {name} on {when}; they are told.").format(
        name=html.escape(lesson.student_name),
        when=when(lesson.starts_at, lesson.ends_at, lesson.teacher_tz),
    )
