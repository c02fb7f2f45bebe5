"""What /addslots, /block and /unblock answer, and time off as people say it."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.slot_plan import MAX_OPEN_SLOTS
from bot.domain.time_off import TimeOff, time_off_label
from bot.domain.zones import zone_label
from bot.services.availability import AddedWindow
from views.formatting import current_locale


def span_text(starts_at: datetime, ends_at: datetime, zone: str, now: datetime) -> str:
    """'Wed 2 Dec, all day', '24 Dec – 2 Jan', 'Wed 2 Dec, 09:00–12:00' in the viewer's language."""
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    return time_off_label(
        starts_at, ends_at, tz, today, current_locale(), whole_day=_("{day}, all day")
    )


def time_off_line(item: TimeOff, zone: str, now: datetime) -> str:
    """One time off for a list: the span and, if given, the reason."""
    text = span_text(item.starts_at, item.ends_at, zone, now)
    return f"{text} · {html.escape(item.reason)}" if item.reason else text


def added_text(added: AddedWindow, window: str) -> str:
    """How many slots /addslots opened, and what is left if a batch failed or the limit hit."""
    n = added.slots
    if not added.resumed:
        lines = [_("✅ Added {window}.").format(window=window)]
        opened = ngettext(
            "{n} slot is open for booking ({zone}).", "{n} slots are open for booking ({zone}).", n
        )
    else:
        lines = [_("These hours are already there: {window}.").format(window=window)]
        opened = ngettext(
            "{n} missing slot is now open ({zone}).", "{n} missing slots are now open ({zone}).", n
        )
        if not n:
            opened = _("All their slots were already open.")
    lines.append(opened.format(n=n, zone=zone_label(added.timezone)))
    if added.unfinished:
        lines.append(
            ngettext(
                "{n} more slot could not be opened just now: send the same command again to "
                "open it (nothing is doubled).",
                "{n} more slots could not be opened just now: send the same command again to "
                "open them (nothing is doubled).",
                added.unfinished,
            ).format(n=added.unfinished)
        )
    if added.capped:
        lines.append(
            ngettext(
                "{n} more slot was not opened: you may have at most {limit} open slots.",
                "{n} more slots were not opened: you may have at most {limit} open slots.",
                added.capped,
            ).format(n=added.capped, limit=MAX_OPEN_SLOTS)
        )
    return "\n".join(lines)
