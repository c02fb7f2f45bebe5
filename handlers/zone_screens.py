"""Time zone screens: the zones a typed text may mean as buttons, and a zone with its time now."""

from __future__ import annotations

import html
from datetime import datetime

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.errors import UnknownTimezone
from bot.domain.zones import offset_label, zone_now
from handlers.keyboards import Row, button, markup
from views.callbacks import ZoneFlow, ZonePickCb
from views.formatting import shorten


def zone_with_time(zone: str, now: datetime) -> str:
    """'Europe/Moscow (now 14:05, UTC+3)': the local time makes a wrong pick visible."""
    view = zone_now(zone, now)
    return _("{zone} (now {time}, {offset})").format(
        zone=view.label, time=view.local.strftime("%H:%M"), offset=view.offset
    )


def zone_line(zone: str, now: datetime) -> str:
    """The confirmation line of a chosen zone."""
    return _("🌍 Time zone: {zone}").format(zone=zone_with_time(zone, now))


def suggestions_screen(
    error: UnknownTimezone, flow: ZoneFlow, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """What a typed zone may mean, one button per zone, each line with its local time now."""
    name = html.escape(shorten(error.name))
    if error.offset is not None:
        offset = offset_label(error.offset)
        head = _(
            "“{name}” is {offset}. Pick the fixed offset or a place that is at {offset} now:"
        ).format(name=name, offset=offset)
    elif error.ambiguous:
        head = _("“{name}” can mean several time zones. Which one is yours?").format(name=name)
    else:
        head = _("I don't know the time zone {name}. Did you mean one of these?").format(name=name)
    lines = [head, ""]
    rows: list[Row] = []
    for zone in error.suggestions:
        view = zone_now(zone, now)
        lines.append(
            _("{zone}: now {time}").format(zone=view.label, time=view.local.strftime("%H:%M"))
        )
        rows.append([button(view.label, ZonePickCb(flow=flow, zone=zone))])
    lines += ["", _("Or type another city or zone name.")]
    return "\n".join(lines), markup(rows)
