"""My bookings: the list, cancel with a confirmation step, reschedule, Add to calendar."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.services import calendar, student_bookings
from bot.services.context import Deps
from bot.services.student_bookings import Bookings
from handlers import formatting as fmt
from handlers import student_views as views
from handlers.callbacks import MyLessonCb, StudentHomeCb

router = Router(name="student_bookings")


def bookings_screen(found: Bookings) -> tuple[str, views.Keyboard]:
    """Upcoming lessons with ❌ cancel, 🔁 reschedule, 📅 calendar file; the last few past ones."""
    lines = [_("📋 <b>Your lessons</b>")]
    rows = []
    if found.upcoming:
        lines.append(_("❌ cancel · 🔁 reschedule · 📅 add to your calendar"))
    else:
        lines.append(_("No upcoming lessons."))
    for lesson in found.upcoming:
        lines.append("• " + views.lesson_line(lesson, found.zone))
        local = fmt.local(lesson.starts_at, found.zone)
        short = f"{fmt.day_label(local.date())} {fmt.clock_time(lesson.starts_at, found.zone)}"
        bid = lesson.booking_id
        rows.append(
            [
                views.button(f"❌ {short}", MyLessonCb(action="x", id=bid)),
                views.button(f"🔁 {short}", MyLessonCb(action="m", id=bid)),
                views.button(f"📅 {short}", MyLessonCb(action="i", id=bid)),
            ]
        )
    if found.past:
        lines.append("\n" + _("<b>Past lessons</b>"))
        lines += ["• " + views.lesson_line(lesson, found.zone) for lesson in found.past]
    rows.append(
        [
            views.button(_("📅 Book a lesson"), StudentHomeCb(action="book", id=found.student_id)),
            *views.home_row(found.student_id),
        ]
    )
    return "\n".join(lines), views.Keyboard(inline_keyboard=rows)


@router.callback_query(MyLessonCb.filter(F.action == "x"))
async def ask_cancel(query: CallbackQuery, callback_data: MyLessonCb, deps: Deps) -> None:
    """Cancel? Asked once, so a slip of the finger loses nothing."""
    own = await student_bookings.may_change(deps, query.from_user.id, callback_data.id)
    text = _("Cancel your lesson on {when}?").format(when=views.lesson_line(own.lesson, own.zone))
    rows = [
        [
            views.button(_("Yes, cancel it"), MyLessonCb(action="y", id=callback_data.id)),
            views.button(_("No, keep it"), StudentHomeCb(action="mine", id=own.lesson.student_id)),
        ]
    ]
    await views.show(query, text, views.Keyboard(inline_keyboard=rows))


@router.callback_query(MyLessonCb.filter(F.action == "y"))
async def cancel(query: CallbackQuery, callback_data: MyLessonCb, deps: Deps) -> None:
    """Cancel now: the seat is free at once and the teacher is told."""
    own = await student_bookings.cancel(deps, query.from_user.id, callback_data.id)
    text = _("Cancelled: {when}. Your teacher has been told.").format(
        when=views.lesson_line(own.lesson, own.zone)
    )
    sid = own.lesson.student_id
    rows = [
        [
            views.button(_("📅 Book another time"), StudentHomeCb(action="book", id=sid)),
            views.button(_("📋 My bookings"), StudentHomeCb(action="mine", id=sid)),
        ]
    ]
    await views.show(query, text, views.Keyboard(inline_keyboard=rows))


@router.callback_query(MyLessonCb.filter(F.action == "m"))
async def reschedule(query: CallbackQuery, callback_data: MyLessonCb, deps: Deps) -> None:
    """Reschedule: the same calendar, with this lesson to be moved."""
    found = await calendar.week(
        deps, query.from_user.id, 0, 0, calendar.Filters(), callback_data.id
    )
    await views.show(query, *views.week_screen(found))


@router.callback_query(MyLessonCb.filter(F.action == "i"))
async def calendar_file(query: CallbackQuery, callback_data: MyLessonCb, deps: Deps) -> None:
    """Add to calendar: an .ics file with a stable UID for this booking."""
    name, data = await student_bookings.calendar_file(
        deps, query.from_user.id, callback_data.id, _("Lesson with {teacher}")
    )
    await query.bot.send_document(  # type: ignore[union-attr]
        query.from_user.id, BufferedInputFile(data, filename=name), caption=_("📅 Add to calendar")
    )
