"""How a lesson's place reads in a chat: a meeting link to tap, or an address as typed."""

from __future__ import annotations

import html

from aiogram.utils.i18n import gettext as _

from bot.domain.places import is_link


def place_html(place: str) -> str:
    """The place as Telegram HTML: a link shows as itself and opens; an address is escaped."""
    shown = html.escape(place)
    if is_link(place):
        return f'<a href="{html.escape(place, quote=True)}">{shown}</a>'
    return shown


def place_line(place: str | None) -> str:
    """'📍 Place: …' on a line of its own (with its newline), or nothing without a place."""
    if not place:
        return ""
    return "\n📍 " + _("Place: {place}").format(place=place_html(place))
