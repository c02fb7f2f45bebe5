"""A notice on its way out: what is known or decided only when it is sent (the lesson's
place and notes as they are then, whether a student may still change the lesson, a daily
agenda's lessons, a new link opened from its sealed token)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.notices import Notice


@dataclass(frozen=True)
class AgendaLesson:
    """One line of a daily agenda."""

    starts_at: datetime
    ends_at: datetime
    subject: str
    student_name: str
    colour: int


@dataclass(frozen=True)
class Outgoing:
    """A claimed notice on its way out, with what is known or decided only when it is sent."""

    id: int
    chat_id: int
    notice: Notice
    # A student's reminder: whether they may still cancel or move the lesson (the booking
    # rule decides; the view only shows the answer).
    may_change: bool = False
    lessons: tuple[AgendaLesson, ...] = ()  # a daily agenda: the day's lessons
    link: str | None = None  # a new link: the deep link opened from the sealed token
    # A lesson's place as it is when the notice goes out (bot.services.places), not as queued.
    place: str | None = None
    # A lesson notice: the lesson's notes as they are now, not as they were when it was queued.
    teacher_note: str = ""
    student_note: str = ""
