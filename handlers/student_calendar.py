"""The student's calendar: week -> day -> slot card -> confirmation, editing one message."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.services import student_calendar as calendar
from bot.services.context import Deps
from bot.services.student_calendar import Booked, Filters, Refreshed
from handlers import student_calendar_views as cviews
from handlers import student_views as views
from handlers.errors import describe
from handlers.student_bookings import list_when_move_gone
from views.callbacks import (
    ConfirmCb,
    DayCb,
    FilterCb,
    InertCb,
    MonthCb,
    MonthsCb,
    SlotCb,
    WeekCb,
)

router = Router(name="calendar")


def refreshed(outcome: Refreshed) -> tuple[str, views.Keyboard]:
    """The refusal sentence above the day as it is now."""
    return cviews.day_screen(outcome.day, notice="⚠️ " + describe(outcome.refusal))


@router.callback_query(WeekCb.filter())
@list_when_move_gone
async def week(query: CallbackQuery, callback_data: WeekCb, deps: Deps) -> None:
    """A week of days with their free slots (also paging and filter changes)."""
    cb = callback_data
    found = await calendar.week(deps, query.from_user.id, cb.s, cb.d, Filters(cb.j, cb.p), cb.r)
    await views.show(query, *cviews.week_screen(found))


@router.callback_query(MonthCb.filter())
@list_when_move_gone
async def month(query: CallbackQuery, callback_data: MonthCb, deps: Deps) -> None:
    """The month grid holding day d, paged within the booking horizon."""
    cb = callback_data
    found = await calendar.month(deps, query.from_user.id, cb.s, cb.d, Filters(cb.j, cb.p), cb.r)
    await views.show(query, *cviews.month_screen(found))


@router.callback_query(MonthsCb.filter())
@list_when_move_gone
async def months(query: CallbackQuery, callback_data: MonthsCb, deps: Deps) -> None:
    """The old month list's button (on messages sent before the grid): this month's grid."""
    cb = callback_data
    found = await calendar.month(deps, query.from_user.id, cb.s, 0, Filters(cb.j, cb.p), cb.r)
    await views.show(query, *cviews.month_screen(found))


@router.callback_query(FilterCb.filter())
@list_when_move_gone
async def pick_filter(query: CallbackQuery, callback_data: FilterCb, deps: Deps) -> None:
    """The values of one filter to pick from; each returns to the week or day it came from."""
    cb = callback_data
    found = await calendar.week(deps, query.from_user.id, cb.s, cb.d, Filters(cb.j, cb.p), cb.r)
    await views.show(query, *cviews.filter_picker(found.view, cb.d, cb.v, cb.k))


@router.callback_query(InertCb.filter())
async def inert(
    query: CallbackQuery, callback_data: InertCb, deps: Deps, callback_answer: CallbackAnswer
) -> None:
    """A cell with nothing to open: its screen again, as it is now, and why."""
    cb, filters = callback_data, Filters(callback_data.j, callback_data.p)
    if cb.v == cviews.ON_MONTH:
        found = await calendar.month(deps, query.from_user.id, cb.s, cb.d, filters, cb.r)
        screen = cviews.month_screen(found)
    else:
        week = await calendar.week(deps, query.from_user.id, cb.s, cb.d, filters, cb.r)
        screen = cviews.week_screen(week)
    callback_answer.text = cviews.inert_note(cb.t)
    await views.show(query, *screen)


@router.callback_query(DayCb.filter())
@list_when_move_gone
async def day(query: CallbackQuery, callback_data: DayCb, deps: Deps) -> None:
    """One day's slots."""
    cb = callback_data
    found = await calendar.day(deps, query.from_user.id, cb.s, cb.d, Filters(cb.j, cb.p), cb.r)
    await views.show(query, *cviews.day_screen(found))


@router.callback_query(SlotCb.filter())
@list_when_move_gone
async def slot(query: CallbackQuery, callback_data: SlotCb, deps: Deps) -> None:
    """The confirmation card, or why the slot cannot be had with the day refreshed."""
    cb = callback_data
    outcome = await calendar.offer(deps, query.from_user.id, cb.s, cb.id, Filters(cb.j, cb.p), cb.r)
    screen = refreshed(outcome) if isinstance(outcome, Refreshed) else views.offer_card(outcome)
    await views.show(query, *screen)


@router.callback_query(ConfirmCb.filter())
@list_when_move_gone
async def confirm(query: CallbackQuery, callback_data: ConfirmCb, deps: Deps) -> None:
    """Book (or move) now: the confirmation, or the refusal with the day refreshed."""
    cb = callback_data
    outcome = await calendar.confirm(
        deps, query.from_user.id, cb.s, cb.id, Filters(cb.j, cb.p), cb.r
    )
    if isinstance(outcome, Booked):
        await views.show(
            query, *views.booked_text(outcome.lesson, outcome.zone, outcome.moved_from)
        )
    else:
        await views.show(query, *refreshed(outcome))
