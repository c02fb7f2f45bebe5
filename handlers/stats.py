"""/stats for a teacher: figures for a period, the weekday × hour heatmap, bookings per week."""

from __future__ import annotations

import asyncio
import html
from datetime import date, timedelta

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date, format_timedelta, get_day_names

from bot.domain.zones import zone_label
from bot.services import stats
from bot.services.analytics import PeriodKey
from bot.services.context import Deps
from handlers.keyboards import button, markup
from handlers.navigation import nav_row
from handlers.navigation import show as show_in_place
from handlers.student_stats import refusal_name, send_student_figures
from views.formatting import current_locale, day_label
from views.teacher_callbacks import StatsCb, StatsView

router = Router(name="stats")

CAPTION_LIMIT = 1024


def period_name(key: PeriodKey) -> str:
    """'this week', 'this month', 'the last 90 days'."""
    names = {
        PeriodKey.WEEK: _("this week"),
        PeriodKey.MONTH: _("this month"),
        PeriodKey.DAYS_90: _("the last 90 days"),
    }
    return names[key]


def day_names() -> list[str]:
    """Abbreviated weekday names, Monday first, in the viewer's language."""
    names = get_day_names("abbreviated", locale=current_locale())
    return [str(names[i]) for i in range(7)]


def lead_text(lead: timedelta | None) -> str:
    """'2 days', '5 hours', or a dash."""
    if lead is None:
        return "—"
    return str(format_timedelta(lead, threshold=2, locale=current_locale()))


def _ranked(items: list[tuple[str, int]]) -> str:
    return ", ".join(f"{html.escape(name)} ({n})" for name, n in items) or "—"


def figures_text(f: stats.TeacherFigures) -> str:
    """The period's figures as one message."""
    c, days = f.counts, day_names()
    rate = f"{c.cancellation_rate:.0%}" if c.cancellation_rate is not None else "—"
    zone = zone_label(f.timezone)
    booked = _("Lessons booked: {made} · taken: {taken} · coming: {coming} · no-shows: {no_shows}")
    cancelled = _(
        "Cancelled: {n} ({rate}) · by students: {student} (late: {late}) · by you: {teacher}"
    )
    funnel = _("Links: created {created} → opened {opened} → first booking {booked}")
    hours = _ranked([(f"{h:02d}:00", n) for h, n in f.busiest_hours])
    subjects = _ranked([(s or _("no subject"), n) for s, n in f.subjects])
    refusals = _ranked([(refusal_name(r), n) for r, n in f.refusals.items()])
    students = _("Students: {active} active, {inactive} inactive")
    lines = [
        _("<b>Your numbers: {period}</b>").format(period=period_name(f.period.key)),
        f"{day_label(f.period.first_day)} – {day_label(f.period.last_day)} ({zone})",
        booked.format(made=c.made, taken=c.taken, coming=c.upcoming, no_shows=c.no_shows),
        cancelled.format(
            n=c.cancelled,
            rate=rate,
            student=c.cancelled_by_student,
            late=c.late,
            teacher=c.cancelled_by_teacher,
        ),
        _("Rescheduled: {n}").format(n=c.reschedules),
        _("Busiest days: {days}").format(days=_ranked([(days[d], n) for d, n in f.busiest_days])),
        _("Busiest hours: {hours}").format(hours=hours),
        _("Popular subjects: {subjects}").format(subjects=subjects),
        _("Booked ahead (median): {lead}").format(lead=lead_text(f.median_lead)),
        funnel.format(created=f.funnel.created, opened=f.funnel.opened, booked=f.funnel.booked),
        _("Refused link openings: {list}").format(list=refusals),
        students.format(active=f.active_students, inactive=f.inactive_students),
    ]
    return "\n".join(lines)


def period_keyboard(key: PeriodKey) -> InlineKeyboardMarkup:
    """Period choice (the shown one marked •) and the two pictures of it."""
    names = {
        PeriodKey.WEEK: _("This week"),
        PeriodKey.MONTH: _("This month"),
        PeriodKey.DAYS_90: _("90 days"),
    }
    periods = [
        button(("• " if other == key else "") + name, StatsCb(period=other, view=StatsView.TEXT))
        for other, name in names.items()
    ]
    pictures = [
        button(_("🗓 Heatmap"), StatsCb(period=key, view=StatsView.HEATMAP)),
        button(_("📊 Per week"), StatsCb(period=key, view=StatsView.PER_WEEK)),
    ]
    return markup([periods, pictures, nav_row()])


def heatmap_caption(f: stats.TeacherFigures) -> str:
    """The heatmap's numbers in words: per weekday, then the busiest cells."""
    days = day_names()
    title = _("Bookings by weekday and hour, {period}").format(period=period_name(f.period.key))
    totals = " · ".join(f"{days[d]} {sum(row)}" for d, row in enumerate(f.heat))
    cells = [(n, d, h) for d, row in enumerate(f.heat) for h, n in enumerate(row) if n]
    cells.sort(key=lambda x: (-x[0], x[1], x[2]))
    busy = ", ".join(f"{days[d]} {h:02d}:00 ({n})" for n, d, h in cells)
    return f"{title}\n{totals}\n{busy}"[:CAPTION_LIMIT]


def weeks_caption(f: stats.TeacherFigures) -> str:
    """Bookings per week in words."""
    title = _("Bookings per week, {period}").format(period=period_name(f.period.key))
    weeks = " · ".join(f"{_week_label(monday)}: {n}" for monday, n in f.weeks)
    return f"{title}\n{weeks}"[:CAPTION_LIMIT]


def _week_label(monday: date) -> str:
    return str(format_date(monday, "d MMM", locale=current_locale()))


async def send_picture(message: Message, f: stats.TeacherFigures, view: StatsView) -> None:
    """Draw off the event loop (matplotlib is CPU work) and send as a photo with its caption."""
    # Imported on first use: matplotlib costs a worker ~1 s and tens of MB it rarely needs.
    from handlers import charts

    if view == StatsView.HEATMAP:
        png = await asyncio.to_thread(
            charts.heatmap_png, f.heat, day_names(), _("Bookings by weekday and hour")
        )
        caption, name = heatmap_caption(f), "heatmap.png"
    else:
        labels = [_week_label(monday) for monday, _n in f.weeks]
        png = await asyncio.to_thread(
            charts.weeks_png, labels, [n for _m, n in f.weeks], _("Bookings per week")
        )
        caption, name = weeks_caption(f), "weeks.png"
    await message.answer_photo(BufferedInputFile(png, name), caption=caption, parse_mode=None)


@router.message(Command("stats"))
async def show(message: Message, command: CommandObject, deps: Deps) -> None:
    """This week's figures, or one student's with /stats <name>."""
    assert message.from_user is not None
    if command.args:
        figures = await stats.student_stats(deps, message.from_user.id, command.args)
        await send_student_figures(message, figures)
        return
    f = await stats.teacher_stats(deps, message.from_user.id)
    await message.answer(figures_text(f), reply_markup=period_keyboard(f.period.key))


@router.callback_query(StatsCb.filter())
async def choose(query: CallbackQuery, callback_data: StatsCb, deps: Deps) -> None:
    """Another period (in the same message), or a picture of the chosen one (a new message)."""
    f = await stats.teacher_stats(deps, query.from_user.id, callback_data.period)
    assert query.message is not None and isinstance(query.message, Message)
    if callback_data.view != StatsView.TEXT:
        await send_picture(query.message, f, callback_data.view)
    else:
        await show_in_place(query, figures_text(f), period_keyboard(f.period.key))
