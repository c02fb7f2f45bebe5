"""The student's calendar screens: the week, the month grid, a day, and the filter pickers."""

from __future__ import annotations

import html
from datetime import date, timedelta

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import get_day_names

from bot.domain.zones import zone_label
from bot.services.student_calendar import DayView, Part, SlotState, View, Week
from bot.services.student_calendar_model import DayCount, Month
from handlers.student_views import (
    Button,
    Keyboard,
    button,
    home_row,
    lesson_line,
    month_label,
    moving_id,
)
from views import formatting as fmt
from views.callbacks import DayCb, FilterCb, InertCb, MonthCb, SlotCb, WeekCb

SUBJECT, PART = 0, 1  # which filter a picker sets
ON_WEEK, ON_DAY = 0, 1  # where a picker was opened from (and returns to)
ON_MONTH = 1  # an inert cell redraws the week (ON_WEEK) or the month grid
NO_TOAST, NO_TIMES_DAY, NO_TIMES_DAYS = 0, 1, 2
# A cell outside the month: Telegram refuses an empty or all-space button text; this one
# (U+2800, braille blank) shows as nothing.
BLANK = "\u2800"


def _part_name(part: int) -> str:
    names = {
        Part.ANY: _("any"),
        Part.MORNING: _("morning"),
        Part.AFTERNOON: _("afternoon"),
        Part.EVENING: _("evening"),
    }
    return names[Part(part)]


def _subject_name(view: View, subject: int) -> str:
    return html.escape(view.subjects[subject - 1]) if subject else _("all")


def _header(view: View) -> list[str]:
    """Title, zone and the filters in force, shared by the week, month and day screens."""
    if view.moving is not None:
        title = _("🔁 <b>Pick a new time</b> for your lesson on {when}").format(
            when=lesson_line(view.moving, view.zone)
        )
    else:
        title = _("📝 <b>Book a lesson with {teacher}</b>").format(
            teacher=html.escape(view.teacher_name)
        )
    lines = [title, _("Times in {zone}.").format(zone=zone_label(view.zone))]
    if view.zone != view.teacher_zone:
        lines[-1] += " " + _("Your teacher's zone is {zone}.").format(
            zone=zone_label(view.teacher_zone)
        )
    filters = _("Time of day: {part}").format(part=_part_name(view.filters.part))
    if view.subjects:
        subject = _subject_name(view, view.filters.subject)
        filters = _("Subject: {subject}").format(subject=subject) + " · " + filters
    lines.append(_("Filter: {filters}").format(filters=filters))
    return lines


def _filter_row(view: View, ordinal: int, where: int) -> list[Button]:
    """A button per filter, each opening its picker (a list beats cycling through values)."""
    f, s, r = view.filters, view.student_id, moving_id(view)

    def picker(kind: int) -> FilterCb:
        return FilterCb(s=s, d=ordinal, v=where, k=kind, j=f.subject, p=f.part, r=r)

    row = []
    if view.subjects:
        label = _("Subject: {subject}").format(subject=_subject_name(view, f.subject))
        row.append(button(label, picker(SUBJECT)))
    label = _("Time of day: {part}").format(part=_part_name(f.part))
    row.append(button(label, picker(PART)))
    return row


def _back_to(view: View, ordinal: int, where: int, subject: int, part: int) -> WeekCb | DayCb:
    """The screen a picker returns to, with the given filters."""
    cls = DayCb if where == ON_DAY else WeekCb
    return cls(s=view.student_id, d=ordinal, j=subject, p=part, r=moving_id(view))


def filter_picker(view: View, ordinal: int, where: int, kind: int) -> tuple[str, Keyboard]:
    """The values of one filter, the one in force marked; a press applies it and goes back."""
    f = view.filters
    if kind == SUBJECT and view.subjects:
        title = _("Pick a subject:")
        current = f.subject
        options = [(j, _subject_name(view, j)) for j in range(len(view.subjects) + 1)]
        targets = [_back_to(view, ordinal, where, j, f.part) for j, _name in options]
    else:
        title = _("Pick a time of day:")
        current = f.part
        options = [(p.value, _part_name(p)) for p in Part]
        targets = [_back_to(view, ordinal, where, f.subject, p) for p, _name in options]
    rows = [
        [button(("✔️ " if value == current else "") + name, target)]
        for (value, name), target in zip(options, targets, strict=True)
    ]
    rows.append([button(_("◀ Back"), _back_to(view, ordinal, where, f.subject, f.part))])
    return "\n".join([*_header(view), "", title]), Keyboard(inline_keyboard=rows)


def _inert(view: View, ordinal: int, where: int, toast: int) -> InertCb:
    f, s, r = view.filters, view.student_id, moving_id(view)
    return InertCb(s=s, d=ordinal, v=where, t=toast, j=f.subject, p=f.part, r=r)


def _empty_runs(days: list[DayCount]) -> list[list[DayCount]]:
    """Days split into runs: each day with something to open alone, days without together."""
    runs: list[list[DayCount]] = []
    for count in days:
        empty = not count.free and not count.mine
        if empty and runs and not (runs[-1][-1].free or runs[-1][-1].mine):
            runs[-1].append(count)
        else:
            runs.append([count])
    return runs


def _day_button(view: View, count: DayCount) -> Button:
    f, label = view.filters, fmt.day_label(count.day)
    if count.free:
        text = ngettext("{day} · {n} free", "{day} · {n} free", count.free)
    else:
        text = _("{day} · ⭐ yours")
    s, r = view.student_id, moving_id(view)
    data = DayCb(s=s, d=count.day.toordinal(), j=f.subject, p=f.part, r=r)
    return button(text.format(day=label, n=count.free), data)


def week_screen(week: Week) -> tuple[str, Keyboard]:
    """The week: a button per day with free times; days without them folded into one row."""
    view, f = week.view, week.view.filters
    s, r = view.student_id, moving_id(view)
    start = week.start.toordinal()
    lines = [*_header(view), "", _("Pick a day:")]
    rows = []
    for run in _empty_runs(week.days):
        first, last = run[0], run[-1]
        if first.free or first.mine:
            rows.append([_day_button(view, first)])
        elif first is last:
            label = _("{day} · no free times").format(day=fmt.day_label(first.day))
            rows.append([button(label, _inert(view, start, ON_WEEK, NO_TIMES_DAY))])
        else:
            label = _("{first} – {last} · no free times").format(
                first=fmt.day_label(first.day), last=fmt.day_label(last.day)
            )
            rows.append([button(label, _inert(view, start, ON_WEEK, NO_TIMES_DAYS))])
    nav = []
    if week.previous is not None:
        previous = WeekCb(s=s, d=week.previous.toordinal(), j=f.subject, p=f.part, r=r)
        nav.append(button(_("◀ Previous week"), previous))
    if week.next is not None:
        following = WeekCb(s=s, d=week.next.toordinal(), j=f.subject, p=f.part, r=r)
        nav.append(button(_("Next week ▶"), following))
    rows += [nav] if nav else []
    rows.append([button(_("🗓 Pick a month"), MonthCb(s=s, d=start, j=f.subject, p=f.part, r=r))])
    rows.append(_filter_row(view, start, ON_WEEK))
    rows.append(home_row(s))
    return "\n".join(lines), Keyboard(inline_keyboard=rows)


def month_screen(month: Month) -> tuple[str, Keyboard]:
    """A 7-column grid of the month: days with free times (or your lesson) open that day."""
    view, f = month.view, month.view.filters
    s, r = view.student_id, moving_id(view)
    here = month.first.toordinal()
    lines = [*_header(view), "", "🗓 <b>" + html.escape(month_label(month.first)) + "</b>"]
    lines.append(_("Numbered days have free times; ⭐ your lesson; · no free times."))
    grid = InlineKeyboardBuilder()
    names = get_day_names("short", locale=fmt.current_locale())
    heading = _inert(view, here, ON_MONTH, NO_TOAST).pack()
    for weekday in range(7):
        grid.button(text=str(names[weekday]), callback_data=heading)
    counts = {count.day: count for count in month.days}
    blank = month.first.weekday()
    following = (month.first + timedelta(days=32)).replace(day=1)
    cells = blank + (following - month.first).days
    for index in range(-(-cells // 7) * 7):
        day = month.first + timedelta(days=index - blank)
        count = counts.get(day)
        if count is not None and (count.free or count.mine):
            text = str(day.day) if count.free else f"⭐{day.day}"
            data = DayCb(s=s, d=day.toordinal(), j=f.subject, p=f.part, r=r).pack()
        else:
            inside = month.first <= day < following
            text = "·" if inside else BLANK
            data = _inert(view, here, ON_MONTH, NO_TIMES_DAY if inside else NO_TOAST).pack()
        grid.button(text=text, callback_data=data)
    grid.adjust(7)
    nav = []
    for target, label in ((month.previous, "◀ {month}"), (month.next, "{month} ▶")):
        if target is not None:
            page = MonthCb(s=s, d=target.toordinal(), j=f.subject, p=f.part, r=r)
            nav.append(button(label.format(month=month_label(target)), page))
    if nav:
        grid.row(*nav)
    week = WeekCb(s=s, d=max(month.first, view.today).toordinal(), j=f.subject, p=f.part, r=r)
    grid.row(button(_("◀ Back to the week"), week), *home_row(s))
    return "\n".join(lines), grid.as_markup()


def inert_note(toast: int) -> str | None:
    """What pressing a cell with nothing to open says."""
    if toast == NO_TIMES_DAY:
        return _("No free times that day.")
    if toast == NO_TIMES_DAYS:
        return _("No free times on those days.")
    return None


def _week_of(view: View, day: date) -> int:
    """The start of the week view that holds a day (weeks count from today)."""
    weeks = (day - view.today).days // 7
    return (view.today + timedelta(days=7 * max(weeks, 0))).toordinal()


def day_screen(day: DayView, notice: str = "") -> tuple[str, Keyboard]:
    """A day's slots: free ones to press, booked ones marked, the student's own marked."""
    view, f = day.view, day.view.filters
    s, r = view.student_id, moving_id(view)
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
    rows.append(_filter_row(view, day.day.toordinal(), ON_DAY))
    back = WeekCb(s=s, d=_week_of(view, day.day), j=f.subject, p=f.part, r=r)
    rows.append([button(_("◀ Back to the week"), back), *home_row(s)])
    return "\n".join(lines), Keyboard(inline_keyboard=rows)
