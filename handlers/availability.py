"""/addslots, /availability and /block: the teacher's hours and time off."""

from __future__ import annotations

import html
from datetime import date, timedelta

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.domain.errors import ConfirmationNeeded
from bot.domain.model import Window
from bot.domain.timeslots import END_OF_DAY
from bot.services import availability
from bot.services.context import Deps
from handlers.availability_texts import added_text
from handlers.callbacks import BlockCb, WindowCb
from handlers.formatting import current_locale, day_label, local, when

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


def availability_card(view: availability.AvailabilityView) -> tuple[str, InlineKeyboardMarkup]:
    """Weekly and one-day windows with a remove button each, and coming time off."""
    weekly = [w for w in view.windows if w.weekday is not None]
    dated = [w for w in view.windows if w.on_date is not None]
    lines = [_("<b>Your availability</b> ({zone})").format(zone=view.timezone)]
    lines += [_("Weekly:")] + [f"• {window_text(w)}" for w in weekly] if weekly else []
    lines += [_("One day:")] + [f"• {window_text(w)}" for w in dated] if dated else []
    if not view.windows:
        lines.append(_("No hours yet.") + "\n" + usage())
    if view.time_off:
        lines.append(_("Time off:"))
        lines += [f"• {when(s, e, view.timezone)}" for s, e in view.time_off]
    buttons = [
        [InlineKeyboardButton(text="❌ " + window_text(w),
                              callback_data=WindowCb(action="rm", id=w.id).pack())]
        for w in view.windows
    ]  # fmt: skip
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=buttons)


@router.message(Command("availability"))
async def show(message: Message, deps: Deps) -> None:
    """The teacher's windows with remove buttons."""
    assert message.from_user is not None
    text, keyboard = availability_card(await availability.list_windows(deps, message.from_user.id))
    await message.answer(text, reply_markup=keyboard)


def _confirm_keyboard(yes: str, no: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=_("Yes, cancel them"), callback_data=yes),
                          InlineKeyboardButton(text=_("No, keep them"), callback_data=no)]]
    )  # fmt: skip


@router.callback_query(WindowCb.filter(F.action.in_({"rm", "ok"})))
async def remove(query: CallbackQuery, callback_data: WindowCb, deps: Deps) -> None:
    """Remove a window; if it holds lessons, ask before cancelling them."""
    assert query.message is not None
    agreed = callback_data.n if callback_data.action == "ok" else 0
    try:
        cancelled = await availability.remove_window(
            deps, query.from_user.id, callback_data.id, confirmed=agreed
        )
    except ConfirmationNeeded as ask:  # asked first, or asked again: the bookings changed
        await query.message.answer(
            _confirm_question(ask.affected),
            reply_markup=_confirm_keyboard(
                WindowCb(action="ok", id=callback_data.id, n=ask.affected).pack(),
                WindowCb(action="no", id=callback_data.id).pack(),
            ),
        )
        return
    await query.message.answer(_removed_text(cancelled))


def _confirm_question(n: int) -> str:
    return ngettext(
        "{n} booked lesson falls in this time. Cancel it and tell the student?",
        "{n} booked lessons fall in this time. Cancel them and tell the students?",
        n,
    ).format(n=n)


def _removed_text(cancelled: int) -> str:
    text = _("✅ Removed.")
    if cancelled:
        text += " " + ngettext(
            "{n} lesson was cancelled; the student is told.",
            "{n} lessons were cancelled; the students are told.",
            cancelled,
        ).format(n=cancelled)
    return text


@router.callback_query(WindowCb.filter(F.action == "no"))
async def keep(callback_answer: CallbackAnswer) -> None:
    """The teacher kept the window."""
    callback_answer.text = _("Nothing was changed.")


@router.message(Command("block"))
async def block(message: Message, command: CommandObject, deps: Deps, state: FSMContext) -> None:
    """Take time off; if lessons are booked then, ask first (the request waits in the state)."""
    assert message.from_user is not None
    if not command.args:
        await message.answer(_block_usage())
        return
    try:
        done = await availability.block_time(deps, message.from_user.id, command.args)
    except ConfirmationNeeded as ask:
        await _ask_to_block(message, state, command.args, ask.affected)
        return
    await message.answer(_blocked_text(done))


async def _ask_to_block(message: Message, state: FSMContext, args: str, affected: int) -> None:
    """Keep the request and the number the teacher is agreeing to, and ask."""
    await state.update_data(block_args=args, block_affected=affected)
    await message.answer(
        _confirm_question(affected),
        reply_markup=_confirm_keyboard(BlockCb(confirm=1).pack(), BlockCb(confirm=0).pack()),
    )


def _block_usage() -> str:
    return _(
        "Take time off like this:\n<code>/block 2026-12-05</code> (a whole day)\n"
        "<code>/block 2026-12-05 09:00-12:00 dentist</code> (part of a day, with a reason)\n"
        "<code>/block 2026-12-24..2027-01-02 holidays</code> (several days)"
    )


def _blocked_text(done: availability.Blocked) -> str:
    start = local(done.starts_at, done.timezone)
    end = local(done.ends_at, done.timezone)
    span = f"{day_label(start.date())} {start:%H:%M} – {day_label(end.date())} {end:%H:%M}"
    return _("✅ Blocked {span}.").format(span=span) + " " + _removed_text(done.cancelled)


@router.callback_query(BlockCb.filter())
async def block_confirmed(
    query: CallbackQuery, callback_data: BlockCb, deps: Deps, state: FSMContext
) -> None:
    """Carry out (or drop) the /block request that asked for confirmation."""
    assert query.message is not None
    data = await state.get_data()
    args, agreed = str(data.get("block_args") or ""), int(data.get("block_affected") or 0)
    await state.update_data(block_args=None, block_affected=None)
    if not callback_data.confirm or not args:
        await query.message.answer(_("Nothing was changed."))
        return
    try:
        done = await availability.block_time(deps, query.from_user.id, args, confirmed=agreed)
    except ConfirmationNeeded as ask:  # bookings changed since the question
        assert isinstance(query.message, Message)
        await _ask_to_block(query.message, state, args, ask.affected)
        return
    await query.message.answer(_blocked_text(done))
