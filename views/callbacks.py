"""The compact callback-data codec: short prefixes, fixed action codes, opaque integer ids.

Only values travel (`prefix:value:value`), so field names say what they hold at no cost; every
class packs to at most Telegram's 64 bytes (tests/unit/test_callbacks.py packs each with its
longest values). Actions are Enums: a typo is an AttributeError or a mypy error, not a button
that silently answers "no longer valid". A prefix names one layout of fields: keep it while the
fields stay, and give a class a new prefix when its fields change, so a button sent before is
refused as no longer valid rather than read with the wrong meaning. The student calendar's
buttons, which carry its cursor, are in views/calendar_callbacks.py.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import BeforeValidator, Field

# Every number a button of ours carries fits a 32-bit INTEGER column (PostgreSQL's INTEGER).
NUMBER_LIMIT = 2**31 - 1
_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,10}")


def plain_number(value: object) -> object:
    """Numbers in callback data are written by us: plain ASCII digits, nothing pydantic forgives.

    Pydantic alone would read ' 3', '+3', '3_0' and '3.0', and str.isdigit() checks would pass
    '²' or '➅' that int() rejects; a forged value must fail the filter (then the press is
    answered as an unknown button), not reach a handler or the database.
    """
    if isinstance(value, str) and not _PLAIN_NUMBER.fullmatch(value):
        raise ValueError("not a plain number")
    return value


Number = Annotated[int, BeforeValidator(plain_number), Field(ge=-NUMBER_LIMIT, le=NUMBER_LIMIT)]

# --- teachers (issue 3) ---


class ZoneCb(CallbackData, prefix="tz"):
    """A common time zone picked during /teach or /settings (index into COMMON_ZONES)."""

    index: Number


class SettingCb(CallbackData, prefix="set"):
    """A setting to change from /settings (a fixed Setting code)."""

    key: str


class WindowCb(CallbackData, prefix="win"):
    """Remove a window: 'rm' asks, 'ok' confirms cancelling n lessons, 'no' keeps it."""

    action: str
    id: Number
    n: Number = 0


class BlockCb(CallbackData, prefix="blk"):
    """The /block request waiting in the state: 1 cancel telling the reason, 2 cancel without
    it, 0 keep the lessons (drop the request)."""

    confirm: Number


class RosterCb(CallbackData, prefix="ros"):
    """A page of /students."""

    page: Number


class StudentCb(CallbackData, prefix="stu"):
    """A student card action: card, link, rename, archive, archive_ok, send."""

    action: str
    id: Number


class LinkCb(CallbackData, prefix="lnk"):
    """A link card action: qr, limits; regen/revoke ask, regen_ok/revoke_ok act, keep drops."""

    action: str
    id: Number


class LinkLimitCb(CallbackData, prefix="lim"):
    """Set a link's expiry ('e', days) or maximum uses ('u'); value 0 means no limit."""

    id: Number
    kind: str
    value: Number


class ScheduleCb(CallbackData, prefix="sch"):
    """A week of /schedule, counted from this week."""

    offset: Number


class LessonCancelCb(CallbackData, prefix="lcx"):
    """Cancel a lesson from /schedule: 'ask' a reason, 'now' without, 'ok' confirms, 'keep'."""

    step: str
    id: Number


# --- students ---


class HomeAction(StrEnum):
    """What a button on the student's home card opens."""

    HOME = "home"
    BOOK = "book"
    MINE = "mine"
    ZONE = "tz"
    HELP = "help"
    TEACHERS = "teachers"


class StudentHomeCb(CallbackData, prefix="sh"):
    """A student's home card action for one student record."""

    action: HomeAction
    student_id: Number


class StudentZoneCb(CallbackData, prefix="sz"):
    """A student's time zone: an index into STUDENT_ZONES, or -1 to follow the teacher's."""

    index: Number


class LessonAction(StrEnum):
    """What a button about one of the student's lessons does."""

    CARD = "c"
    ASK_CANCEL = "x"
    CANCEL = "y"
    MOVE = "m"
    CALENDAR_FILE = "i"


class MyLessonCb(CallbackData, prefix="ml"):
    """A lesson in My bookings: open its card, ask to cancel, cancel, move, or get an .ics."""

    action: LessonAction
    booking_id: Number


# --- languages (issue 8) ---


class LanguageCb(CallbackData, prefix="lang"):
    """A language picked in /language (a locale code such as 'en' or 'ru')."""

    code: str


# --- analytics, audit and exports (issue 6) ---


class StatsCb(CallbackData, prefix="sa"):
    """/stats: period p (week, month, 90d) and view v (t text, h heatmap, b bookings per week)."""

    p: str
    v: str


class StudentStatsCb(CallbackData, prefix="sst"):
    """One student's figures and past lessons (from the student card)."""

    id: Number


class EventsCb(CallbackData, prefix="aud"):
    """A page of a student's audit events, newest first."""

    id: Number
    page: Number


class AttendCb(CallbackData, prefix="att"):
    """Mark a past lesson (booking id) attended (a=1) or no-show (a=0)."""

    id: Number
    a: Number


class ExportCb(CallbackData, prefix="exp"):
    """/export: kind k (b bookings CSV, a audit CSV, i calendar of coming lessons), period p."""

    k: str
    p: str


class TimeOffCb(CallbackData, prefix="off"):
    """Remove time off (id) from a screen: s='h' the hours screen, 'u' the /unblock list."""

    id: Number
    s: str


# --- settings screens and the teacher's home (issue 12) ---


class SettingValueCb(CallbackData, prefix="sv"):
    """Set setting `key` to the value v the button carries (bot.domain choice_code)."""

    key: str
    v: str


class SettingsNavCb(CallbackData, prefix="sn"):
    """/settings navigation: 'list' shows the settings, 'type' asks for a typed value of key."""

    to: str
    key: str = ""


class HomeCb(CallbackData, prefix="home"):
    """A teacher's screen reached from the home card: home, schedule, students, add, hours,
    settings, stats, export."""

    to: str


# --- time zones typed as people type them (issue 12, bug 6) ---


class ZonePickCb(CallbackData, prefix="tzp"):
    """A suggested zone pressed: `to` says where it goes (t /teach, s /settings, u student).

    The zone travels by name: the longest IANA name is 32 characters, so the packed data
    stays near 40 bytes (Telegram allows 64; tests check every zone), and the press needs no
    list kept anywhere. The name is read again as typed text, so a forged one is refused.
    """

    to: str
    zone: str
