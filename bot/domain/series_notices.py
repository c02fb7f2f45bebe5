"""Notices about weekly series: booked, weeks skipped as it rolls, cancelled from a lesson on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.model import Actor
from bot.domain.notices import Notice, NoticeKind


@dataclass(frozen=True)
class SeriesFacts:
    """What any notice about a weekly series says about it: who, with whom, how long."""

    series_id: int
    teacher_name: str
    teacher_tz: str
    student_name: str
    colour: int
    minutes: int
    subject: str = ""


@dataclass(frozen=True, kw_only=True)
class SeriesNotice(Notice):
    """A notice about a weekly series and its lessons' times (UTC); its facts stored flat."""

    series: SeriesFacts


@dataclass(frozen=True, kw_only=True)
class SeriesBooked(SeriesNotice, kind=NoticeKind.SERIES_BOOKED):
    """To the other party: a weekly series was booked; its first lessons and the weeks skipped."""

    by: Actor
    booked: tuple[datetime, ...]
    skipped: tuple[datetime, ...] = ()
    ongoing: bool = False


@dataclass(frozen=True, kw_only=True)
class SeriesSkipped(SeriesNotice, kind=NoticeKind.SERIES_SKIPPED):
    """To the student and the teacher: weeks of a series that could not be booked as it rolled."""

    skipped: tuple[datetime, ...]


@dataclass(frozen=True, kw_only=True)
class SeriesCancelled(SeriesNotice, kind=NoticeKind.SERIES_CANCELLED):
    """To the other party: a series was cancelled from one lesson on (all later ones too)."""

    by: Actor
    cancelled: tuple[datetime, ...]
    reason: str = ""
