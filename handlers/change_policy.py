"""What a student is told about changing a lesson booked inside the cancellation window."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services.booking import Lesson
from views import formatting as fmt


def inside_window_note(window: str, undo_minutes: int) -> str:
    """The confirmation card's warning: the lesson is inside the window already.

    `window` is the window as words ("24 hours"); `undo_minutes` the grace a booking made now
    would get (0: none, so the student could not change it at all).
    """
    if undo_minutes <= 0:
        text = _(
            "Note: this lesson starts in less than {window}, so after booking you will not "
            "be able to cancel or move it yourself."
        )
    else:
        text = ngettext(
            "Note: this lesson starts in less than {window}, so after booking you can change "
            "or cancel it only in the next {n} minute.",
            "Note: this lesson starts in less than {window}, so after booking you can change "
            "or cancel it only in the next {n} minutes.",
            undo_minutes,
        )
    return "⚠️ " + text.format(window=window, n=undo_minutes)


def undo_line(lesson: Lesson, zone: str) -> str:
    """After booking: until when the grace period lets the student undo it, or '' if it does not."""
    if lesson.undo_until is None:
        return ""
    until = fmt.clock_time(lesson.undo_until, zone)
    return _("You can undo this booking until {time}.").format(time=until)
