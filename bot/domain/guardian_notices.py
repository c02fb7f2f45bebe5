"""Notices to and about guardians: a followed student's lessons, a guardian link opened twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.model import Actor
from bot.domain.notices import LessonNotice, Notice, NoticeKind, Reminder


class GuardianEvent(StrEnum):
    """What a guardian is told about the lesson of a student they follow."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    MOVED = "moved"


@dataclass(frozen=True, kw_only=True)
class GuardianNotice(LessonNotice, kind=NoticeKind.GUARDIAN):
    """To a connected guardian (their own row, language and zone; `guardian_id` is checked at
    send time): a followed student's lesson was booked, cancelled or moved. guardian_id 0: the
    student's own copy when a guardian acted for them."""

    guardian_id: int
    event: GuardianEvent
    by: Actor = Actor.STUDENT
    old_starts_at: datetime | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class GuardianReminder(Reminder, kind=NoticeKind.GUARDIAN_REMINDER):
    """To a connected guardian: the followed student's lesson is coming."""

    guardian_id: int


@dataclass(frozen=True, kw_only=True)
class GuardianBoundElsewhere(Notice, kind=NoticeKind.GUARDIAN_BOUND_ELSEWHERE):
    """To the teacher: another account tried to open a guardian link already connected."""

    teacher_id: int
    student_id: int
    guardian_id: int
    student_name: str
    colour: int
