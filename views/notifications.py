"""Notification texts, rendered at send time in the recipient's language and time zone.

Each notice arrives typed (bot/domain/notices.py); what depends on the moment of sending (the
agenda's lessons, whether the student may still change the lesson) arrives decided in
`Outgoing`, so a view never re-derives a booking rule.
"""

from __future__ import annotations

import html
from datetime import datetime

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.colours import colour_mark
from bot.domain.guardian_notices import GuardianBoundElsewhere, GuardianNotice, GuardianReminder
from bot.domain.model import Account
from bot.domain.notices import (
    BookedByTeacher,
    BookingNew,
    BookingRescheduled,
    BusyCalendarFailing,
    BusyClash,
    CancelledByStudent,
    CancelledByTeacher,
    DailyAgenda,
    Lesson,
    LessonNotice,
    LinkBoundElsewhere,
    LinkExpiring,
    MailFailed,
    MovedByTeacher,
    NewLink,
    Notice,
    PlaceChanged,
    RecipientUnreachable,
    StudentReminder,
    TeacherReminder,
    WaitlistOffer,
)
from bot.domain.outgoing import AgendaLesson, Outgoing
from bot.domain.reminders import time_left
from bot.domain.series_notices import SeriesNotice
from views import guardian_notices
from views.callbacks import HomeAction, LessonAction, MyLessonCb, StudentHomeCb
from views.formatting import clock_time, day_time, local, long_day, when, when_for
from views.i18n import CatalogI18n
from views.lesson_notes import notice_notes
from views.places import place_changed_text, place_line
from views.series_notices import series_text
from views.teacher_callbacks import LinkAction, LinkCb
from views.waitlist_notices import offer_buttons, offer_text


def _who(colour: int, name: str) -> str:
    return f"{colour_mark(colour)} {html.escape(name)}"


def _when(lesson: Lesson, zone: str) -> str:
    text = when_for(lesson.starts_at, lesson.ends_at, zone, lesson.teacher_tz)
    return f"{text}, {html.escape(lesson.subject)}" if lesson.subject else text


def _left(lesson: Lesson, now: datetime) -> str:
    """The time really left before the lesson when the reminder goes out, not its lead."""
    left = time_left(lesson.starts_at, now)
    if left.unit == "hours":
        return ngettext("in {n} hour", "in {n} hours", left.count).format(n=left.count)
    return ngettext("in {n} minute", "in {n} minutes", left.count).format(n=left.count)


def _about_lesson(notice: LessonNotice, zone: str, now: datetime) -> str:
    """The text of a notice about one lesson."""
    lesson = notice.lesson
    who, when = _who(lesson.colour, lesson.student_name), _when(lesson, zone)
    teacher = html.escape(lesson.teacher_name)
    match notice:
        case GuardianNotice():
            return guardian_notices.notice_text(notice, zone)
        case GuardianReminder():
            return guardian_notices.reminder_text(notice, zone, now)
        case BookingNew():
            return _("📅 New booking: {who}, {lesson}.").format(who=who, lesson=when)
        case CancelledByStudent():
            return _("❌ {who} cancelled the lesson on {lesson}.").format(who=who, lesson=when)
        case BookingRescheduled(old_starts_at=old):
            # `old` in the format `lesson` uses: one date format per sentence
            return _("🔁 {who} moved the lesson from {old} to {lesson}.").format(
                who=who, old=day_time(old, zone), lesson=when
            )
        case CancelledByTeacher(reason=reason):
            text = _("❌ {teacher} cancelled your lesson on {lesson}.").format(
                teacher=teacher, lesson=when
            )
            if reason:
                text += "\n" + _("Reason: {reason}").format(reason=html.escape(reason))
            return text + "\n" + _("Send /book to pick another time.")
        case BookedByTeacher(reason=reason):
            text = _("📅 {teacher} booked a lesson for you: {lesson}.").format(
                teacher=teacher, lesson=when
            )
            return text + _reason(reason)
        case MovedByTeacher(old_starts_at=old, reason=reason):
            text = _("🔁 {teacher} moved your lesson from {old} to {lesson}.").format(
                teacher=teacher, old=day_time(old, zone), lesson=when
            )
            return text + _reason(reason)
        case StudentReminder():
            return _("⏰ Reminder: your lesson with {teacher} is {lead}: {lesson}.").format(
                teacher=teacher, lead=_left(lesson, now), lesson=when
            )
        case TeacherReminder():
            return _("⏰ Reminder: lesson with {who} {lead}: {lesson}.").format(
                who=who, lead=_left(lesson, now), lesson=when
            )
    raise ValueError(f"no text for {notice.kind}")


def _reason(reason: str) -> str:
    """The teacher's reason or note on a line of its own, or nothing."""
    return "\n" + _("Reason: {reason}").format(reason=html.escape(reason)) if reason else ""


def _agenda(notice: DailyAgenda, lessons: tuple[AgendaLesson, ...], zone: str) -> str:
    day = long_day(local(notice.day_start, zone).date())
    if not lessons:
        return _("🗓 {day}: no lessons today.").format(day=day)
    lines = [
        ngettext("🗓 {day}: {n} lesson", "🗓 {day}: {n} lessons", len(lessons)).format(
            day=day, n=len(lessons)
        )
    ]
    for item in lessons:
        times = f"{clock_time(item.starts_at, zone)}–{clock_time(item.ends_at, zone)}"
        subject = f", {html.escape(item.subject)}" if item.subject else ""
        lines.append(f"{times} {_who(item.colour, item.student_name)}{subject}")
    return "\n".join(lines)


def _text(outgoing: Outgoing, zone: str, now: datetime) -> str:
    """The text of any notice."""
    match notice := outgoing.notice:
        case PlaceChanged():
            return place_changed_text(notice, _when(notice.lesson, zone), outgoing.place)
        case LessonNotice():
            lesson_text = _about_lesson(notice, zone, now) + place_line(outgoing.place)
            return lesson_text + notice_notes(outgoing)
        case DailyAgenda():
            return _agenda(notice, outgoing.lessons, zone)
        case SeriesNotice():
            return series_text(notice, zone)
        case NewLink():
            return _("🔗 {teacher} sent you a new booking link: {link}").format(
                teacher=html.escape(notice.teacher_name), link=html.escape(outgoing.link or "")
            )
        case LinkExpiring():
            day = long_day(local(notice.expires_at, zone).date())
            return _(
                "⏳ The link of {who} expires on {day} and they still have lessons booked. "
                "Send them a new link from /students."
            ).format(who=_who(notice.colour, notice.student_name), day=day)
        case BusyClash() | BusyCalendarFailing():
            return _busy_calendar(notice, zone)
        case MailFailed():
            return _(
                "📧 Email to {who} at {address} could not be delivered: {error}. "
                "Check the address on their card in /students."
            ).format(
                who=_who(notice.colour, notice.student_name),
                address=html.escape(notice.address),
                error=html.escape(notice.error),
            )
        case WaitlistOffer():
            return offer_text(notice, zone)
        case GuardianBoundElsewhere():
            return guardian_notices.bound_elsewhere_text(
                notice, _who(notice.colour, notice.student_name)
            )
        case LinkBoundElsewhere() | RecipientUnreachable():
            text = (
                _(
                    "⚠️ Someone tried to open the link of {who} from another Telegram account; "
                    "access was refused. If your student changed accounts, regenerate their link "
                    "from /students."
                )
                if isinstance(notice, LinkBoundElsewhere)
                else _(
                    "⚠️ {who} has blocked the bot, so they will not get reminders or notices. "
                    "Please contact them directly."
                )
            )
            return text.format(who=_who(notice.colour, notice.student_name))
    raise ValueError(f"no text for {notice.kind}")


def _busy_calendar(notice: BusyClash | BusyCalendarFailing, zone: str) -> str:
    """What the teacher hears about their own calendar: a kept clash, or a feed failing."""
    if isinstance(notice, BusyClash):
        return _(
            "📆 Your lesson with {who} on {when} falls in busy time of your own calendar. "
            "It stays booked: change or cancel it yourself if you need to."
        ).format(
            who=_who(notice.colour, notice.student_name),
            when=when(notice.starts_at, notice.ends_at, zone),
        )
    since = day_time(notice.last_ok_at, zone) if notice.last_ok_at else _("never read successfully")
    return _(
        "⚠️ Your calendar's address failed {n} times in a row. Its last good copy still blocks "
        "your hours (last read: {since}). Check the address, or send /busycalendar to see it."
    ).format(n=notice.failures, since=since)


def _buttons(outgoing: Outgoing) -> InlineKeyboardMarkup | None:
    """The actions a notice offers: manage the lesson, book again, fix a link."""
    rows: list[list[InlineKeyboardButton]] = []
    if isinstance(outgoing.notice, WaitlistOffer):
        return offer_buttons(outgoing.notice)
    match outgoing.notice:
        case StudentReminder(lesson=lesson):
            mine = StudentHomeCb(action=HomeAction.MINE, student_id=lesson.student_id).pack()
            row = [InlineKeyboardButton(text=_("📋 My bookings"), callback_data=mine)]
            if outgoing.may_change:
                cancel = MyLessonCb(
                    action=LessonAction.ASK_CANCEL, booking_id=lesson.booking_id
                ).pack()
                row.append(InlineKeyboardButton(text=_("❌ Cancel"), callback_data=cancel))
            rows.append(row)
        case (
            BookedByTeacher(lesson=lesson)
            | MovedByTeacher(lesson=lesson)
            | PlaceChanged(lesson=lesson)
        ):
            mine = StudentHomeCb(action=HomeAction.MINE, student_id=lesson.student_id).pack()
            rows.append([InlineKeyboardButton(text=_("📋 My bookings"), callback_data=mine)])
        case GuardianNotice(lesson=lesson) | GuardianReminder(lesson=lesson):
            rows.append(guardian_notices.bookings_row(lesson.student_id))
        case CancelledByTeacher(lesson=lesson):
            book = StudentHomeCb(action=HomeAction.BOOK, student_id=lesson.student_id).pack()
            rows.append([InlineKeyboardButton(text=_("📅 Book another time"), callback_data=book)])
        case LinkBoundElsewhere(student_id=int(student_id)):
            regen = LinkCb(action=LinkAction.REGENERATE, student_id=student_id).pack()
            rows.append([InlineKeyboardButton(text=_("🔄 Regenerate link"), callback_data=regen)])
        case NewLink() if outgoing.link:
            rows.append([InlineKeyboardButton(text=_("📅 Open booking"), url=outgoing.link)])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def _teacher_zone(notice: Notice) -> str:
    """The zone a notice's times are shown in when its recipient has set none."""
    match notice:
        case LessonNotice(lesson=lesson):
            return lesson.teacher_tz
        case SeriesNotice(series=series):
            return series.teacher_tz
        case (
            DailyAgenda()
            | LinkExpiring()
            | RecipientUnreachable()
            | BusyClash()
            | BusyCalendarFailing()
            | MailFailed()
            | WaitlistOffer()
        ):
            return notice.teacher_tz
    return "UTC"


def render(
    i18n: CatalogI18n, outgoing: Outgoing, recipient: Account | None, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text (and buttons) of a notification for its recipient."""
    locale = i18n.pick(recipient.language if recipient else None)
    zone = (recipient.timezone if recipient else None) or _teacher_zone(outgoing.notice)
    with i18n.context(), i18n.use_locale(locale):
        return _text(outgoing, zone, now), _buttons(outgoing)
