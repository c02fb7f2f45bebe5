"""My bookings: one row per lesson, each lesson's own card (cancel, move, calendar file)."""

from __future__ import annotations

import html
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F, Router
from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.domain.errors import BookingNotActive, CancellationWindowPassed
from bot.domain.model import Actor
from bot.services import student_bookings
from bot.services import student_calendar as calendar
from bot.services.accounts import Identity
from bot.services.booking import Lesson
from bot.services.context import Deps
from bot.services.student_bookings import Bookings, OwnLesson
from bot.services.student_calendar_model import Cursor
from handlers import student_calendar_views as calendar_views
from handlers import student_views as views
from handlers.refusal_texts import describe
from views import formatting as fmt
from views.callbacks import HomeAction, LessonAction, MyLessonCb
from views.lesson_notes import note_lines
from views.places import place_line
from views.series_callbacks import SeriesRestCb

router = Router(name="student_bookings")


def lesson_button(lesson: Lesson, zone: str) -> views.Button:
    """'Wed, 25 Nov 11:00 · Math · Ms Smith', opening the lesson's own card."""
    local = fmt.local(lesson.starts_at, zone)
    parts = [f"{fmt.day_label(local.date())} {fmt.clock_time(lesson.starts_at, zone)}"]
    parts += [lesson.subject] if lesson.subject else []
    parts.append(lesson.teacher_name)
    return views.button(
        " · ".join(parts), MyLessonCb(action=LessonAction.CARD, booking_id=lesson.booking_id)
    )


def bookings_screen(found: Bookings) -> tuple[str, views.Keyboard]:
    """Every teacher's coming lessons, a button each; the last few past ones as text."""
    lines = [_("📋 <b>Your lessons</b>")]
    # A guardian's lessons are another person's: each group names whose they are.
    several = len(found.groups) > 1 or any(group.followed for group in found.groups)
    coming = views.lesson_groups(found.groups, several)
    if coming:
        lines.append(_("Press a lesson to cancel it, move it or add it to your calendar."))
        lines += coming
    else:
        lines.append(_("No upcoming lessons."))
    rows = [
        [lesson_button(lesson, group.zone)] for group in found.groups for lesson in group.upcoming
    ]
    past = [(lesson, group.zone) for group in found.groups for lesson in group.past]
    if past:
        lines.append("\n" + _("<b>Past lessons</b>"))
        past.sort(key=lambda shown: shown[0].starts_at)
        lines += ["• " + views.lesson_line(lesson, zone) for lesson, zone in past]
    rows.append(
        [
            views.home_button(_("📝 Book a lesson"), HomeAction.BOOK, found.student_id),
            *views.home_row(found.student_id),
        ]
    )
    return "\n".join(lines), views.Keyboard(inline_keyboard=rows)


def after_cancel(student_id: int) -> views.Keyboard:
    """What a student does after cancelling (one lesson or a series): book again or the list."""
    row = [
        views.home_button(_("📝 Book another time"), HomeAction.BOOK, student_id),
        views.home_button(_("📋 My bookings"), HomeAction.MINE, student_id),
    ]
    return views.Keyboard(inline_keyboard=[row])


async def week_at(deps: Deps, who: Identity, cursor: Cursor) -> tuple[str, views.Keyboard]:
    """The calendar's week at a cursor, as it is now: where booking and moving both start."""
    return calendar_views.week_screen(await calendar.week(deps, who, cursor))


def lesson_card(own: OwnLesson) -> tuple[str, views.Keyboard]:
    """One lesson with its actions: cancel, move, add to calendar, back to the list."""
    lesson, bid = own.lesson, own.lesson.booking_id
    deadline = fmt.local(lesson.change_deadline, own.zone)
    until = f"{fmt.day_label(deadline.date())}, {fmt.clock_time(lesson.change_deadline, own.zone)}"
    lines = [
        _("<b>Your lesson</b>"),
        "🕒 " + views.lesson_line(lesson, own.zone),
        "👤 " + _("Teacher: {name}").format(name=html.escape(lesson.teacher_name)),
        *([place_line(lesson.place).lstrip("\n")] if lesson.place else []),
        *(["🔁 " + _("One of your weekly lessons.")] if lesson.series_id is not None else []),
        *note_lines(lesson.teacher_note, lesson.student_note, Actor.STUDENT),
        "ℹ️ "
        + (
            _("You can cancel or move it until {when}.").format(when=until)
            if own.change.allowed
            else _("It is too late to cancel or move it; your teacher can still cancel it.")
        ),
    ]
    rows = [
        [
            views.button(
                _("❌ Cancel"), MyLessonCb(action=LessonAction.ASK_CANCEL, booking_id=bid)
            ),
            views.button(_("🔁 Move"), MyLessonCb(action=LessonAction.MOVE, booking_id=bid)),
        ],
        [
            views.button(
                _("📅 Add to calendar"),
                MyLessonCb(action=LessonAction.CALENDAR_FILE, booking_id=bid),
            )
        ],
        [views.home_button(_("◀ Back"), HomeAction.MINE, lesson.student_id)],
    ]
    return "\n".join(lines), views.Keyboard(inline_keyboard=rows)


# A press handler: (query, callback data, deps), and the update's identity if it names one.
Press = Callable[..., Awaitable[None]]
Gone = BookingNotActive | CancellationWindowPassed


def list_when_gone(press: Press, gone: tuple[type[Gone], ...] = (BookingNotActive,)) -> Press:
    """A press about a lesson since cancelled or over (an old message): the alert saying so,
    and My bookings as it is now in place of a dead end."""
    # aiogram injects by parameter name, so the wrapper names identity and hands it on.
    wants_identity = "identity" in inspect.signature(press).parameters

    async def handler(
        query: CallbackQuery,
        callback_data: Any,
        deps: Deps,
        callback_answer: CallbackAnswer,
        identity: Identity,
    ) -> None:
        try:
            if wants_identity:
                await press(query, callback_data, deps, identity)
            else:
                await press(query, callback_data, deps)
        except gone as refusal:
            callback_answer.text, callback_answer.show_alert = describe(refusal), True
            found = await student_bookings.my_bookings(deps, query.from_user.id)
            await views.show(query, *bookings_screen(found))

    handler.__doc__ = press.__doc__
    return handler


def list_when_move_gone(press: Press) -> Press:
    """A calendar press while moving a lesson that was since cancelled, began or can no longer
    be changed: every button of that calendar would refuse, so show My bookings instead."""
    return list_when_gone(press, (BookingNotActive, CancellationWindowPassed))


@router.callback_query(MyLessonCb.filter(F.action == LessonAction.CARD))
@list_when_gone
async def card(query: CallbackQuery, callback_data: MyLessonCb, deps: Deps) -> None:
    """A lesson's own card, edited in place of the list."""
    own = await student_bookings.lesson_card(deps, query.from_user.id, callback_data.booking_id)
    await views.show(query, *lesson_card(own))


@router.callback_query(MyLessonCb.filter(F.action == LessonAction.ASK_CANCEL))
@list_when_gone
async def ask_cancel(query: CallbackQuery, callback_data: MyLessonCb, deps: Deps) -> None:
    """Cancel? Asked once, so a slip of the finger loses nothing."""
    own = await student_bookings.may_change(deps, query.from_user.id, callback_data.booking_id)
    text = _("Cancel your lesson on {when}?").format(when=views.lesson_line(own.lesson, own.zone))
    rows = [
        [
            views.button(
                _("Yes, cancel it"),
                MyLessonCb(action=LessonAction.CANCEL, booking_id=callback_data.booking_id),
            ),
            views.button(
                _("No, keep it"),
                MyLessonCb(action=LessonAction.CARD, booking_id=callback_data.booking_id),
            ),
        ]
    ]
    if own.lesson.series_id is not None:  # one press cancels the rest of a weekly series
        rest = SeriesRestCb(booking_id=callback_data.booking_id)
        rows.insert(1, [views.button(_("Cancel this and all later lessons"), rest)])
    await views.show(query, text, views.Keyboard(inline_keyboard=rows))


@router.callback_query(MyLessonCb.filter(F.action == LessonAction.CANCEL))
@list_when_gone
async def cancel(query: CallbackQuery, callback_data: MyLessonCb, deps: Deps) -> None:
    """Cancel now: the seat is free at once and the teacher is told."""
    lesson, zone = await student_bookings.cancel(deps, query.from_user.id, callback_data.booking_id)
    text = _("Cancelled: {when}. Your teacher has been told.").format(
        when=views.lesson_line(lesson, zone)
    )
    await views.show(query, text, after_cancel(lesson.student_id))


@router.callback_query(MyLessonCb.filter(F.action == LessonAction.MOVE))
@list_when_gone
async def reschedule(
    query: CallbackQuery, callback_data: MyLessonCb, deps: Deps, identity: Identity
) -> None:
    """Move: the same calendar, with this lesson to be moved."""
    cursor = Cursor(moving=callback_data.booking_id)
    await views.show(query, *await week_at(deps, identity, cursor))


@router.callback_query(MyLessonCb.filter(F.action == LessonAction.CALENDAR_FILE))
@list_when_gone
async def calendar_file(query: CallbackQuery, callback_data: MyLessonCb, deps: Deps) -> None:
    """Add to calendar: an .ics file with a stable UID for this booking."""
    name, data = await student_bookings.calendar_file(
        deps, query.from_user.id, callback_data.booking_id, _("Lesson with {teacher}")
    )
    await query.bot.send_document(  # type: ignore[union-attr]
        query.from_user.id, BufferedInputFile(data, filename=name), caption=_("📅 Add to calendar")
    )
