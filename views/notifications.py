"""Notification texts, rendered at send time in the recipient's language and time zone."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.colours import colour_mark
from bot.domain.model import Account, OutboxMessage
from bot.domain.reminders import time_left
from bot.services import notify
from views.callbacks import HomeAction, LessonAction, LinkCb, MyLessonCb, StudentHomeCb
from views.formatting import clock_time, day_time, local, long_day, when_for
from views.i18n import CatalogI18n

Payload = dict[str, object]


def _dt(payload: Payload, key: str) -> datetime:
    return datetime.fromisoformat(str(payload[key]))


def _who(payload: Payload) -> str:
    return f"{colour_mark(int(str(payload['colour'])))} {html.escape(str(payload['student_name']))}"


def _lesson(payload: Payload, zone: str) -> str:
    text = when_for(
        _dt(payload, "starts_at"), _dt(payload, "ends_at"), zone, str(payload["teacher_tz"])
    )
    subject = str(payload.get("subject") or "")
    return f"{text}, {html.escape(subject)}" if subject else text


def _left(p: Payload, now: datetime) -> str:
    """The time really left before the lesson when the reminder goes out, not its lead."""
    left = time_left(_dt(p, "starts_at"), now)
    if left.unit == "hours":
        return ngettext("in {n} hour", "in {n} hours", left.count).format(n=left.count)
    return ngettext("in {n} minute", "in {n} minutes", left.count).format(n=left.count)


def _booking_new(p: Payload, zone: str, now: datetime) -> str:
    return _("📅 New booking: {who}, {lesson}.").format(who=_who(p), lesson=_lesson(p, zone))


def _booking_cancelled(p: Payload, zone: str, now: datetime) -> str:
    return _("❌ {who} cancelled the lesson on {lesson}.").format(
        who=_who(p), lesson=_lesson(p, zone)
    )


def _booking_rescheduled(p: Payload, zone: str, now: datetime) -> str:
    old = _dt(p, "old_starts_at")
    return _("🔁 {who} moved the lesson from {old} to {lesson}.").format(
        who=_who(p),
        old=day_time(old, zone),  # the format `lesson` uses: one date format per sentence
        lesson=_lesson(p, zone),
    )


def _cancelled_by_teacher(p: Payload, zone: str, now: datetime) -> str:
    text = _("❌ {teacher} cancelled your lesson on {lesson}.").format(
        teacher=html.escape(str(p["teacher_name"])), lesson=_lesson(p, zone)
    )
    reason = str(p.get("reason") or "")
    if reason:
        text += "\n" + _("Reason: {reason}").format(reason=html.escape(reason))
    return text + "\n" + _("Send /book to pick another time.")


def _reminder(p: Payload, zone: str, now: datetime) -> str:
    return _("⏰ Reminder: your lesson with {teacher} is {lead}: {lesson}.").format(
        teacher=html.escape(str(p["teacher_name"])),
        lead=_left(p, now),
        lesson=_lesson(p, zone),
    )


def _reminder_teacher(p: Payload, zone: str, now: datetime) -> str:
    return _("⏰ Reminder: lesson with {who} {lead}: {lesson}.").format(
        who=_who(p), lead=_left(p, now), lesson=_lesson(p, zone)
    )


def _link_bound_elsewhere(p: Payload, zone: str, now: datetime) -> str:
    return _(
        "⚠️ Someone tried to open the link of {who} from another Telegram account; access was "
        "refused. If your student changed accounts, regenerate their link from /students."
    ).format(who=_who(p))


def _new_link(p: Payload, zone: str, now: datetime) -> str:
    return _("🔗 {teacher} sent you a new booking link: {link}").format(
        teacher=html.escape(str(p["teacher_name"])), link=html.escape(str(p.get("link") or ""))
    )


def _link_expiring(p: Payload, zone: str, now: datetime) -> str:
    day = long_day(local(_dt(p, "expires_at"), zone).date())
    return _(
        "⏳ The link of {who} expires on {day} and they still have lessons booked. "
        "Send them a new link from /students."
    ).format(who=_who(p), day=day)


def _unreachable(p: Payload, zone: str, now: datetime) -> str:
    return _(
        "⚠️ {who} has blocked the bot, so they will not get reminders or notices. "
        "Please contact them directly."
    ).format(who=_who(p))


def _agenda(p: Payload, zone: str, now: datetime) -> str:
    lessons = p.get("lessons") or []
    assert isinstance(lessons, list)
    day = long_day(local(_dt(p, "day_start"), zone).date())
    if not lessons:
        return _("🗓 {day}: no lessons today.").format(day=day)
    lines = [
        ngettext("🗓 {day}: {n} lesson", "🗓 {day}: {n} lessons", len(lessons)).format(
            day=day, n=len(lessons)
        )
    ]
    for item in lessons:
        start = clock_time(datetime.fromisoformat(item["starts_at"]), zone)
        end = clock_time(datetime.fromisoformat(item["ends_at"]), zone)
        subject = html.escape(item.get("subject") or "")
        lines.append(f"{start}–{end} {_who(item)}" + (f", {subject}" if subject else ""))
    return "\n".join(lines)


RENDERERS: dict[str, Callable[[Payload, str, datetime], str]] = {
    notify.BOOKING_NEW: _booking_new,
    notify.BOOKING_CANCELLED: _booking_cancelled,
    notify.BOOKING_RESCHEDULED: _booking_rescheduled,
    notify.LESSON_CANCELLED_BY_TEACHER: _cancelled_by_teacher,
    notify.REMINDER: _reminder,
    notify.REMINDER_TEACHER: _reminder_teacher,
    notify.LINK_BOUND_ELSEWHERE: _link_bound_elsewhere,
    notify.LINK_EXPIRING: _link_expiring,
    notify.RECIPIENT_UNREACHABLE: _unreachable,
    notify.DAILY_AGENDA: _agenda,
    notify.NEW_LINK: _new_link,
}


def _buttons(message: OutboxMessage, now: datetime) -> InlineKeyboardMarkup | None:
    """The actions a notice offers: manage the lesson, book again, fix a link."""
    p = message.payload
    rows: list[list[InlineKeyboardButton]] = []
    if message.kind == notify.REMINDER:
        sid = int(str(p["student_id"]))
        mine = StudentHomeCb(action=HomeAction.MINE, student_id=sid).pack()
        row = [_btn(_("📋 My bookings"), mine)]
        deadline = p.get("change_deadline")
        if deadline is not None and now <= datetime.fromisoformat(str(deadline)):
            booking_id = int(str(p["booking_id"]))
            cancel = MyLessonCb(action=LessonAction.ASK_CANCEL, booking_id=booking_id).pack()
            row.append(_btn(_("❌ Cancel"), cancel))
        rows.append(row)
    elif message.kind == notify.LESSON_CANCELLED_BY_TEACHER:
        sid = int(str(p["student_id"]))
        book = StudentHomeCb(action=HomeAction.BOOK, student_id=sid).pack()
        rows.append([_btn(_("📅 Book another time"), book)])
    elif message.kind == notify.LINK_BOUND_ELSEWHERE and "student_id" in p:
        regen = LinkCb(action="regen", id=int(str(p["student_id"]))).pack()
        rows.append([_btn(_("🔄 Regenerate link"), regen)])
    elif message.kind == notify.NEW_LINK and p.get("link"):
        rows.append([InlineKeyboardButton(text=_("📅 Open booking"), url=str(p["link"]))])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def _btn(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def render(
    i18n: CatalogI18n, message: OutboxMessage, recipient: Account | None, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text (and buttons) of a notification for its recipient."""
    locale = i18n.pick(recipient.language if recipient else None)
    zone = (recipient.timezone if recipient else None) or str(
        message.payload.get("teacher_tz") or "UTC"
    )
    with i18n.context(), i18n.use_locale(locale):
        return RENDERERS[message.kind](message.payload, zone, now), _buttons(message, now)
