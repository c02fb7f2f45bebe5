"""What a guardian is told of a followed student's lessons, in their own language and zone."""

from __future__ import annotations

import html
from datetime import datetime

from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.guardian_notices import (
    GuardianBoundElsewhere,
    GuardianEvent,
    GuardianNotice,
    GuardianReminder,
)
from bot.domain.model import Actor
from bot.domain.notices import Lesson
from bot.domain.reminders import time_left
from views.callbacks import HomeAction, StudentHomeCb
from views.formatting import day_time, when_for


def _when(lesson: Lesson, zone: str) -> str:
    text = when_for(lesson.starts_at, lesson.ends_at, zone, lesson.teacher_tz)
    return f"{text}, {html.escape(lesson.subject)}" if lesson.subject else text


def reminder_text(notice: GuardianReminder, zone: str, now: datetime) -> str:
    """⏰ Anna's lesson with Ms Smith is in 1 hour: …"""
    lesson = notice.lesson
    left = time_left(lesson.starts_at, now)
    if left.unit == "hours":
        lead = ngettext("in {n} hour", "in {n} hours", left.count).format(n=left.count)
    else:
        lead = ngettext("in {n} minute", "in {n} minutes", left.count).format(n=left.count)
    return _("⏰ Reminder: {student}'s lesson with {teacher} is {lead}: {lesson}.").format(
        student=html.escape(lesson.student_name),
        teacher=html.escape(lesson.teacher_name),
        lead=lead,
        lesson=_when(lesson, zone),
    )


def notice_text(notice: GuardianNotice, zone: str) -> str:
    """👪 What happened to a followed student's lesson, by whom, and why if the teacher said."""
    lesson = notice.lesson
    names = {
        "student": html.escape(lesson.student_name),
        "teacher": html.escape(lesson.teacher_name),
        "lesson": _when(lesson, zone),
    }
    by_teacher = notice.by == Actor.TEACHER
    match notice.event:
        case GuardianEvent.BOOKED if by_teacher:
            text = _("👪 {teacher} booked a lesson for {student}: {lesson}.")
        case GuardianEvent.BOOKED:
            text = _("👪 A lesson of {student} with {teacher} was booked: {lesson}.")
        case GuardianEvent.CANCELLED if by_teacher:
            text = _("👪 {teacher} cancelled the lesson of {student} on {lesson}.")
        case GuardianEvent.CANCELLED:
            text = _("👪 The lesson of {student} with {teacher} on {lesson} was cancelled.")
        case GuardianEvent.MOVED if by_teacher:
            text = _("👪 {teacher} moved the lesson of {student} from {old} to {lesson}.")
        case _:
            text = _("👪 The lesson of {student} with {teacher} was moved from {old} to {lesson}.")
    old = day_time(notice.old_starts_at, zone) if notice.old_starts_at else ""
    text = text.format(old=old, **names)
    if notice.reason:
        text += "\n" + _("Reason: {reason}").format(reason=html.escape(notice.reason))
    return text


def bound_elsewhere_text(notice: GuardianBoundElsewhere, who: str) -> str:
    """To the teacher: a second account tried a connected guardian link (`who`: the student)."""
    return _(
        "⚠️ Someone tried to open a guardian link of {who} from another Telegram "
        "account; access was refused. Remove that guardian from the student's card "
        "and make a new guardian link if needed."
    ).format(who=who)


def bookings_row(student_id: int) -> list[InlineKeyboardButton]:
    """The button to the student's lessons under a guardian's notice."""
    mine = StudentHomeCb(action=HomeAction.MINE, student_id=student_id).pack()
    return [InlineKeyboardButton(text=_("📋 My bookings"), callback_data=mine)]
