"""The compact callback-data codec: short prefixes, fixed action codes, opaque integer ids.

Every class packs to well under Telegram's 64 bytes. Append new classes; do not rename
prefixes, or buttons already sent stop working.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

# --- teachers (issue 3) ---


class ZoneCb(CallbackData, prefix="tz"):
    """A common time zone picked during /teach or /settings (index into COMMON_ZONES)."""

    index: int


class SettingCb(CallbackData, prefix="set"):
    """A setting to change from /settings (a fixed Setting code)."""

    key: str


class WindowCb(CallbackData, prefix="win"):
    """Remove a window: 'rm' asks, 'ok' confirms cancelling n lessons, 'no' keeps it."""

    action: str
    id: int
    n: int = 0


class BlockCb(CallbackData, prefix="blk"):
    """Confirm (1) or drop (0) the /block request waiting in the conversation state."""

    confirm: int


class RosterCb(CallbackData, prefix="ros"):
    """A page of /students."""

    page: int


class StudentCb(CallbackData, prefix="stu"):
    """A student card action: card, link, rename, archive, archive_ok, send."""

    action: str
    id: int


class LinkCb(CallbackData, prefix="lnk"):
    """A link card action: qr, regen, revoke, limits."""

    action: str
    id: int


class LinkLimitCb(CallbackData, prefix="lim"):
    """Set a link's expiry ('e', days) or maximum uses ('u'); value 0 means no limit."""

    id: int
    kind: str
    value: int


class ScheduleCb(CallbackData, prefix="sch"):
    """A week of /schedule, counted from this week."""

    offset: int


class LessonCancelCb(CallbackData, prefix="lcx"):
    """Cancel a lesson from the schedule: 'ask' for a reason, 'now' without one, 'keep' it."""

    step: str
    id: int


# --- students ---


class StudentHomeCb(CallbackData, prefix="sh"):
    """A student's home card action (book) for one student record."""

    action: str
    id: int


class StudentZoneCb(CallbackData, prefix="sz"):
    """A student's time zone: an index into STUDENT_ZONES, or -1 to follow the teacher's."""

    index: int


class WeekCb(CallbackData, prefix="cw"):
    """A student's week view: student s, start day d (ordinal, 0 = today), subject j, part p,
    and r, the booking being rescheduled (0 = a new booking)."""

    s: int
    d: int
    j: int
    p: int
    r: int


class MonthsCb(CallbackData, prefix="cm"):
    """The month picker of the student's calendar (same s, j, p, r as WeekCb)."""

    s: int
    j: int
    p: int
    r: int


class DayCb(CallbackData, prefix="cd"):
    """One day of the student's calendar (same fields as WeekCb, d is the day)."""

    s: int
    d: int
    j: int
    p: int
    r: int


class SlotCb(CallbackData, prefix="cs"):
    """A slot pressed in the day view: shows the confirmation card."""

    s: int
    id: int
    j: int
    p: int
    r: int


class ConfirmCb(CallbackData, prefix="cc"):
    """Confirm on the card: book slot id (or move booking r to it)."""

    s: int
    id: int
    j: int
    p: int
    r: int


class MyLessonCb(CallbackData, prefix="ml"):
    """A lesson in My bookings: x asks to cancel, y cancels, m reschedules, i sends an .ics."""

    action: str
    id: int


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

    id: int


class EventsCb(CallbackData, prefix="aud"):
    """A page of a student's audit events, newest first."""

    id: int
    page: int


class AttendCb(CallbackData, prefix="att"):
    """Mark a past lesson (booking id) attended (a=1) or no-show (a=0)."""

    id: int
    a: int


class ExportCb(CallbackData, prefix="exp"):
    """/export: kind k (b bookings CSV, a audit CSV, i calendar of coming lessons), period p."""

    k: str
    p: str
