"""The compact callback-data codec: short prefixes, fixed action codes, opaque integer ids.

Only values travel (`prefix:value:value`), so field names say what they hold at no cost; every
class packs to at most Telegram's 64 bytes (tests/unit/test_callbacks.py packs each with its
longest values). Actions are Enums: a typo is an AttributeError or a mypy error, not a button
that silently answers "no longer valid". A prefix names one layout of fields: keep it while the
fields stay, and give a class a new prefix when its fields change, so a button sent before is
refused as no longer valid rather than read with the wrong meaning. This module holds the
codec's number type and the buttons students and teachers share; the student calendar's buttons,
which carry its cursor, are in views/calendar_callbacks.py, the teacher's in
views/teacher_callbacks.py.
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


# Read only from plain digits; an IntEnum field (its number travels) is Annotated[E, DIGITS].
DIGITS = BeforeValidator(plain_number)
Number = Annotated[int, DIGITS, Field(ge=-NUMBER_LIMIT, le=NUMBER_LIMIT)]


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


class FeedAction(StrEnum):
    """What a button on a calendar subscription screen does."""

    SHOW = "show"
    NEW = "new"
    OFF = "off"


class FeedCb(CallbackData, prefix="cf"):
    """A calendar subscription address: the teacher's own (student_id 0) or a student's."""

    action: FeedAction
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


# --- time zones typed as people type them (issue 12, bug 6) ---


class ZoneFlow(StrEnum):
    """Where a suggested zone goes: /teach, /settings, or the student's zone."""

    TEACH = "t"
    SETTINGS = "s"
    STUDENT = "u"


class ZonePickCb(CallbackData, prefix="tzp"):
    """A suggested zone pressed: `flow` says where it goes.

    The zone travels by name: the longest IANA name is 32 characters, so the packed data
    stays near 40 bytes (Telegram allows 64; tests check every zone), and the press needs no
    list kept anywhere. The name is read again as typed text, so a forged one is refused.
    """

    flow: ZoneFlow
    zone: str
