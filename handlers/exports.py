"""/export: choose a period, receive CSV files (bookings, audit events) or an .ics calendar."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import gettext as _

from bot.domain.zones import zone_label
from bot.services import exports
from bot.services.context import Deps
from handlers.navigation import nav_row
from handlers.stats import period_name
from views.callbacks import ExportCb

router = Router(name="exports")


def keyboard() -> InlineKeyboardMarkup:
    """A CSV pair per period, and the calendar of coming lessons."""

    def btn(text: str, k: str, p: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=text, callback_data=ExportCb(k=k, p=p).pack())

    return InlineKeyboardMarkup(inline_keyboard=[
        [btn(_("Bookings: this week"), "b", "week"), btn(_("Audit: this week"), "a", "week")],
        [btn(_("Bookings: this month"), "b", "month"), btn(_("Audit: this month"), "a", "month")],
        [btn(_("Bookings: 90 days"), "b", "90d"), btn(_("Audit: 90 days"), "a", "90d")],
        [btn(_("📅 Calendar of coming lessons (.ics)"), "i", "week")],
        nav_row(),
    ])  # fmt: skip


def booking_headers() -> list[str]:
    """Column headers of the bookings CSV, translated."""
    return [
        _("id"), _("date"), _("start"), _("end"), _("start (UTC)"), _("end (UTC)"), _("student"),
        _("subject"), _("status"), _("cancelled by"), _("late"), _("attended"), _("created (UTC)"),
    ]  # fmt: skip


def audit_headers() -> list[str]:
    """Column headers of the audit CSV, translated."""
    return [_("time (UTC)"), _("local time"), _("event"), _("outcome"), _("actor"),
            _("student"), _("detail")]  # fmt: skip


@router.message(Command("export"))
async def choose(message: Message) -> None:
    """Offer the exports (only the teacher's own data is ever in them)."""
    await message.answer(_("What would you like to export?"), reply_markup=keyboard())


@router.callback_query(ExportCb.filter())
async def send(query: CallbackQuery, callback_data: ExportCb, deps: Deps) -> None:
    """Build the chosen file for the pressing teacher and send it as a document."""
    assert isinstance(query.message, Message)
    if callback_data.k == "i":
        zone, lessons = await exports.coming_lessons(deps, query.from_user.id)
        data = exports.calendar_bytes(lessons, zone, _("Lesson: {student} {subject}"),
                                      deps.clock.now())  # fmt: skip
        name = "lessons.ics"
        caption = _("Your coming lessons ({zone}).").format(zone=zone_label(zone))
    else:
        found = await exports.export(deps, query.from_user.id, callback_data.p)
        period = f"{found.period.first_day}_{found.period.last_day}"
        if callback_data.k == "a":
            data = exports.audit_csv(found.events, found.timezone, audit_headers())
            name = f"audit_{period}.csv"
        else:
            data = exports.bookings_csv(found.bookings, found.timezone, booking_headers())
            name = f"bookings_{period}.csv"
        caption = _("Export for {period}, times in {zone}.").format(
            period=period_name(found.period.key), zone=zone_label(found.timezone))  # fmt: skip
    await query.message.answer_document(BufferedInputFile(data, name), caption=caption)
