"""/export: choose a period, receive CSV files (bookings, audit events) or an .ics calendar."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.zones import zone_label
from bot.services import audit_csv, exports
from bot.services.analytics import Period, PeriodKey
from bot.services.context import Deps
from handlers.calendar_feeds import subscribe_button
from handlers.keyboards import Row, button, markup
from handlers.navigation import nav_row
from handlers.stats import period_name
from views.teacher_callbacks import ExportCb, ExportKind

router = Router(name="exports")


def choices_keyboard() -> InlineKeyboardMarkup:
    """A CSV pair per period, and the calendar of coming lessons."""

    def pair(bookings: str, audit: str, period: PeriodKey) -> Row:
        return [
            button(bookings, ExportCb(kind=ExportKind.BOOKINGS, period=period)),
            button(audit, ExportCb(kind=ExportKind.AUDIT, period=period)),
        ]

    # The calendar holds every coming lesson: its button carries a period it does not use.
    whole = ExportCb(kind=ExportKind.CALENDAR, period=PeriodKey.WEEK)
    calendar = button(_("📅 Calendar of coming lessons (.ics)"), whole)
    return markup(
        [
            pair(_("Bookings: this week"), _("Audit: this week"), PeriodKey.WEEK),
            pair(_("Bookings: this month"), _("Audit: this month"), PeriodKey.MONTH),
            pair(_("Bookings: 90 days"), _("Audit: 90 days"), PeriodKey.DAYS_90),
            [calendar],
            subscribe_button(),
            nav_row(),
        ]
    )


def booking_headers() -> list[str]:
    """Column headers of the bookings CSV, translated."""
    return [
        _("id"),
        _("date"),
        _("start"),
        _("end"),
        _("start (UTC)"),
        _("end (UTC)"),
        _("student"),
        _("subject"),
        _("status"),
        _("cancelled by"),
        _("late"),
        _("attended"),
        _("created (UTC)"),
        _("teacher's note"),
        _("student's note"),
    ]


def audit_headers() -> list[str]:
    """Column headers of the audit CSV, translated."""
    return [
        _("time (UTC)"),
        _("local time"),
        _("event"),
        _("outcome"),
        _("actor"),
        _("student"),
        _("detail"),
    ]


@router.message(Command("export"))
async def choose(message: Message) -> None:
    """Offer the exports (only the teacher's own data is ever in them)."""
    await message.answer(_("What would you like to export?"), reply_markup=choices_keyboard())


@router.callback_query(ExportCb.filter())
async def send(query: CallbackQuery, callback_data: ExportCb, deps: Deps) -> None:
    """Build the chosen file for the pressing teacher and send it as a document."""
    assert isinstance(query.message, Message)
    if callback_data.kind == ExportKind.CALENDAR:
        zone, lessons = await exports.coming_lessons(deps, query.from_user.id)
        title = _("Lesson: {student} {subject}")
        data = exports.calendar_bytes(lessons, zone, title, deps.clock.now())
        name = "lessons.ics"
        caption = _("Your coming lessons ({zone}).").format(zone=zone_label(zone))
    elif callback_data.kind == ExportKind.AUDIT:
        audit = await audit_csv.audit_file(
            deps, query.from_user.id, callback_data.period, audit_headers()
        )
        data, name = audit.data, f"audit_{_days(audit.period)}.csv"
        caption = _caption(audit.period, audit.timezone)
    else:
        found = await exports.export(deps, query.from_user.id, callback_data.period)
        data = exports.bookings_csv(found.bookings, found.timezone, booking_headers())
        name = f"bookings_{_days(found.period)}.csv"
        caption = _caption(found.period, found.timezone)
    await query.message.answer_document(BufferedInputFile(data, name), caption=caption)


def _days(period: Period) -> str:
    """The period in a file's name: first and last day."""
    return f"{period.first_day}_{period.last_day}"


def _caption(period: Period, zone: str) -> str:
    """What a CSV's message says: its period and the zone of its times."""
    return _("Export for {period}, times in {zone}.").format(
        period=period_name(period.key), zone=zone_label(zone)
    )
