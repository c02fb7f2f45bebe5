"""How the student's screens look: texts and keyboards for home, week, day and card."""

from __future__ import annotations

import html
from datetime import date

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.domain.model import Actor
from bot.domain.zones import zone_label
from bot.services.booking import Lesson
from bot.services.student_calendar import Offer
from bot.services.student_home import Home, TeacherLessons
from handlers import change_policy
from handlers.keyboards import Button as Button  # the student screens' one way too
from handlers.keyboards import button as button
from handlers.mini_app import MiniApp, calendar_button
from handlers.navigation import show as show  # screens edit in place, one way
from views import formatting as fmt
from views.calendar_callbacks import ConfirmCb, DayCb, cursor_fields
from views.callbacks import FeedAction, FeedCb, HomeAction, StudentHomeCb
from views.lesson_notes import note_lines
from views.note_callbacks import NoteCb, NotedConfirmCb, note_key
from views.places import place_line
from views.series_callbacks import SeriesWeeksCb

Keyboard = InlineKeyboardMarkup


def duration(minutes: int) -> str:
    """'24 hours' or '90 minutes'."""
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


def lesson_line(lesson: Lesson, zone: str) -> str:
    """'Tue, 1 Dec, 09:00–10:00 (Asia/Tokyo) · Math' with the teacher's time if it differs."""
    text = fmt.when_for(lesson.starts_at, lesson.ends_at, zone, lesson.teacher_tz)
    return text + (f" · {html.escape(lesson.subject)}" if lesson.subject else "")


def lesson_groups(groups: list[TeacherLessons], several: bool) -> list[str]:
    """Each teacher's coming lessons under the teacher's name (a heading only if several)."""
    lines = []
    for group in groups:
        if not group.upcoming:
            continue
        if several:
            lines.append("\n👤 <b>" + html.escape(group.teacher_name) + "</b>")
        lines += ["• " + lesson_line(lesson, group.zone) for lesson in group.upcoming]
    return lines


def home_card(home: Home, mini_app: MiniApp) -> tuple[str, Keyboard]:
    """The student's home: every teacher's next lessons, the zone and the main buttons."""
    teacher = html.escape(home.teacher_name)
    several = len(home.choices) > 1
    if several:
        lines = [
            _("🏠 <b>Your lessons</b>"),
            _("📝 Booking with <b>{teacher}</b> (🔄 Switch teacher for another).").format(
                teacher=teacher
            ),
        ]
    else:
        lines = [_("🏠 <b>Your lessons with {teacher}</b>").format(teacher=teacher)]
    if home.own_zone:
        lines.append(
            _("Times are shown in your time zone, {zone}.").format(zone=zone_label(home.zone))
        )
    else:
        lines.append(
            _("Times are shown in your teacher's time zone, {zone}.").format(
                zone=zone_label(home.zone)
            )
        )
    shown = lesson_groups(home.groups, several)
    if shown:
        lines += ["\n" + _("<b>Next lessons</b>"), *shown]
    else:
        lines.append("\n" + _("No lessons booked yet."))
    sid = home.student_id
    rows = [
        [
            home_button(_("📝 Book a lesson"), HomeAction.BOOK, sid),
            home_button(_("📋 My bookings"), HomeAction.MINE, sid),
        ],
        [
            home_button(_("🌍 Time zone"), HomeAction.ZONE, sid),
            home_button(_("❓ Help"), HomeAction.HELP, sid),
        ],
        [
            button(
                _("📆 Subscribe in your calendar"), FeedCb(action=FeedAction.SHOW, student_id=sid)
            )
        ],
    ]
    if several:
        rows.append([home_button(_("🔄 Switch teacher"), HomeAction.TEACHERS, sid)])
    if mini_app.enabled:
        rows.append([calendar_button(mini_app.portal_url(home.teacher_id if several else None))])
    return "\n".join(lines), Keyboard(inline_keyboard=rows)


def home_button(text: str, action: HomeAction, student_id: int) -> Button:
    """A button doing one of the home card's actions for a student record."""
    return button(text, StudentHomeCb(action=action, student_id=student_id))


def home_row(student_id: int) -> list[Button]:
    """A row leading back to the home card."""
    return [home_button(_("🏠 Home"), HomeAction.HOME, student_id)]


def month_label(first: date) -> str:
    """'December 2026' in the viewer's language."""
    return str(format_date(first, "LLLL y", locale=fmt.current_locale()))


def offer_card(offer: Offer, note: str = "") -> tuple[str, Keyboard]:
    """The confirmation card: date, times in both zones, length, subject, policy, the note."""
    view, slot = offer.view, offer.slot
    local_day = fmt.local(slot.starts_at, view.zone).date()
    times = fmt.time_range(slot.starts_at, slot.ends_at, view.zone) + f" ({zone_label(view.zone)})"
    if (
        fmt.local(slot.starts_at, view.zone).utcoffset()
        != fmt.local(slot.starts_at, view.teacher_zone).utcoffset()
    ):
        teacher_time = fmt.when(slot.starts_at, slot.ends_at, view.teacher_zone)
        times += "\n" + _("Your teacher's time: {when} ({zone})").format(
            when=teacher_time, zone=zone_label(view.teacher_zone)
        )
    minutes = int((slot.ends_at - slot.starts_at).total_seconds() // 60)
    title = _("<b>Move your lesson here?</b>") if view.moving else _("<b>Book this lesson?</b>")
    lines = [
        title,
        "📅 " + fmt.long_day(local_day),
        "🕒 " + times,
        "⏱ " + _("Length: {length}").format(length=duration(minutes)),
    ]
    if slot.subject:
        lines.append("📚 " + _("Subject: {subject}").format(subject=html.escape(slot.subject)))
    lines.append("👤 " + _("Teacher: {name}").format(name=html.escape(view.teacher_name)))
    lines.append(
        "ℹ️ "
        + _(
            "You can cancel or reschedule up to {window} before the start; after that only "
            "your teacher can cancel."
        ).format(window=duration(offer.cancel_window_minutes))
    )
    if offer.undo_minutes is not None:
        window = duration(offer.cancel_window_minutes)
        lines.append(change_policy.inside_window_note(window, offer.undo_minutes))
    if view.moving is not None:
        lines.append(
            _("Your lesson on {when} will be released.").format(
                when=lesson_line(view.moving, view.zone)
            )
        )
    lines += note_lines("", note, Actor.STUDENT)
    here = view.cursor(local_day)
    confirm: ConfirmCb | NotedConfirmCb = ConfirmCb(**cursor_fields(here), slot_id=slot.slot_id)
    if note:
        confirm = NotedConfirmCb(
            **cursor_fields(here), slot_id=slot.slot_id, note_key=note_key(note)
        )
    rows = [
        [
            button(_("✅ Confirm"), confirm),
            button(_("◀ Back"), DayCb.at(here)),
        ]
    ]
    if view.moving is None:  # a moved lesson keeps the notes it has
        ask = NoteCb(**cursor_fields(here), slot_id=slot.slot_id)
        rows.append([button(_("📝 Change the note") if note else _("📝 Add a note"), ask)])
    if offer.series and view.moving is None:  # "this lesson only" stays the default: Confirm
        weekly = SeriesWeeksCb(**cursor_fields(here), slot_id=slot.slot_id)
        rows.insert(1, [button(_("🔁 Every week at this time"), weekly)])
    return "\n".join(lines), Keyboard(inline_keyboard=rows)


def booked_text(lesson: Lesson, zone: str, moved_from: Lesson | None) -> tuple[str, Keyboard]:
    """The confirmation after booking or moving a lesson."""
    if moved_from is not None:
        text = _("✅ <b>Moved.</b> Your lesson is now on {when}.").format(
            when=lesson_line(lesson, zone)
        )
    else:
        text = _("✅ <b>Booked:</b> {when} with {teacher}.").format(
            when=lesson_line(lesson, zone), teacher=html.escape(lesson.teacher_name)
        )
    text += place_line(lesson.place)
    text += "\n" + _("Your teacher has been told. You will get a reminder before the lesson.")
    text += "".join("\n" + line for line in note_lines("", lesson.student_note, Actor.STUDENT))
    if undo := change_policy.undo_line(lesson, zone):
        text += "\n" + undo
    rows = [
        [
            home_button(_("📋 My bookings"), HomeAction.MINE, lesson.student_id),
            *home_row(lesson.student_id),
        ]
    ]
    return text, Keyboard(inline_keyboard=rows)
