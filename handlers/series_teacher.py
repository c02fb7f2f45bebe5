"""A teacher books a weekly series for a student (from the student card) or cancels the rest."""

from __future__ import annotations

import html
from datetime import date

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.domain.zones import zone_label
from bot.services import series, series_cancel, series_teacher
from bot.services.context import Deps
from bot.services.series_cancel import Ended
from bot.services.series_model import Started
from bot.services.series_teacher import FreeTimes
from handlers.keyboards import Button, button, markup
from handlers.navigation import nav_row, show
from handlers.schedule import ConfirmedCard
from handlers.series import booked_lines, weeks_label
from views import formatting as fmt
from views.series_callbacks import TeacherSeriesCb, TeacherSeriesRestCb, TeacherSeriesStep
from views.teacher_callbacks import StudentAction, StudentCb

router = Router(name="series_teacher")
Step = TeacherSeriesStep


def series_button(student_id: int) -> Button:
    """The student card's button: book weekly lessons for this student."""
    return button(_("🔁 Weekly lessons"), TeacherSeriesCb(step=Step.DAYS, student_id=student_id))


def days_screen(free: FreeTimes) -> tuple[str, InlineKeyboardMarkup]:
    """The days with free times, to pick the first lesson's day."""
    lines = [_("🔁 <b>Weekly lessons for {name}</b>").format(name=html.escape(free.student_name))]
    if not free.choices:
        lines.append(_("Weekly lessons are off in your settings."))
    elif not free.days:
        lines.append(_("You have no free times to start from. Add hours with /addslots."))
    else:
        lines.append(_("Pick the day of the first lesson."))
    buttons = [
        button(
            fmt.day_label(day),
            TeacherSeriesCb(step=Step.DAY, student_id=free.student_id, day=day.toordinal()),
        )
        for day in (free.days if free.choices else {})
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    back = StudentCb(action=StudentAction.CARD, student_id=free.student_id)
    rows.append(nav_row(back))
    return "\n".join(lines), markup(rows)


def day_screen(free: FreeTimes, day: date) -> tuple[str, InlineKeyboardMarkup]:
    """One day's free times ({zone}), to pick the first lesson."""
    sid = free.student_id
    lines = [
        _("🔁 <b>Weekly lessons for {name}</b>").format(name=html.escape(free.student_name)),
        _("Pick the time of the first lesson on {day}.").format(day=fmt.long_day(day)),
    ]
    rows = []
    for slot in free.days.get(day, ()):
        label = fmt.time_range(slot.starts_at, slot.ends_at, free.zone)
        label += f" {slot.subject}" if slot.subject else ""
        rows.append(
            [
                button(
                    label,
                    TeacherSeriesCb(
                        step=Step.WEEKS, student_id=sid, slot_id=slot.id, day=day.toordinal()
                    ),
                )
            ]
        )
    if not rows:
        lines.append(_("No free times that day."))
    rows.append(nav_row(TeacherSeriesCb(step=Step.DAYS, student_id=sid)))
    return "\n".join(lines), markup(rows)


def weeks_screen(free: FreeTimes, cb: TeacherSeriesCb) -> tuple[str, InlineKeyboardMarkup]:
    """How many weeks, from the slot chosen."""
    day = date.fromordinal(cb.day) if cb.day > 0 else None
    slot = next((s for s in free.days.get(day, ()) if s.id == cb.slot_id), None) if day else None
    if slot is None:
        return day_screen(free, day) if day else days_screen(free)
    local = fmt.local(slot.starts_at, free.zone)
    lines = [
        _("🔁 <b>Weekly lessons for {name}</b>").format(name=html.escape(free.student_name)),
        _("Every {weekday} at {time} ({zone}), from {day}.").format(
            weekday=format_date(local.date(), "EEEE", locale=fmt.current_locale()),
            time=fmt.clock_time(slot.starts_at, free.zone),
            zone=zone_label(free.zone),
            day=fmt.long_day(local.date()),
        ),
        _("How many weeks?"),
    ]
    choices = [
        button(
            weeks_label(w),
            TeacherSeriesCb(step=Step.BOOK, student_id=cb.student_id, slot_id=slot.id, weeks=w),
        )
        for w in free.choices
    ]
    rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    rows.append(nav_row(TeacherSeriesCb(step=Step.DAY, student_id=cb.student_id, day=cb.day)))
    return "\n".join(lines), markup(rows)


def booked_screen(started: Started) -> tuple[str, InlineKeyboardMarkup]:
    """What was booked for the student, the weeks skipped, and what comes later."""
    n = len(started.booked)
    lines = [
        ngettext(
            "✅ {n} weekly lesson booked for {name}:",
            "✅ {n} weekly lessons booked for {name}:",
            n,
        ).format(n=n, name=html.escape(started.student_name))
    ]
    lines += booked_lines(started)
    if started.ongoing or started.later:
        lines.append(_("Later weeks are booked as they come within your booking horizon."))
    lines.append(_("Your student is told."))
    back = StudentCb(action=StudentAction.CARD, student_id=started.student_id)
    return "\n".join(lines), markup([nav_row(back)])


def ended_text(ended: Ended) -> str:
    """The teacher's note after cancelling the rest of a series."""
    return ngettext(
        "✅ Cancelled {n} lesson of the weekly lesson with {name}; they are told.",
        "✅ Cancelled {n} lessons of the weekly lesson with {name}; they are told.",
        len(ended.cancelled),
    ).format(n=len(ended.cancelled), name=html.escape(ended.student_name))


@router.callback_query(TeacherSeriesCb.filter(F.step != Step.BOOK))
async def pick(query: CallbackQuery, callback_data: TeacherSeriesCb, deps: Deps) -> None:
    """The days, a day's times, or the weeks: each read fresh, so taken times drop out."""
    cb = callback_data
    free = await series_teacher.free_times(deps, query.from_user.id, cb.student_id)
    if cb.step == Step.DAY:
        await show(query, *day_screen(free, date.fromordinal(max(cb.day, 1))))
    elif cb.step == Step.WEEKS:
        await show(query, *weeks_screen(free, cb))
    else:
        await show(query, *days_screen(free))


@router.callback_query(TeacherSeriesCb.filter(F.step == Step.BOOK))
async def book(query: CallbackQuery, callback_data: TeacherSeriesCb, deps: Deps) -> None:
    """Book the series for the student; they are told once."""
    cb = callback_data
    started = await series.start_for_student(
        deps, query.from_user.id, cb.student_id, cb.slot_id, cb.weeks
    )
    await show(query, *booked_screen(started))


@router.callback_query(TeacherSeriesRestCb.filter(), ConfirmedCard())
async def cancel_rest(
    query: CallbackQuery,
    callback_data: TeacherSeriesRestCb,
    deps: Deps,
    state: FSMContext,
    reason: str,
) -> None:
    """Confirmed on the cancel card: this lesson and all later ones, with the reason shown."""
    await state.clear()
    ended = await series_cancel.cancel_rest_by_teacher(
        deps, query.from_user.id, callback_data.booking_id, reason
    )
    await show(query, ended_text(ended))
