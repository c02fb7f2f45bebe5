"""What a teacher may set and how typed values are read: zones, durations, limits, switches."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import time
from enum import StrEnum
from typing import Any

from bot.domain.buffers import MAX_BUFFER_MINUTES
from bot.domain.errors import InvalidInput, UnknownTimezone
from bot.domain.model import TeacherSettings
from bot.domain.timeslots import parse_wall_time
from bot.domain.typed import plain_number
from bot.domain.waitlist import HOLD_MINUTES_MAX, HOLD_MINUTES_MIN
from bot.domain.zones import exact_zone

MAX_NAME = 64
# ASCII digits only: \d would also match digits of other scripts (see bot.domain.typed).
_DURATION = re.compile(r"^([0-9]{1,5})\s*(m|min|h|d)?$", re.IGNORECASE)
_UNITS = {"m": 1, "min": 1, "h": 60, "d": 24 * 60}
# The undo period after booking: an hour at most, so it stays a way to fix a slip.
MAX_GRACE_MINUTES = 60
MAX_SERIES_WEEKS = 104  # two school years of standing lessons
OFF_WORDS = {"off", "never", "none", "no", "unlimited", "-", "0"}


class Setting(StrEnum):
    """The settings a teacher can change; short values travel in callback data."""

    TIMEZONE = "tz"
    SLOT_MINUTES = "len"
    ADVANCE_NOTICE = "notice"
    HORIZON = "horizon"
    CANCEL_WINDOW = "cancel"
    GRACE = "grace"
    LINK_EXPIRY = "expiry"
    LINK_USES = "uses"
    REMINDERS = "remind"
    AGENDA = "agenda"
    NOTIFICATIONS = "notify"
    TEACHER_REMINDERS = "tremind"
    INACTIVE_AFTER = "inactive"
    SERIES = "series"  # weekly series: off, or the most weeks a counted series may run
    BUFFER = "buffer"
    BROWSER_LINKS = "browser"  # links also open the portal in a plain browser
    WAITLIST_HOLD = "hold"  # how long a freed seat is held for the student offered it


TOGGLES = (Setting.NOTIFICATIONS, Setting.TEACHER_REMINDERS, Setting.BROWSER_LINKS)

# A setting's stored value: minutes, days or uses (int), a time of day, lead times, or None.
Value = int | time | tuple[int, ...] | None

# The common values offered as buttons, in each setting's stored unit (minutes, days, uses):
# one line per setting. "Type another value" covers everything else.
CHOICES: dict[Setting, tuple[Value, ...]] = {
    Setting.SLOT_MINUTES: (30, 45, 60, 90, 120),
    Setting.ADVANCE_NOTICE: (0, 60, 120, 12 * 60, 24 * 60),
    Setting.HORIZON: (7, 14, 28, 56, 90),
    Setting.CANCEL_WINDOW: (0, 2 * 60, 12 * 60, 24 * 60, 48 * 60),
    Setting.GRACE: (0, 5, 10, 15, 30, 60),
    Setting.LINK_EXPIRY: (7, 30, 90, None),
    Setting.LINK_USES: (1, 3, 10, None),
    Setting.REMINDERS: (24 * 60, 2 * 60, 60, 15),  # leads, several at once (MULTI_CHOICE)
    Setting.AGENDA: (None, time(7), time(8), time(9), time(20)),
    Setting.INACTIVE_AFTER: (14, 30, 60, 90),
    Setting.SERIES: (None, 4, 12, 26, 52),
    Setting.BUFFER: (0, 5, 10, 15, 30),
    Setting.WAITLIST_HOLD: (5, 15, 30, 60, 120),
}
MULTI_CHOICE = frozenset({Setting.REMINDERS})
MAX_LEADS = 3
_DAY_SETTINGS = frozenset({Setting.HORIZON, Setting.INACTIVE_AFTER, Setting.LINK_EXPIRY})
_NONE_CODE = "-"
_ATTRIBUTE = {
    Setting.TIMEZONE: "timezone",
    Setting.SLOT_MINUTES: "slot_minutes",
    Setting.ADVANCE_NOTICE: "advance_notice_minutes",
    Setting.HORIZON: "horizon_days",
    Setting.INACTIVE_AFTER: "inactive_after_days",
    Setting.CANCEL_WINDOW: "cancel_window_minutes",
    Setting.GRACE: "grace_minutes",
    Setting.LINK_EXPIRY: "link_expiry_days",
    Setting.LINK_USES: "link_max_uses",
    Setting.REMINDERS: "reminder_leads_minutes",
    Setting.AGENDA: "agenda_time",
    Setting.NOTIFICATIONS: "notifications_enabled",
    Setting.TEACHER_REMINDERS: "teacher_reminders",
    Setting.BUFFER: "buffer_minutes",
    Setting.BROWSER_LINKS: "browser_links",
    Setting.WAITLIST_HOLD: "waitlist_hold_minutes",
}


def clean_name(text: str, what: str = "name") -> str:
    """A display or student name: trimmed, one line, 1..64 characters."""
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(what, text[:MAX_NAME])
    return name


def parse_minutes(text: str, unit: str, what: str) -> int:
    """A duration like '90m', '2h', '1d', or a bare number in the setting's own unit."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise InvalidInput(what, text)
    return int(match.group(1)) * _UNITS[(match.group(2) or unit).lower()]


def _bounded(value: int, low: int, high: int, what: str, text: str) -> int:
    if not low <= value <= high:
        raise InvalidInput(what, text)
    return value


def _is_off(text: str) -> bool:
    return text.strip().lower() in OFF_WORDS


@dataclass(frozen=True)
class _Span:
    """A duration setting: the unit a bare number is in, its bounds, and whether 'off' works."""

    unit: str  # m, h or d; a "d" setting is stored in days, the others in minutes
    low: int
    high: int
    off: bool = False  # 'off' is allowed: stored as 0, or None for a day count (no expiry)


_SPANS: dict[Setting, _Span] = {
    Setting.SLOT_MINUTES: _Span("m", 10, 480),
    Setting.ADVANCE_NOTICE: _Span("h", 0, 30 * 24 * 60),
    Setting.HORIZON: _Span("d", 1, 365),
    Setting.CANCEL_WINDOW: _Span("h", 0, 14 * 24 * 60),
    Setting.GRACE: _Span("m", 0, MAX_GRACE_MINUTES, off=True),
    Setting.INACTIVE_AFTER: _Span("d", 1, 365),
    Setting.LINK_EXPIRY: _Span("d", 1, 3650, off=True),
    # Only what students may book changes: lessons already booked stay as they are.
    Setting.BUFFER: _Span("m", 0, MAX_BUFFER_MINUTES, off=True),
    # Offers already made keep their hold; the next ones get the new one.
    Setting.WAITLIST_HOLD: _Span("m", HOLD_MINUTES_MIN, HOLD_MINUTES_MAX),
}


def _apply_span(settings: TeacherSettings, key: Setting, text: str, what: str) -> TeacherSettings:
    """A duration setting changed from what the teacher typed ('90m', '2h', '1d', or 'off')."""
    span = _SPANS[key]
    value: int | None
    if span.off and _is_off(text):
        value = None if span.unit == "d" else 0
    else:
        per = _UNITS[span.unit] if span.unit == "d" else 1
        value = _bounded(
            parse_minutes(text, span.unit, what) // per, span.low, span.high, what, text
        )
    # The field is named by the table, so mypy cannot match it to its type: each is int | None.
    change: dict[str, Any] = {_ATTRIBUTE[key]: value}
    return replace(settings, **change)


def _count_or_off(text: str, low: int, high: int, what: str) -> int | None:
    """A whole number within its bounds (uses, weeks), or None for 'off'."""
    if _is_off(text):
        return None
    count = plain_number(text.strip())
    if count is None:
        raise InvalidInput(what, text)
    return _bounded(count, low, high, what, text)


def apply_setting(settings: TeacherSettings, key: Setting, text: str) -> TeacherSettings:
    """A copy of the settings with one value changed from what the teacher typed."""
    what = f"setting:{key.value}"
    match key:
        case Setting.TIMEZONE:
            # Cities, abbreviations and offsets are read by bot.domain.zones.resolve_timezone
            # before this (it needs the clock); here only a real zone name is stored.
            zone = exact_zone(text)
            if zone is None:
                raise UnknownTimezone(text.strip())
            return replace(settings, timezone=zone)
        case key if key in _SPANS:
            return _apply_span(settings, key, text, what)
        case Setting.LINK_USES:
            return replace(settings, link_max_uses=_count_or_off(text, 1, 10_000, what))
        case Setting.REMINDERS:
            return replace(settings, reminder_leads_minutes=parse_leads(text, what))
        case Setting.AGENDA:
            return replace(settings, agenda_time=None if _is_off(text) else parse_time(text, what))
        case Setting.NOTIFICATIONS:
            return replace(settings, notifications_enabled=not settings.notifications_enabled)
        case Setting.TEACHER_REMINDERS:
            return replace(settings, teacher_reminders=not settings.teacher_reminders)
        case Setting.BROWSER_LINKS:
            return replace(settings, browser_links=not settings.browser_links)
        case Setting.SERIES:
            weeks = _count_or_off(text, 1, MAX_SERIES_WEEKS, what)
            if weeks is None:
                return replace(settings, series_enabled=False)
            return replace(settings, series_enabled=True, series_max_weeks=weeks)
    raise InvalidInput(what, text)


def parse_leads(text: str, what: str) -> tuple[int, ...]:
    """Reminder lead times such as '24h, 1h' (at most three, 5 minutes to 7 days), or 'off'."""
    if _is_off(text):
        return ()
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    leads = {_bounded(parse_minutes(p, "h", what), 5, 7 * 24 * 60, what, text) for p in parts}
    if not leads or len(leads) > 3:
        raise InvalidInput(what, text)
    return tuple(sorted(leads, reverse=True))


def parse_time(text: str, what: str) -> time:
    """A wall-clock time such as 08:00."""
    found = parse_wall_time(text)
    if found is None:
        raise InvalidInput(what, text)
    return found


def setting_value(settings: TeacherSettings, key: Setting) -> object:
    """The stored value behind a setting (for the audit trail)."""
    value = current_value(settings, key)
    if isinstance(value, time | tuple):
        return str(value) if isinstance(value, time) else list(value)
    return value


def current_value(settings: TeacherSettings, key: Setting) -> Value | str | bool:
    """The stored value behind a setting, as the screens compare it with the choices."""
    if key == Setting.SERIES:  # two columns, one choice: off, or the most weeks
        return settings.series_max_weeks if settings.series_enabled else None
    value: Value | str | bool = getattr(settings, _ATTRIBUTE[key])
    return value


def choice_code(value: Value | bool) -> str:
    """How a value travels in a button: plain ASCII digits ('-' for none, '_' between leads)."""
    if value is None or value == ():
        return _NONE_CODE
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, time):
        return str(value.hour * 60 + value.minute)
    if isinstance(value, tuple):
        return "_".join(str(lead) for lead in value)
    return str(value)


def toggled_leads(leads: tuple[int, ...], lead: int) -> tuple[int, ...]:
    """The reminder leads with one lead added or taken away (longest first)."""
    chosen = set(leads) ^ {lead}
    return tuple(sorted(chosen, reverse=True))


def apply_choice(settings: TeacherSettings, key: Setting, code: str) -> TeacherSettings:
    """A copy with the value a button carries, checked exactly as a typed value would be.

    A button carries the value itself, not "next" or "flip": pressed on an old message, it
    sets what its label said, never something the teacher did not see.
    """
    what = f"setting:{key.value}"
    if key in TOGGLES:
        if code not in {"0", "1"}:
            raise InvalidInput(what, code)
        unchanged = current_value(settings, key) == (code == "1")
        return settings if unchanged else apply_setting(settings, key, "")
    if key not in CHOICES:
        raise InvalidInput(what, code)
    return apply_setting(settings, key, _typed_form(key, code, what))


def _typed_form(key: Setting, code: str, what: str) -> str:
    """A button's code written as the teacher would type it, so one parser checks both."""
    if code == _NONE_CODE:
        return "off"
    numbers = [plain_number(part) for part in code.split("_")]
    if not numbers or any(n is None for n in numbers):
        raise InvalidInput(what, code)
    values = [n for n in numbers if n is not None]
    if key == Setting.AGENDA:
        minutes = values[0]
        return f"{minutes // 60}:{minutes % 60:02d}" if len(values) == 1 else code
    if key in (Setting.LINK_USES, Setting.SERIES):
        return code
    unit = "d" if key in _DAY_SETTINGS else "m"
    return " ".join(f"{n}{unit}" for n in values)
