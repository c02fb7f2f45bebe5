"""Dates and times for people: the viewer's zone and locale, through Babel."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n, ngettext
from babel.dates import format_date, format_time

from bot.domain.zones import zone_label

# How much of a person's own input a reply repeats: enough to recognise it, and never
# enough to push a reply past Telegram's 4096-character limit (it would not be delivered).
ECHO_LIMIT = 100


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """Typed input as a reply repeats it: on one line, printable characters only (no NUL or
    other control character goes back out), at most `limit` characters, with '…'."""
    line = " ".join("".join(c for c in text if c.isprintable() or c.isspace()).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def current_locale() -> str:
    """The locale of the update being handled (English outside one)."""
    i18n = I18n.get_current(no_error=True)
    return i18n.current_locale if i18n is not None else "en"


def local(moment: datetime, zone: str) -> datetime:
    """An aware UTC moment in a viewer's zone."""
    return moment.astimezone(ZoneInfo(zone))


# Babel reads its pattern and locale data on every call (about 0.15 ms each), and a week
# screen names dozens of days and times: the few distinct ones are formatted once.
@lru_cache(maxsize=4096)
def _date_text(day: date, pattern: str, locale: str) -> str:
    return format_date(day, pattern, locale=locale)


@lru_cache(maxsize=4096)
def _time_text(of_day: time, locale: str) -> str:
    return format_time(of_day, "HH:mm", locale=locale)


def day_label(day: date, locale: str | None = None) -> str:
    """'Mon, 30 Nov' in the viewer's language."""
    return _date_text(day, "EEE, d MMM", locale or current_locale())


def long_day(day: date, locale: str | None = None) -> str:
    """'Monday, 30 November 2026' in the viewer's language."""
    return _date_text(day, "full", locale or current_locale())


def clock_time(moment: datetime, zone: str, locale: str | None = None) -> str:
    """'14:00' in the viewer's zone (24-hour, unambiguous for lessons)."""
    return _time_text(local(moment, zone).time(), locale or current_locale())


def time_range(start: datetime, end: datetime, zone: str, locale: str | None = None) -> str:
    """'14:00–15:00' in the viewer's zone."""
    return f"{clock_time(start, zone, locale)}–{clock_time(end, zone, locale)}"


def when(start: datetime, end: datetime, zone: str, locale: str | None = None) -> str:
    """'Mon, 30 Nov, 14:00–15:00' in the viewer's zone."""
    return f"{day_label(local(start, zone).date(), locale)}, {time_range(start, end, zone, locale)}"


def when_for(
    start: datetime, end: datetime, viewer_zone: str, other_zone: str, locale: str | None = None
) -> str:
    """The time in the viewer's zone, naming it, with the other party's local time if different."""
    # IANA ids name zones precisely in every language; Babel's long names vary by version.
    text = f"{when(start, end, viewer_zone, locale)} ({zone_label(viewer_zone)})"
    if local(start, viewer_zone).utcoffset() != local(start, other_zone).utcoffset():
        text += f" · {when(start, end, other_zone, locale)} ({zone_label(other_zone)})"
    return text


def day_time(moment: datetime, zone: str, locale: str | None = None) -> str:
    """'Mon, 30 Nov, 14:00' in the viewer's zone: the same day format as `when`."""
    return f"{day_label(local(moment, zone).date(), locale)}, {clock_time(moment, zone, locale)}"


def sentence(text: str) -> str:
    """Text closed with a full stop, unless typed input at its end already closes it."""
    # A name such as "Anna B." or "thanks!" ends the sentence by itself: one more mark
    # would read "Anna B.." or "thanks!.".
    return text if text.rstrip().endswith((".", "!", "?", "…")) else text + "."


def days(n: int) -> str:
    """'1 day', '5 days' ('1 день', '5 дней'): a count of days with its plural form."""
    return ngettext("{n} day", "{n} days", n).format(n=n)
