"""How a lesson's place reads in a chat: a meeting link to tap, or an address as typed."""

from __future__ import annotations

import html

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.notices import PlaceChanged
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


def place_changed_text(notice: PlaceChanged, when: str, place: str | None) -> str:
    """To the student: where their lesson (or their coming lessons) now takes place."""
    teacher = html.escape(notice.lesson.teacher_name)
    if notice.lessons > 1:
        text = ngettext(
            "📍 {teacher} changed where your coming lessons take place ({n} lesson, the "
            "first on {lesson}).",
            "📍 {teacher} changed where your coming lessons take place ({n} lessons, the "
            "first on {lesson}).",
            notice.lessons,
        ).format(teacher=teacher, n=notice.lessons, lesson=when)
    else:
        text = _("📍 {teacher} changed where your lesson on {lesson} takes place.").format(
            teacher=teacher, lesson=when
        )
    if not place:
        return text + "\n" + _("No place is set for it now.")
    return text + place_line(place)
