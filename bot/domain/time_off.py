"""Time off as people say it: 'Wed 2 Dec, all day', '24 Dec – 2 Jan', 'Wed 2 Dec, 09:00–12:00'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date

# A weekday with its date. English (British order, as the rest of the bot) reads
# "Wed 2 Dec"; Russian needs the comma: "ср, 2 дек.". Other languages take the Russian form.
_DAY = {"en": "EEE d MMM"}
_DAY_DEFAULT = "EEE, d MMM"
MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class TimeOff:
    """A stored stretch of time off: UTC bounds and the reason the teacher typed."""

    id: int
    teacher_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str = ""


def _language(locale: str) -> str:
    return locale.split("_")[0].split("-")[0].lower()


def _day(day: date, locale: str, with_year: bool) -> str:
    pattern = _DAY.get(_language(locale), _DAY_DEFAULT) + (" y" if with_year else "")
    return format_date(day, pattern, locale=locale)


def _date(day: date, locale: str, with_year: bool) -> str:
    return format_date(day, "d MMM y" if with_year else "d MMM", locale=locale)


def time_off_label(
    starts_at: datetime,
    ends_at: datetime,
    zone: ZoneInfo,
    today: date,
    locale: str,
    whole_day: str = "{day}, all day",
) -> str:
    """Time off in the teacher's zone and language, as people say it.

    A whole day: `whole_day` with {day} ('Wed 2 Dec, all day'); several whole days, the last
    one inclusive: '24 Dec – 2 Jan'; part of a day: 'Wed 2 Dec, 09:00–12:00'; over days from
    or to mid-day: 'Wed 2 Dec 18:00 – Thu 3 Dec 09:00'. The year is shown when it is not the
    year of `today` or when the span crosses a year.
    """
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    first = start.date()
    # A stretch ending at midnight ends with the day before: '22:00–24:00', '24 Dec – 2 Jan'.
    last = end.date() - timedelta(days=1) if end.time() == MIDNIGHT else end.date()
    year = first.year != today.year or last.year != today.year
    if start.time() == MIDNIGHT and end.time() == MIDNIGHT:
        if first == last:
            return whole_day.format(day=_day(first, locale, year))
        start_year = year and first.year != last.year  # '24 Dec 2026 – 2 Jan 2027'
        return f"{_date(first, locale, start_year)} – {_date(last, locale, year)}"
    if first == last:
        to = "24:00" if end.time() == MIDNIGHT else f"{end:%H:%M}"
        return f"{_day(first, locale, year)}, {start:%H:%M}–{to}"
    since, until = _day(first, locale, year), _day(end.date(), locale, year)
    return f"{since} {start:%H:%M} – {until} {end:%H:%M}"


def starting_on(items: list[TimeOff], day: date, zone: ZoneInfo) -> list[TimeOff]:
    """The time off that starts on a local day (what '/unblock 2026-12-24' means)."""
    return [t for t in items if t.starts_at.astimezone(zone).date() == day]
