"""/block and /unblock: taking time off, and giving it back (the hours open again)."""

from __future__ import annotations

import html
from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.errors import ConfirmationNeeded
from bot.domain.windows import parse_block_args
from bot.domain.zones import zone_label
from bot.services import availability, time_off
from bot.services.context import Deps
from handlers.availability import (
    confirm_keyboard,
    confirm_question,
    hours_screen,
    removed_text,
    time_off_buttons,
)
from handlers.availability_texts import span_text, time_off_line
from handlers.keyboards import button, markup
from handlers.navigation import show as show_in_place
from views.teacher_callbacks import BlockCb, BlockChoice, TimeOffCb, TimeOffScreen

router = Router(name="time_off")


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
    await message.answer(blocked_text(done, deps.clock.now()))


async def _ask_to_block(message: Message, state: FSMContext, args: str, affected: int) -> None:
    """Keep the request and the number the teacher is agreeing to, and ask."""
    await state.update_data(block_args=args, block_affected=affected)
    reason = parse_block_args(args).reason
    text = confirm_question(affected)
    if reason:
        text += "\n" + _("Your reason: {reason}").format(reason=html.escape(reason))
    await message.answer(text, reply_markup=_block_keyboard(bool(reason)))


def _block_keyboard(with_reason: bool) -> InlineKeyboardMarkup:
    """With a typed reason the teacher chooses whether the students read it."""
    if not with_reason:
        return confirm_keyboard(BlockCb(choice=BlockChoice.TELL), BlockCb(choice=BlockChoice.KEEP))
    choices = [
        (_("Cancel and tell the reason"), BlockChoice.TELL),
        (_("Cancel without the reason"), BlockChoice.SILENT),
        (_("Keep them"), BlockChoice.KEEP),
    ]
    return markup([button(label, BlockCb(choice=choice))] for label, choice in choices)


def _block_usage() -> str:
    return _(
        "Take time off like this:\n<code>/block 2026-12-05</code> (a whole day)\n"
        "<code>/block 2026-12-05 09:00-12:00 dentist</code> (part of a day, with a reason)\n"
        "<code>/block 2026-12-24..2027-01-02 holidays</code> (several days)"
    )


def blocked_text(done: availability.Blocked, now: datetime) -> str:
    """'✅ Blocked Wed 2 Dec, all day.' and how many lessons were cancelled."""
    span = span_text(done.starts_at, done.ends_at, done.timezone, now)
    return _("✅ Blocked {span}.").format(span=span) + " " + removed_text(done.cancelled)


@router.callback_query(BlockCb.filter())
async def block_confirmed(
    query: CallbackQuery, callback_data: BlockCb, deps: Deps, state: FSMContext
) -> None:
    """Carry out (or drop) the /block request that asked; the card becomes the answer."""
    data = await state.get_data()
    args, agreed = str(data.get("block_args") or ""), int(data.get("block_affected") or 0)
    await state.update_data(block_args=None, block_affected=None)
    if callback_data.choice == BlockChoice.KEEP or not args:
        await show_in_place(query, _("Nothing was changed."))
        return
    try:
        tell_reason = callback_data.choice != BlockChoice.SILENT
        done = await availability.block_time(
            deps, query.from_user.id, args, confirmed=agreed, tell_reason=tell_reason
        )
    except ConfirmationNeeded as ask:  # bookings changed since the question
        assert isinstance(query.message, Message)
        await _ask_to_block(query.message, state, args, ask.affected)
        return
    await show_in_place(query, blocked_text(done, deps.clock.now()))


@router.message(Command("unblock"))
async def unblock(message: Message, command: CommandObject, deps: Deps) -> None:
    """'/unblock': the coming time off with remove buttons; '/unblock 2026-12-24' removes it."""
    assert message.from_user is not None
    if not command.args:
        text, keyboard = unblock_screen(await time_off.coming(deps, message.from_user.id))
        await message.answer(text, reply_markup=keyboard)
        return
    done = await time_off.unblock_day(deps, message.from_user.id, command.args)
    await message.answer(unblocked_text(done))


def unblock_screen(view: time_off.ComingTimeOff) -> tuple[str, InlineKeyboardMarkup]:
    """The coming time off, each with a remove button."""
    if not view.items:
        text = _("You have no time off coming. Take some with /block.")
    else:
        lines = [_("<b>Your time off</b> ({zone})").format(zone=zone_label(view.timezone))]
        lines += [f"• {time_off_line(t, view.timezone, view.now)}" for t in view.items]
        text = "\n".join([*lines, _("Tap one to remove it.")])
    return text, markup(
        time_off_buttons(view.items, view.timezone, view.now, TimeOffScreen.UNBLOCK)
    )


def unblocked_text(done: time_off.Unblocked) -> str:
    """'✅ Time off removed: 24 Dec – 2 Jan. 12 slots are open again.'"""
    spans = "; ".join(
        span_text(t.starts_at, t.ends_at, done.timezone, done.now) for t in done.removed
    )
    text = _("✅ Time off removed: {span}.").format(span=spans)
    if done.reopened:
        text += " " + ngettext(
            "{n} slot is open again.", "{n} slots are open again.", done.reopened
        ).format(n=done.reopened)
    return text


@router.callback_query(TimeOffCb.filter())
async def remove_pressed(
    query: CallbackQuery, callback_data: TimeOffCb, deps: Deps, callback_answer: CallbackAnswer
) -> None:
    """Remove time off by its button and show the same screen again, in place."""
    done = await time_off.remove(deps, query.from_user.id, callback_data.time_off_id)
    callback_answer.text = unblocked_text(done)
    if callback_data.screen == TimeOffScreen.UNBLOCK:
        await show_in_place(query, *unblock_screen(await time_off.coming(deps, query.from_user.id)))
        return
    view = await availability.list_windows(deps, query.from_user.id)
    await show_in_place(query, *hours_screen(view))
