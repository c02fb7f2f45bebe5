"""The student's calendar screens: the week, the month grid, a day, and the filter pickers."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date, timedelta

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import get_day_names

from bot.domain.zones import zone_label
from bot.services.student_calendar import DayView, Part, SlotState, View, Week
from bot.services.student_calendar_model import Cursor, DayCount, Filters, Month
from handlers.student_views import Button, Keyboard, button, home_row, lesson_line, month_label
from views import formatting as fmt
from views.calendar_callbacks import (
    DayCb,
    FilterCb,
    FilterKind,
    InertCb,
    MonthCb,
    Screen,
    SlotCb,
    Toast,
    WeekCb,
    cursor_fields,
    screen_button,
)

# A cell outside the month: Telegram refuses an empty or all-space button text; this one
# (U+2800, braille blank) shows as nothing.
BLANK = "\u2800"


def _part_name(part: Part) -> str:
    names = {
        Part.ANY: _("any"),
        Part.MORNING: _("morning"),
        Part.AFTERNOON: _("afternoon"),
        Part.EVENING: _("evening"),
    }
    return names[part]


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


def _filter_row(view: View, here: Cursor, back: Screen) -> list[Button]:
    """A button per filter, each opening its picker (a list beats cycling through values)."""
    f = view.filters

    def picker(kind: FilterKind) -> FilterCb:
        return FilterCb(**cursor_fields(here), back=back, kind=kind)

    row = []
    if view.subjects:
        label = _("Subject: {subject}").format(subject=_subject_name(view, f.subject))
        row.append(button(label, picker(FilterKind.SUBJECT)))
    label = _("Time of day: {part}").format(part=_part_name(f.part))
    row.append(button(label, picker(FilterKind.PART)))
    return row


def filter_picker(view: View, day: int, back: Screen, kind: FilterKind) -> tuple[str, Keyboard]:
    """The values of one filter, the one in force marked; a press applies it and goes back to
    the screen (week or day, from `day`, an ordinal) the picker was opened from."""
    here = replace(view.cursor(), day=day)
    f = view.filters
    if kind == FilterKind.SUBJECT and view.subjects:
        title = _("Pick a subject:")
        subjects = range(len(view.subjects) + 1)
        options = [(Filters(j, f.part), _subject_name(view, j)) for j in subjects]
    else:
        title = _("Pick a time of day:")
        options = [(Filters(f.subject, p), _part_name(p)) for p in Part]
    marked = [(("✔️ " if option == f else "") + name, option) for option, name in options]
    rows = [[button(name, screen_button(back, replace(here, filters=o)))] for name, o in marked]
    rows.append([button(_("◀ Back"), screen_button(back, here))])
    return "\n".join([*_header(view), "", title]), Keyboard(inline_keyboard=rows)


def _inert(here: Cursor, screen: Screen, toast: Toast) -> InertCb:
    return InertCb(**cursor_fields(here), screen=screen, toast=toast)


def _empty_runs(days: list[DayCount]) -> list[list[DayCount]]:
    """Days split into runs: each day with something to open alone, days without together."""
    runs: list[list[DayCount]] = []
    for count in days:
        if not count.opens and runs and not runs[-1][-1].opens:
            runs[-1].append(count)
        else:
            runs.append([count])
    return runs


def _day_button(view: View, count: DayCount) -> Button:
    label = fmt.day_label(count.day)
    if count.free:
        text = ngettext("{day} · {n} free", "{day} · {n} free", count.free)
    elif count.mine:
        text = _("{day} · ⭐ yours")
    else:
        text = _("{day} · 🔴 fully booked")
    return button(text.format(day=label, n=count.free), DayCb.at(view.cursor(count.day)))


def week_screen(week: Week) -> tuple[str, Keyboard]:
    """The week: a button per day with free times; days without them folded into one row."""
    view = week.view
    here = view.cursor(week.start)
    lines = [*_header(view), "", _("Pick a day:")]
    rows = []
    for run in _empty_runs(week.days):
        first, last = run[0], run[-1]
        if first.opens:
            rows.append([_day_button(view, first)])
        elif first is last:
            label = _("{day} · no free times").format(day=fmt.day_label(first.day))
            rows.append([button(label, _inert(here, Screen.WEEK, Toast.NO_TIMES_DAY))])
        else:
            label = _("{first} – {last} · no free times").format(
                first=fmt.day_label(first.day), last=fmt.day_label(last.day)
            )
            rows.append([button(label, _inert(here, Screen.WEEK, Toast.NO_TIMES_DAYS))])
    nav = []
    if week.previous is not None:
        nav.append(button(_("◀ Previous week"), WeekCb.at(here.on(week.previous))))
    if week.next is not None:
        nav.append(button(_("Next week ▶"), WeekCb.at(here.on(week.next))))
    rows += [nav] if nav else []
    rows.append([button(_("🗓 Pick a month"), MonthCb.at(here))])
    rows.append(_filter_row(view, here, Screen.WEEK))
    rows.append(home_row(view.student_id))
    return "\n".join(lines), Keyboard(inline_keyboard=rows)


def month_screen(month: Month) -> tuple[str, Keyboard]:
    """A 7-column grid of the month: days with free times (or your lesson) open that day."""
    view = month.view
    here = view.cursor(month.first)
    lines = [*_header(view), "", "🗓 <b>" + html.escape(month_label(month.first)) + "</b>"]
    lines.append(_("Numbered days have free times; ⭐ your lesson; · no free times."))
    grid = InlineKeyboardBuilder()
    names = get_day_names("short", locale=fmt.current_locale())
    heading = _inert(here, Screen.MONTH, Toast.NONE).pack()
    for weekday in range(7):
        grid.button(text=str(names[weekday]), callback_data=heading)
    counts = {count.day: count for count in month.days}
    blank = month.first.weekday()
    following = (month.first + timedelta(days=32)).replace(day=1)
    cells = blank + (following - month.first).days
    for index in range(-(-cells // 7) * 7):
        day = month.first + timedelta(days=index - blank)
        count = counts.get(day)
        if count is not None and count.opens:
            text = str(day.day) if count.free else f"⭐{day.day}" if count.mine else f"🔴{day.day}"
            data = DayCb.at(here.on(day)).pack()
        else:
            inside = month.first <= day < following
            text = "·" if inside else BLANK
            data = _inert(here, Screen.MONTH, Toast.NO_TIMES_DAY if inside else Toast.NONE).pack()
        grid.button(text=text, callback_data=data)
    grid.adjust(7)
    nav = []
    for target, label in ((month.previous, "◀ {month}"), (month.next, "{month} ▶")):
        if target is not None:
            page = MonthCb.at(here.on(target))
            nav.append(button(label.format(month=month_label(target)), page))
    if nav:
        grid.row(*nav)
    week = WeekCb.at(here.on(max(month.first, view.today)))
    grid.row(button(_("◀ Back to the week"), week), *home_row(view.student_id))
    return "\n".join(lines), grid.as_markup()


def inert_note(toast: Toast) -> str | None:
    """What pressing a cell with nothing to open says."""
    if toast == Toast.NO_TIMES_DAY:
        return _("No free times that day.")
    if toast == Toast.NO_TIMES_DAYS:
        return _("No free times on those days.")
    return None


def _week_of(view: View, day: date) -> date:
    """The start of the week view that holds a day (weeks count from today)."""
    weeks = (day - view.today).days // 7
    return view.today + timedelta(days=7 * max(weeks, 0))


def day_screen(day: DayView, notice: str = "") -> tuple[str, Keyboard]:
    """A day's slots: free ones to press, booked ones marked, the student's own marked."""
    view = day.view
    here = view.cursor(day.day)
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
        data = SlotCb(**cursor_fields(here), slot_id=slot.slot_id)
        rows.append([button(text.format(times=times, subject=subject, n=slot.free), data)])
    rows.append(_filter_row(view, here, Screen.DAY))
    back = WeekCb.at(here.on(_week_of(view, day.day)))
    rows.append([button(_("◀ Back to the week"), back), *home_row(view.student_id)])
    return "\n".join(lines), Keyboard(inline_keyboard=rows)
