"""Weekly series for a student: choose the weeks on the card, book them, cancel the rest."""

from __future__ import annotations

import html
from datetime import datetime

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.domain.series import ONGOING
from bot.domain.zones import zone_label
from bot.services import series, series_cancel
from bot.services.context import Deps
from bot.services.series_cancel import Ended
from bot.services.series_model import SeriesOffer, Started
from bot.services.student_calendar_model import Cursor
from handlers import student_views as views
from handlers.student_bookings import after_cancel, list_when_gone
from views import formatting as fmt
from views.calendar_callbacks import SlotCb, cursor_fields
from views.callbacks import HomeAction
from views.series_callbacks import SeriesBookCb, SeriesRestCb, SeriesUntilCb, SeriesWeeksCb

router = Router(name="series")


def weeks_label(weeks: int) -> str:
    """'8 weeks', or 'Ongoing' for a series with no end."""
    if weeks == ONGOING:
        return _("Ongoing")
    return ngettext("{n} week", "{n} weeks", weeks).format(n=weeks)


def lesson_day(starts_at: datetime, zone: str) -> str:
    """'Tue, 15 Dec 17:00' in the viewer's zone: each week's true local time."""
    return f"{fmt.day_label(fmt.local(starts_at, zone).date())} {fmt.clock_time(starts_at, zone)}"


def weeks_screen(offer: SeriesOffer, cursor: Cursor) -> tuple[str, views.Keyboard]:
    """How many weeks: the usual lengths within the teacher's maximum, or ongoing."""
    local = fmt.local(offer.starts_at, offer.zone)
    weekday = format_date(local.date(), "EEEE", locale=fmt.current_locale())
    lines = [
        _("🔁 <b>Every week at this time?</b>"),
        _("Every {weekday} at {time} ({zone}), from {day}.").format(
            weekday=weekday,
            time=fmt.clock_time(offer.starts_at, offer.zone),
            zone=zone_label(offer.zone),
            day=fmt.long_day(local.date()),
        ),
    ]
    if offer.zone != offer.teacher_zone:
        lines.append(
            _("The lesson keeps your teacher's time ({time}, {zone}) all year.").format(
                time=fmt.clock_time(offer.starts_at, offer.teacher_zone),
                zone=zone_label(offer.teacher_zone),
            )
        )
    lines.append(
        _(
            "Each lesson is booked on its own: you can cancel or move any one of them. Weeks "
            "beyond your teacher's calendar are booked as they come within it."
        )
    )
    fields = cursor_fields(cursor)
    choices = [
        views.button(weeks_label(w), SeriesBookCb(**fields, slot_id=offer.slot_id, weeks=w))
        for w in offer.choices
    ]
    rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    if offer.last_dates:
        until = SeriesUntilCb(**fields, slot_id=offer.slot_id)
        rows.append([views.button(_("📅 Until a date…"), until)])
    rows.append([views.button(_("◀ Back"), SlotCb(**fields, slot_id=offer.slot_id))])
    return "\n".join(lines), views.Keyboard(inline_keyboard=rows)


def until_screen(offer: SeriesOffer, cursor: Cursor) -> tuple[str, views.Keyboard]:
    """The dates the series may end on: its own weeks, within the teacher's maximum."""
    fields = cursor_fields(cursor)
    dates = [
        views.button(
            fmt.day_label(fmt.local(moment, offer.zone).date()),
            SeriesBookCb(**fields, slot_id=offer.slot_id, weeks=weeks),
        )
        for weeks, moment in enumerate(offer.last_dates, start=2)
    ]
    rows = [dates[i : i + 3] for i in range(0, len(dates), 3)]
    rows.append([views.button(_("◀ Back"), SeriesWeeksCb(**fields, slot_id=offer.slot_id))])
    return _("📅 <b>Until which lesson?</b> Pick the last one."), views.Keyboard(
        inline_keyboard=rows
    )


def booked_lines(started: Started) -> list[str]:
    """Each booked lesson's local day and time, then the weeks skipped as not available."""
    lines = ["• " + lesson_day(o.starts_at, started.zone) for o in started.booked]
    if started.skipped:
        days = ", ".join(
            fmt.day_label(fmt.local(o.starts_at, started.zone).date()) for o in started.skipped
        )
        lines.append("⚠️ " + _("Not available, so not booked: {days}.").format(days=days))
    return lines


def started_screen(started: Started) -> tuple[str, views.Keyboard]:
    """'8 lessons booked; 15 Dec is not available', and each lesson's local time."""
    booked = len(started.booked)
    lines = [
        ngettext(
            "✅ <b>{n} weekly lesson booked</b> with {teacher}:",
            "✅ <b>{n} weekly lessons booked</b> with {teacher}:",
            booked,
        ).format(n=booked, teacher=html.escape(started.teacher_name))
    ]
    lines += booked_lines(started)
    if started.ongoing:
        lines.append(_("Each new week is booked as it comes within your teacher's calendar."))
    elif started.later:
        lines.append(
            ngettext(
                "{n} more week is booked when it comes within your teacher's calendar.",
                "{n} more weeks are booked as they come within your teacher's calendar.",
                started.later,
            ).format(n=started.later)
        )
    lines.append(_("Your teacher has been told. You will get a reminder before each lesson."))
    sid = started.student_id
    rows = [[views.home_button(_("📋 My bookings"), HomeAction.MINE, sid), *views.home_row(sid)]]
    return "\n".join(lines), views.Keyboard(inline_keyboard=rows)


def ended_screen(ended: Ended) -> tuple[str, views.Keyboard]:
    """The lessons a series' cancellation took away."""
    n = len(ended.cancelled)
    lines = [
        ngettext(
            "Cancelled {n} lesson of your weekly series. Your teacher has been told.",
            "Cancelled {n} lessons of your weekly series. Your teacher has been told.",
            n,
        ).format(n=n)
    ]
    lines += ["• " + lesson_day(s, ended.zone) for s in ended.cancelled]
    return "\n".join(lines), after_cancel(ended.student_id)


@router.callback_query(SeriesWeeksCb.filter())
async def choose_weeks(query: CallbackQuery, callback_data: SeriesWeeksCb, deps: Deps) -> None:
    """'Every week at this time' pressed: how many weeks."""
    cb = callback_data
    offer = await series.offer(deps, query.from_user.id, cb.student_id, cb.slot_id)
    await views.show(query, *weeks_screen(offer, cb.cursor))


@router.callback_query(SeriesUntilCb.filter())
async def choose_until(query: CallbackQuery, callback_data: SeriesUntilCb, deps: Deps) -> None:
    """'Until a date…' pressed: the weekly dates to end on."""
    cb = callback_data
    offer = await series.offer(deps, query.from_user.id, cb.student_id, cb.slot_id)
    await views.show(query, *until_screen(offer, cb.cursor))


@router.callback_query(SeriesBookCb.filter())
async def book(query: CallbackQuery, callback_data: SeriesBookCb, deps: Deps) -> None:
    """Book the series: every week within the horizon, the unavailable ones named."""
    cb = callback_data
    started = await series.start(deps, query.from_user.id, cb.student_id, cb.slot_id, cb.weeks)
    await views.show(query, *started_screen(started))


@router.callback_query(SeriesRestCb.filter())
@list_when_gone
async def cancel_rest(query: CallbackQuery, callback_data: SeriesRestCb, deps: Deps) -> None:
    """This lesson and all later ones of its series, cancelled in one go."""
    ended = await series_cancel.cancel_rest_by_student(
        deps, query.from_user.id, callback_data.booking_id
    )
    await views.show(query, *ended_screen(ended))
