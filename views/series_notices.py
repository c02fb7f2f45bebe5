"""The texts of weekly-series notices, in the recipient's language and zone."""

from __future__ import annotations

import html
from datetime import datetime

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.colours import colour_mark
from bot.domain.model import Actor
from bot.domain.series_notices import SeriesBooked, SeriesCancelled, SeriesNotice, SeriesSkipped
from views.formatting import day_label, day_time, local


def _days(moments: tuple[datetime, ...], zone: str) -> str:
    """'Tue, 15 Dec, Tue, 22 Dec' in the recipient's zone."""
    return "; ".join(day_label(local(m, zone).date()) for m in moments)


def series_text(notice: SeriesNotice, zone: str) -> str:
    """The text of a notice about a weekly series."""
    who = f"{colour_mark(notice.series.colour)} {html.escape(notice.series.student_name)}"
    teacher = html.escape(notice.series.teacher_name)
    match notice:
        case SeriesBooked(by=by, booked=booked):
            if by == Actor.STUDENT:  # to the teacher
                head = ngettext(
                    "🔁 {who} booked a weekly lesson: {n} lesson.",
                    "🔁 {who} booked a weekly lesson: {n} lessons.",
                    len(booked),
                )
            else:
                head = ngettext(
                    "🔁 {teacher} booked a weekly lesson for you: {n} lesson.",
                    "🔁 {teacher} booked a weekly lesson for you: {n} lessons.",
                    len(booked),
                )
            lines = [head.format(who=who, teacher=teacher, n=len(booked))]
        case SeriesSkipped(skipped=skipped):
            return _(
                "⚠️ Weekly lesson of {who} with {teacher}: not available, so not booked: {days}."
            ).format(who=who, teacher=teacher, days=_days(skipped, zone))
        case SeriesCancelled(by=Actor.STUDENT, cancelled=cancelled):
            return ngettext(
                "❌ {who} cancelled their weekly lesson from {day} on ({n} lesson).",
                "❌ {who} cancelled their weekly lesson from {day} on ({n} lessons).",
                len(cancelled),
            ).format(
                who=who, day=day_time(cancelled[0], zone) if cancelled else "", n=len(cancelled)
            )
        case SeriesCancelled(cancelled=cancelled, reason=reason):
            text = ngettext(
                "❌ {teacher} cancelled your weekly lesson from {day} on ({n} lesson).",
                "❌ {teacher} cancelled your weekly lesson from {day} on ({n} lessons).",
                len(cancelled),
            ).format(
                teacher=teacher,
                day=day_time(cancelled[0], zone) if cancelled else "",
                n=len(cancelled),
            )
            if reason:
                text += "\n" + _("Reason: {reason}").format(reason=html.escape(reason))
            return text
        case _:
            raise ValueError(f"no text for {notice.kind}")
    lines += ["• " + day_time(m, zone) for m in notice.booked]
    if notice.skipped:
        lines.append(
            _("Not available, so not booked: {days}.").format(days=_days(notice.skipped, zone))
        )
    if notice.ongoing:
        lines.append(_("Each new week is booked as it comes within the calendar."))
    return "\n".join(lines)
