"""The student's calendar: week -> day -> slot card -> confirmation, editing one message."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.errors import SlotUnavailable
from bot.services import student_calendar as calendar
from bot.services.accounts import Identity
from bot.services.context import Deps
from bot.services.student_calendar import Booked, Cursor, Offer, Refreshed
from handlers import student_calendar_views as cviews
from handlers import student_views as views
from handlers import waitlist_views
from handlers.refusal_texts import describe
from handlers.student_bookings import list_when_move_gone
from views.calendar_callbacks import (
    ConfirmCb,
    DayCb,
    FilterCb,
    InertCb,
    MonthCb,
    MonthsCb,
    Screen,
    SlotCb,
    WeekCb,
)

router = Router(name="calendar")


def outcome_screen(
    outcome: Offer | Booked | Refreshed, note: str | None = None
) -> tuple[str, views.Keyboard]:
    """The card of a slot offered or of a lesson booked, or why not above the day as it is now
    (`note` instead of the refusal's own sentence)."""
    if isinstance(outcome, Refreshed):
        return cviews.day_screen(outcome.day, notice=note or "⚠️ " + describe(outcome.refusal))
    if isinstance(outcome, Offer):
        return views.offer_card(outcome)
    return views.booked_text(outcome.lesson, outcome.zone, outcome.moved_from)


async def screen_at(
    deps: Deps, who: Identity, screen: Screen, cursor: Cursor
) -> tuple[str, views.Keyboard]:
    """A calendar screen (the week, the month grid or a day) at a cursor, as it is now."""
    if screen == Screen.MONTH:
        return cviews.month_screen(await calendar.month(deps, who, cursor))
    if screen == Screen.DAY:
        return cviews.day_screen(await calendar.day(deps, who, cursor))
    return cviews.week_screen(await calendar.week(deps, who, cursor))


@router.callback_query(WeekCb.filter())
@router.callback_query(MonthCb.filter())
@router.callback_query(DayCb.filter())
@router.callback_query(MonthsCb.filter())
@list_when_move_gone
async def browse(
    query: CallbackQuery,
    callback_data: WeekCb | MonthCb | DayCb | MonthsCb,
    deps: Deps,
    identity: Identity,
) -> None:
    """The screen a button shows: a week, a month grid or a day (paging, filters applied).

    MonthsCb is the old month list's button on messages sent before the grid.
    """
    cb = callback_data
    await views.show(query, *await screen_at(deps, identity, cb.shows, cb.cursor))


@router.callback_query(FilterCb.filter())
@list_when_move_gone
async def pick_filter(
    query: CallbackQuery, callback_data: FilterCb, deps: Deps, identity: Identity
) -> None:
    """The values of one filter to pick from; each returns to the week or day it came from."""
    cb = callback_data
    found = await calendar.week(deps, identity, cb.cursor)
    await views.show(query, *cviews.filter_picker(found.view, cb.day, cb.back, cb.kind))


@router.callback_query(InertCb.filter())
async def inert(
    query: CallbackQuery,
    callback_data: InertCb,
    deps: Deps,
    callback_answer: CallbackAnswer,
    identity: Identity,
) -> None:
    """A cell with nothing to open: its screen again, as it is now, and why."""
    cb = callback_data
    screen = await screen_at(deps, identity, cb.screen, cb.cursor)
    callback_answer.text = cviews.inert_note(cb.toast)
    await views.show(query, *screen)


@router.callback_query(SlotCb.filter())
@router.callback_query(ConfirmCb.filter())
@list_when_move_gone
async def slot(
    query: CallbackQuery, callback_data: SlotCb | ConfirmCb, deps: Deps, identity: Identity
) -> None:
    """A slot pressed: its confirmation card; Confirm on it: book (or move) now. A slot that
    cannot be had says why, above its day as it is now."""
    cb = callback_data
    step = calendar.confirm if isinstance(cb, ConfirmCb) else calendar.offer
    outcome = await step(deps, identity, cb.cursor, cb.slot_id)
    full = isinstance(outcome, Refreshed) and outcome.refusal.reason == SlotUnavailable.FULL
    if isinstance(outcome, Refreshed) and full and not cb.cursor.moving:
        # A full slot offers its waitlist (a seat taken under Confirm is still "just taken").
        note = None if isinstance(cb, ConfirmCb) else waitlist_views.full_note()
        text, keyboard = outcome_screen(outcome, note)
        keyboard = waitlist_views.with_join(keyboard, outcome.day.view.student_id, cb.slot_id)
    else:
        text, keyboard = outcome_screen(outcome)
    await views.show(query, text, keyboard)
