"""/addslots and /availability: the teacher's hours and time off on one screen."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.domain.errors import ConfirmationNeeded
from bot.domain.model import Window
from bot.domain.time_off import TimeOff
from bot.domain.timeslots import END_OF_DAY
from bot.domain.zones import zone_label
from bot.services import availability
from bot.services.context import Deps
from handlers.availability_texts import added_text, span_text, time_off_line
from handlers.keyboards import Row, button, markup
from handlers.navigation import show as show_in_place
from views.formatting import current_locale, day_label
from views.teacher_callbacks import TimeOffCb, TimeOffScreen, WindowAction, WindowCb

router = Router(name="availability")

A_MONDAY = date(2024, 1, 1)


def window_text(w: Window) -> str:
    """'Mon 10:00–14:00 · 60 min · Math · 3 seats' in the teacher's language."""
    if w.weekday is not None:
        day = format_date(A_MONDAY + timedelta(days=w.weekday), "EEEE", locale=current_locale())
    else:
        assert w.on_date is not None
        day = day_label(w.on_date)
    end = "24:00" if w.end == END_OF_DAY else f"{w.end:%H:%M}"
    parts = [f"{day} {w.start:%H:%M}–{end}", _("{n} min").format(n=w.slot_minutes)]
    if w.subject:
        parts.append(html.escape(w.subject))
    if w.capacity > 1:
        parts.append(ngettext("{n} seat", "{n} seats", w.capacity).format(n=w.capacity))
    return " · ".join(parts)


def usage() -> str:
    """How to write /addslots."""
    return _(
        "Add your hours like this:\n<code>/addslots mon 10:00-14:00 60 Math</code> (every Monday)\n"
        "<code>/addslots 2026-12-05 09:00-12:00 45 Piano</code> (one day)\n"
        "Length in minutes and subject are optional; add <code>x3</code> for a group of 3."
    )


@router.message(Command("addslots"))
async def add_slots(message: Message, command: CommandObject, deps: Deps) -> None:
    """Add a weekly or one-day window and say how many slots it opened."""
    assert message.from_user is not None
    if not command.args:
        await message.answer(usage())
        return
    added = await availability.add_window(deps, message.from_user.id, command.args)
    text = added_text(added, window_text(added.window))
    await message.answer(text + "\n" + _("See all your hours with /availability."))


def hours_screen(view: availability.AvailabilityView) -> tuple[str, InlineKeyboardMarkup]:
    """Weekly and one-day hours and the coming time off, each with a remove button."""
    weekly = [w for w in view.windows if w.weekday is not None]
    dated = [w for w in view.windows if w.on_date is not None]
    now = view.now
    lines = [_("<b>Your availability</b> ({zone})").format(zone=zone_label(view.timezone))]
    lines += [_("Weekly:")] + [f"• {window_text(w)}" for w in weekly] if weekly else []
    lines += [_("One day:")] + [f"• {window_text(w)}" for w in dated] if dated else []
    if not view.windows:
        lines.append(_("No hours yet.") + "\n" + usage())
    if view.time_off:
        lines.append(_("Time off:"))
        lines += [f"• {time_off_line(t, view.timezone, now)}" for t in view.time_off]
    rows = [
        [button("❌ " + window_text(w), WindowCb(action=WindowAction.REMOVE, window_id=w.id))]
        for w in view.windows
    ]
    rows += time_off_buttons(view.time_off, view.timezone, now, TimeOffScreen.HOURS)
    return "\n".join(lines), markup(rows)


def time_off_buttons(
    items: list[TimeOff], zone: str, now: datetime, screen: TimeOffScreen
) -> list[Row]:
    """A remove button per time off; `screen` says which screen to show again after."""
    rows: list[Row] = []
    for t in items:
        label = "❌ " + span_text(t.starts_at, t.ends_at, zone, now)
        rows.append([button(label, TimeOffCb(time_off_id=t.id, screen=screen))])
    return rows


@router.message(Command("availability"))
async def show(message: Message, deps: Deps) -> None:
    """The teacher's hours and coming time off, with remove buttons."""
    assert message.from_user is not None
    text, keyboard = hours_screen(await availability.list_windows(deps, message.from_user.id))
    await message.answer(text, reply_markup=keyboard)


def confirm_keyboard(yes: CallbackData, no: CallbackData) -> InlineKeyboardMarkup:
    """'Yes, cancel them' / 'No, keep them'."""
    return markup([[button(_("Yes, cancel them"), yes), button(_("No, keep them"), no)]])


@router.callback_query(WindowCb.filter(F.action != WindowAction.KEEP))
async def remove(
    query: CallbackQuery, callback_data: WindowCb, deps: Deps, callback_answer: CallbackAnswer
) -> None:
    """Remove a window; if it holds lessons, ask before cancelling them."""
    assert query.message is not None
    agreed = callback_data.lessons if callback_data.action == WindowAction.CONFIRM else 0
    try:
        cancelled = await availability.remove_window(
            deps, query.from_user.id, callback_data.window_id, confirmed=agreed
        )
    except ConfirmationNeeded as ask:  # asked first, or asked again: the bookings changed
        await query.message.answer(
            confirm_question(ask.affected),
            reply_markup=confirm_keyboard(
                WindowCb(
                    action=WindowAction.CONFIRM,
                    window_id=callback_data.window_id,
                    lessons=ask.affected,
                ),
                WindowCb(action=WindowAction.KEEP, window_id=callback_data.window_id),
            ),
        )
        return
    if callback_data.action == WindowAction.CONFIRM:  # the question card becomes the answer
        await show_in_place(query, removed_text(cancelled))
        return
    callback_answer.text = removed_text(cancelled)
    view = await availability.list_windows(deps, query.from_user.id)
    await show_in_place(query, *hours_screen(view))


def confirm_question(n: int) -> str:
    """How many booked lessons the change would cancel."""
    return ngettext(
        "{n} booked lesson falls in this time. Cancel it and tell the student?",
        "{n} booked lessons fall in this time. Cancel them and tell the students?",
        n,
    ).format(n=n)


def removed_text(cancelled: int) -> str:
    """'Removed.', and how many lessons were cancelled."""
    text = _("✅ Removed.")
    if cancelled:
        text += " " + ngettext(
            "{n} lesson was cancelled; the student is told.",
            "{n} lessons were cancelled; the students are told.",
            cancelled,
        ).format(n=cancelled)
    return text


@router.callback_query(WindowCb.filter(F.action == WindowAction.KEEP))
async def keep(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    """The teacher kept the window (aiogram hands the press itself to the first parameter)."""
    callback_answer.text = _("Nothing was changed.")
