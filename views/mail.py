"""Email texts: the chat's notice texts, told from the student's side, with a footer.

The chat's texts are HTML-safe already (names escaped): the HTML part shows them as they are,
line breaks made <br>, and the plain part unescapes them. Notices that the chat sends to the
teacher (booked, cancelled or moved by the student) are said to the student here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from aiogram.utils.i18n import gettext as _

from bot.domain.mail import OutgoingMail
from bot.domain.model import Account
from bot.domain.notices import (
    BookingNew,
    BookingRescheduled,
    Cancellation,
    CancelledByStudent,
    LessonNotice,
    MovedByTeacher,
    NewLink,
    Notice,
    StudentReminder,
)
from bot.domain.outgoing import Outgoing
from views.formatting import day_time, when_for
from views.i18n import CatalogI18n
from views.notifications import render


@dataclass(frozen=True)
class MailText:
    """What a mail says: subject, plain text, HTML body, and the calendar entry's title."""

    subject: str
    plain: str
    html: str
    event_title: str


def _subject(notice: Notice, teacher: str) -> str:
    match notice:
        case NewLink():
            return _("Your booking link for lessons with {teacher}").format(teacher=teacher)
        case Cancellation():
            return _("Lesson with {teacher} cancelled").format(teacher=teacher)
        case BookingRescheduled() | MovedByTeacher():
            return _("Lesson with {teacher} moved").format(teacher=teacher)
        case StudentReminder():
            return _("Reminder: lesson with {teacher}").format(teacher=teacher)
    return _("Lesson with {teacher} booked").format(teacher=teacher)


def _student_side(notice: LessonNotice, zone: str) -> str | None:
    """The text of a notice the chat gives the teacher, said to the student; else None."""
    lesson = notice.lesson
    when = when_for(lesson.starts_at, lesson.ends_at, zone, lesson.teacher_tz)
    if lesson.subject:
        when += f", {html.escape(lesson.subject)}"
    teacher = html.escape(lesson.teacher_name)
    match notice:
        case BookingNew():
            return _("✅ Your lesson with {teacher} is booked: {lesson}.").format(
                teacher=teacher, lesson=when
            )
        case BookingRescheduled(old_starts_at=old):
            return _("🔁 Your lesson with {teacher} moved from {old} to {lesson}.").format(
                teacher=teacher, old=day_time(old, zone), lesson=when
            )
        case CancelledByStudent():
            return _("❌ Your lesson with {teacher} on {lesson} is cancelled.").format(
                teacher=teacher, lesson=when
            )
    return None


def _body(mail: OutgoingMail, now: datetime, i18n: CatalogI18n) -> str:
    """The main text (HTML-safe), in the mail's language."""
    notice = mail.notice
    if isinstance(notice, NewLink):
        return "\n\n".join(
            [
                _(
                    "{teacher} invites you to book lessons with LessonLink, a Telegram bot: "
                    "see their free times, book, cancel or move a lesson, and get reminders."
                ).format(teacher=html.escape(notice.teacher_name)),
                _("Open your personal booking link in Telegram: {link}").format(
                    link=html.escape(mail.link or "")
                ),
                _(
                    "On a computer, scan the QR code with your phone's camera instead. "
                    "The link is yours alone: please do not pass it on."
                ),
            ]
        )
    if isinstance(notice, LessonNotice) and (text := _student_side(notice, mail.zone)):
        return text
    viewer = Account(0, "", language=mail.language, timezone=mail.zone)
    text, _buttons = render(i18n, Outgoing(mail.id, 0, notice), viewer, now)
    return text


def mail_text(i18n: CatalogI18n, mail: OutgoingMail, now: datetime, unsubscribe: str) -> MailText:
    """Subject, plain and HTML parts of a mail, in the student's language and zone."""
    with i18n.context(), i18n.use_locale(i18n.pick(mail.language)):
        notice = mail.notice
        teacher = (
            notice.lesson.teacher_name
            if isinstance(notice, LessonNotice)
            else getattr(notice, "teacher_name", "")
        )
        body = _body(mail, now, i18n)
        footer = _("You get this email because your teacher gave LessonLink your address.")
        stop = _("Unsubscribe from these emails")
        title = _("Lesson with {student}")
        subject = _subject(notice, teacher)
    plain = f"{html.unescape(body)}\n\n-- \n{footer}\n{stop}: {unsubscribe}\n"
    link = html.escape(mail.link or "")
    html_body = body.replace("\n", "<br>\n")
    if link:
        html_body = html_body.replace(link, f'<a href="{link}">{link}</a>', 1)
        html_body += '<br>\n<img src="cid:qr" alt="QR" width="240" height="240">'
    page = (
        '<!DOCTYPE html><html><body style="font-family:sans-serif">'
        f'<p>{html_body}</p><hr><p style="color:#666;font-size:small">{html.escape(footer)}'
        f' <a href="{html.escape(unsubscribe)}">{html.escape(stop)}</a></p></body></html>'
    )
    return MailText(subject, plain, page, title)
