"""How the student's screens look: texts and keyboards for home, week, day and card."""

from __future__ import annotations

import html
from datetime import date, timedelta

from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.domain.zones import zone_label
from bot.services.booking import Lesson
from bot.services.calendar import DayView, Offer, Part, SlotState, View, Week
from bot.services.student_home import Home
from handlers import change_policy
from handlers import formatting as fmt
from handlers.callbacks import (
    ConfirmCb,
    DayCb,
    MonthsCb,
    SlotCb,
    StudentHomeCb,
    WeekCb,
)

Keyboard = InlineKeyboardMarkup
Button = InlineKeyboardButton


def button(text: str, data: object) -> Button:
    """An inline button carrying packed callback data."""
    return Button(text=text, callback_data=data.pack())  # type: ignore[attr-defined]


def duration(minutes: int) -> str:
    """'24 hours' or '90 minutes'."""
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


def lesson_line(lesson: Lesson, zone: str) -> str:
    """'Tue, 1 Dec, 09:00–10:00 (Asia/Tokyo) · Math' with the teacher's time if it differs."""
    text = fmt.when_for(lesson.starts_at, lesson.ends_at, zone, lesson.teacher_timezone)
    return text + (f" · {html.escape(lesson.subject)}" if lesson.subject else "")


def home_card(home: Home) -> tuple[str, Keyboard]:
    """The student's home: teacher, zone, next lessons and the main buttons."""
    lines = [
        _("🏠 <b>Your lessons with {teacher}</b>").format(teacher=html.escape(home.teacher_name))
    ]
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
    if home.upcoming:
        lines.append("\n" + _("<b>Next lessons</b>"))
        lines += ["• " + lesson_line(lesson, home.zone) for lesson in home.upcoming]
    else:
        lines.append("\n" + _("No lessons booked yet."))
    sid = home.student_id
    rows = [
        [
            button(_("📅 Book a lesson"), StudentHomeCb(action="book", id=sid)),
            button(_("📋 My bookings"), StudentHomeCb(action="mine", id=sid)),
        ],
        [
            button(_("🌍 Time zone"), StudentHomeCb(action="tz", id=sid)),
            button(_("❓ Help"), StudentHomeCb(action="help", id=sid)),
        ],
    ]
    if len(home.choices) > 1:
        rows.append([button(_("🔄 Switch teacher"), StudentHomeCb(action="teachers", id=sid))])
    return "\n".join(lines), Keyboard(inline_keyboard=rows)


def home_row(student_id: int) -> list[Button]:
    """A row leading back to the home card."""
    return [button(_("🏠 Home"), StudentHomeCb(action="home", id=student_id))]


def _part_name(part: int) -> str:
    names = {
        Part.ANY: _("any"),
        Part.MORNING: _("morning"),
        Part.AFTERNOON: _("afternoon"),
        Part.EVENING: _("evening"),
    }
    return names[Part(part)]


def _subject_name(view: View) -> str:
    j = view.filters.subject
    return html.escape(view.subjects[j - 1]) if j else _("all")


def _header(view: View) -> list[str]:
    """Title, zone and the filters in force, shared by the week and day screens."""
    if view.moving is not None:
        title = _("🔁 <b>Pick a new time</b> for your lesson on {when}").format(
            when=lesson_line(view.moving, view.zone)
        )
    else:
        title = _("📅 <b>Book a lesson with {teacher}</b>").format(
            teacher=html.escape(view.teacher_name)
        )
    lines = [title, _("Times in {zone}.").format(zone=zone_label(view.zone))]
    if view.zone != view.teacher_zone:
        lines[-1] += " " + _("Your teacher's zone is {zone}.").format(
            zone=zone_label(view.teacher_zone)
        )
    filters = _("Time of day: {part}").format(part=_part_name(view.filters.part))
    if view.subjects:
        filters = _("Subject: {subject}").format(subject=_subject_name(view)) + " · " + filters
    lines.append(_("Filter: {filters}").format(filters=filters))
    return lines


def _filter_row(view: View, day: int, cls: type[WeekCb] | type[DayCb]) -> list[Button]:
    f, s, r = view.filters, view.student_id, _moving_id(view)
    row = []
    if view.subjects:
        j = (f.subject + 1) % (len(view.subjects) + 1)
        label = _("Subject: {subject}").format(subject=_subject_name(view))
        row.append(button(label, cls(s=s, d=day, j=j, p=f.part, r=r)))
    label = _("Time of day: {part}").format(part=_part_name(f.part))
    row.append(button(label, cls(s=s, d=day, j=f.subject, p=(f.part + 1) % 4, r=r)))
    return row


def _moving_id(view: View) -> int:
    return view.moving.booking_id if view.moving else 0


def week_screen(week: Week) -> tuple[str, Keyboard]:
    """The week: one button per day with its free slots, paging, month jump, filters."""
    view, f = week.view, week.view.filters
    s, r = view.student_id, _moving_id(view)
    lines = [*_header(view), "", _("Pick a day:")]
    rows = []
    for count in week.days:
        label = fmt.day_label(count.day)
        if count.free:
            text = ngettext("{day} · {n} free", "{day} · {n} free", count.free)
        else:
            text = _("{day} · no free times")
        data = DayCb(s=s, d=count.day.toordinal(), j=f.subject, p=f.part, r=r)
        rows.append([button(text.format(day=label, n=count.free), data)])
    nav = []
    if week.previous is not None:
        nav.append(
            button(
                _("◀ Previous week"),
                WeekCb(s=s, d=week.previous.toordinal(), j=f.subject, p=f.part, r=r),
            )
        )
    if week.next is not None:
        nav.append(
            button(
                _("Next week ▶"), WeekCb(s=s, d=week.next.toordinal(), j=f.subject, p=f.part, r=r)
            )
        )
    rows += [nav] if nav else []
    rows.append([button(_("🗓 Pick a month"), MonthsCb(s=s, j=f.subject, p=f.part, r=r))])
    rows.append(_filter_row(view, week.start.toordinal(), WeekCb))
    rows.append(home_row(s))
    return "\n".join(lines), Keyboard(inline_keyboard=rows)


def months_screen(week: Week) -> tuple[str, Keyboard]:
    """The months a student can jump to, up to the booking horizon."""
    view, f = week.view, week.view.filters
    rows = [
        [
            button(
                month_label(m),
                WeekCb(
                    s=view.student_id,
                    d=max(m, view.today).toordinal(),
                    j=f.subject,
                    p=f.part,
                    r=_moving_id(view),
                ),
            )
        ]
        for m in week.months
    ]
    rows.append(home_row(view.student_id))
    return _("🗓 Pick a month:"), Keyboard(inline_keyboard=rows)


def month_label(first: date) -> str:
    """'December 2026' in the viewer's language."""
    return str(format_date(first, "LLLL y", locale=fmt.current_locale()))


def _week_of(view: View, day: date) -> int:
    """The start of the week view that holds a day (weeks count from today)."""
    weeks = (day - view.today).days // 7
    return (view.today + timedelta(days=7 * max(weeks, 0))).toordinal()


def day_screen(day: DayView, notice: str = "") -> tuple[str, Keyboard]:
    """A day's slots: free ones to press, booked ones marked, the student's own marked."""
    view, f = day.view, day.view.filters
    s, r = view.student_id, _moving_id(view)
    lines = ([notice, ""] if notice else []) + _header(view)
    lines.append("\n<b>" + fmt.long_day(day.day) + "</b>")
    if not day.slots:
        lines.append(_("No free times on this day. Please pick another day."))
    else:
        lines.append(_("🟢 free · 🔴 booked · ⭐ yours"))
    rows = []
    for slot in day.slots:
        times = fmt.time_range(slot.starts_at, slot.ends_at, view.zone)
        subject = f" {slot.subject}" if slot.subject else ""
        if slot.state == SlotState.MINE:
            text = _("⭐ {times}{subject} · yours")
        elif slot.state == SlotState.FULL:
            text = _("🔴 {times}{subject} · booked")
        elif slot.capacity > 1:
            text = ngettext(
                "🟢 {times}{subject} · {n} seat left",
                "🟢 {times}{subject} · {n} seats left",
                slot.free,
            )
        else:
            text = _("🟢 {times}{subject}")
        data = SlotCb(s=s, id=slot.slot_id, j=f.subject, p=f.part, r=r)
        rows.append([button(text.format(times=times, subject=subject, n=slot.free), data)])
    rows.append(_filter_row(view, day.day.toordinal(), DayCb))
    back = WeekCb(s=s, d=_week_of(view, day.day), j=f.subject, p=f.part, r=r)
    rows.append([button(_("◀ Back to the week"), back), *home_row(s)])
    return "\n".join(lines), Keyboard(inline_keyboard=rows)


def offer_card(offer: Offer) -> tuple[str, Keyboard]:
    """The confirmation card: date, times in both zones, length, subject, policy."""
    view, slot, f = offer.view, offer.slot, offer.view.filters
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
    s, r = view.student_id, _moving_id(view)
    ordinal = local_day.toordinal()
    rows = [
        [
            button(_("✅ Confirm"), ConfirmCb(s=s, id=slot.slot_id, j=f.subject, p=f.part, r=r)),
            button(_("◀ Back"), DayCb(s=s, d=ordinal, j=f.subject, p=f.part, r=r)),
        ]
    ]
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
    text += "\n" + _("Your teacher has been told. You will get a reminder before the lesson.")
    if undo := change_policy.undo_line(lesson, zone):
        text += "\n" + undo
    rows = [
        [
            button(_("📋 My bookings"), StudentHomeCb(action="mine", id=lesson.student_id)),
            *home_row(lesson.student_id),
        ]
    ]
    return text, Keyboard(inline_keyboard=rows)


async def show(query: CallbackQuery, text: str, keyboard: Keyboard | None = None) -> None:
    """Navigation edits the pressed message in place (or writes anew if it is out of reach)."""
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=keyboard)
    else:
        await query.bot.send_message(query.from_user.id, text, reply_markup=keyboard)  # type: ignore[union-attr]
