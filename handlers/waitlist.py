"""The waitlist: join a full slot's line, see and leave one's places, book a held seat."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.services import waitlist
from bot.services.context import Deps
from handlers import student_views as views
from handlers import waitlist_views as wviews
from views.waitlist_callbacks import WaitAction, WaitCb, WaitJoinCb

router = Router(name="waitlist")


@router.message(Command("waitlist"))
async def waitlist_command(message: Message, deps: Deps) -> None:
    """The student's places in line, each with a button to leave it (or book a held seat)."""
    assert message.from_user is not None
    text, keyboard = wviews.places_screen(await waitlist.places(deps, message.from_user.id))
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(WaitJoinCb.filter())
async def join(query: CallbackQuery, callback_data: WaitJoinCb, deps: Deps) -> None:
    """ "Notify me if it frees up": the student's place in the slot's line."""
    cb = callback_data
    place = await waitlist.join(deps, query.from_user.id, cb.student_id, cb.slot_id)
    await views.show(query, *wviews.joined(place))


@router.callback_query(WaitCb.filter())
async def act(query: CallbackQuery, callback_data: WaitCb, deps: Deps) -> None:
    """Book a held seat, pass it on, leave a line, or list one's places."""
    cb, telegram_id = callback_data, query.from_user.id
    if cb.action == WaitAction.BOOK:
        done = await waitlist.book_offer(deps, telegram_id, cb.entry_id)
        await views.show(query, *views.booked_text(done.lesson, done.zone, None))
        return
    if cb.action in (WaitAction.DECLINE, WaitAction.LEAVE):
        declined = cb.action == WaitAction.DECLINE
        await waitlist.leave(deps, telegram_id, cb.entry_id, declined=declined)
        text, keyboard = wviews.places_screen(await waitlist.places(deps, telegram_id))
        await views.show(query, wviews.left(declined) + "\n\n" + text, keyboard)
        return
    await views.show(query, *wviews.places_screen(await waitlist.places(deps, telegram_id)))
