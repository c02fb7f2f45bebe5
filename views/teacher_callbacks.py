"""The teacher's buttons: home, students and links, hours and time off, schedule, stats,
exports and settings (the codec's rules are in views/callbacks.py).

Every action is an Enum whose values are the codes these buttons have always carried, and
no field moved: each class keeps its prefix, and a button sent before this codec still works.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData

from bot.domain.links import LinkLimit
from bot.domain.teacher_settings import Setting
from bot.services.analytics import PeriodKey
from views.callbacks import DIGITS, Number

# --- the home card (issue 12) ---


class HomeScreen(StrEnum):
    """A screen the teacher's home card opens (HOME: the home card itself)."""

    HOME = "home"
    SCHEDULE = "schedule"
    STUDENTS = "students"
    ADD = "add"
    HOURS = "hours"
    SETTINGS = "settings"
    STATS = "stats"
    EXPORT = "export"


class HomeCb(CallbackData, prefix="home"):
    """A teacher's screen reached from the home card."""

    screen: HomeScreen


# --- /teach and /settings (issues 3 and 12) ---


class ZoneCb(CallbackData, prefix="tz"):
    """A common time zone picked during /teach or /settings (index into COMMON_ZONES)."""

    index: Number


class SettingCb(CallbackData, prefix="set"):
    """A setting to change from /settings."""

    setting: Setting


class SettingValueCb(CallbackData, prefix="sv"):
    """Set a setting to the value the button carries (bot.domain choice_code)."""

    setting: Setting
    value: str


class SettingsNav(StrEnum):
    """Where a /settings navigation button goes."""

    LIST = "list"  # the list of settings
    TYPE = "type"  # ask for a typed value of the setting


class SettingsNavCb(CallbackData, prefix="sn"):
    """/settings navigation: the list, or the question for a typed value of `setting`."""

    to: SettingsNav
    setting: Setting | None = None


# --- students and their links (issue 3) ---


class RosterCb(CallbackData, prefix="ros"):
    """A page of /students."""

    page: Number


class StudentAction(StrEnum):
    """What a button on a student's card does."""

    CARD = "card"
    RENAME = "rename"
    ARCHIVE = "archive"  # asks first
    ARCHIVE_CONFIRMED = "archive_ok"
    SEND_LINK = "send"  # a new link into the student's chat


class StudentCb(CallbackData, prefix="stu"):
    """A student card action for one student."""

    action: StudentAction
    student_id: Number


class LinkAction(StrEnum):
    """What a button about a student's link does; regenerating and revoking ask first."""

    CARD = "card"
    QR = "qr"
    LIMITS = "limits"
    REGENERATE = "regen"
    REVOKE = "revoke"
    REGENERATE_CONFIRMED = "regen_ok"
    REVOKE_CONFIRMED = "revoke_ok"
    KEEP = "keep"


class LinkCb(CallbackData, prefix="lnk"):
    """A link card action for the link of one student."""

    action: LinkAction
    student_id: Number


class LinkLimitCb(CallbackData, prefix="lim"):
    """Set one limit of a student's link to a value; 0 means no limit."""

    student_id: Number
    limit: LinkLimit
    value: Number


# --- hours, time off and the schedule (issue 3) ---


class WindowAction(StrEnum):
    """What a button about a weekly window does."""

    REMOVE = "rm"
    CONFIRM = "ok"  # remove it, cancelling the lessons the teacher agreed to
    KEEP = "no"


class WindowCb(CallbackData, prefix="win"):
    """Remove a window; CONFIRM carries how many lessons the teacher agreed to cancel."""

    action: WindowAction
    window_id: Number
    lessons: Number = 0


class BlockChoice(IntEnum):
    """The answer to the /block request waiting in the state, when lessons are booked then."""

    KEEP = 0  # keep the lessons: drop the request
    TELL = 1  # cancel them, telling the students the reason
    SILENT = 2  # cancel them without the reason


class BlockCb(CallbackData, prefix="blk"):
    """An answer to the /block question."""

    choice: Annotated[BlockChoice, DIGITS]


class TimeOffScreen(StrEnum):
    """The screen a time off button was on, shown again after the removal."""

    HOURS = "h"
    UNBLOCK = "u"


class TimeOffCb(CallbackData, prefix="off"):
    """Remove time off from a screen."""

    time_off_id: Number
    screen: TimeOffScreen


class ScheduleCb(CallbackData, prefix="sch"):
    """A week of /schedule, counted from this week."""

    week_offset: Number


class CancelStep(StrEnum):
    """A step of cancelling a lesson from /schedule."""

    ASK = "ask"  # ask for a reason
    NOW = "now"  # cancel without a reason
    CONFIRM = "ok"  # cancel with the reason typed
    KEEP = "keep"


class LessonCancelCb(CallbackData, prefix="lcx"):
    """Cancel a booked lesson from /schedule."""

    step: CancelStep
    booking_id: Number


# --- analytics, audit and exports (issue 6) ---


class StatsView(StrEnum):
    """How /stats shows a period."""

    TEXT = "t"
    HEATMAP = "h"
    PER_WEEK = "b"  # bookings per week


class StatsCb(CallbackData, prefix="sa"):
    """/stats of a period, shown one way."""

    period: PeriodKey
    view: StatsView


class StudentStatsCb(CallbackData, prefix="sst"):
    """One student's figures and past lessons (from the student card)."""

    student_id: Number


class EventsCb(CallbackData, prefix="aud"):
    """A page of a student's audit events, newest first."""

    student_id: Number
    page: Number


class Attendance(IntEnum):
    """How a past lesson went."""

    NO_SHOW = 0
    ATTENDED = 1


class AttendCb(CallbackData, prefix="att"):
    """Mark a past lesson attended or a no-show."""

    booking_id: Number
    attendance: Annotated[Attendance, DIGITS]


class ExportKind(StrEnum):
    """What /export sends."""

    BOOKINGS = "b"  # CSV
    AUDIT = "a"  # CSV
    CALENDAR = "i"  # .ics of the coming lessons (the period is not used)


class ExportCb(CallbackData, prefix="exp"):
    """/export: a kind of file for a period."""

    kind: ExportKind
    period: PeriodKey


# --- API keys (issue 16) ---


class ApiKeyAction(StrEnum):
    """What a button on the API keys screen does; revoking asks first."""

    LIST = "list"
    NEW = "new"
    REVOKE = "revoke"
    REVOKE_CONFIRMED = "revoke_ok"


class ApiKeyCb(CallbackData, prefix="apk"):
    """An API keys screen action, about one key (0: none)."""

    action: ApiKeyAction
    key_id: Number = 0
