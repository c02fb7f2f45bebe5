"""Weekly series rules: wall time across daylight saving, the spring gap, lengths offered."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from bot.domain.model import Actor, TeacherSettings
from bot.domain.series import (
    ONGOING,
    Series,
    SeriesStatus,
    SeriesUnavailable,
    due_dates,
    local_start,
    refusal_to_start,
    until_date,
    week_choices,
)

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _series(first: date, weeks: int, at: time = time(17, 0)) -> Series:
    return Series(
        id=1,
        teacher_id=1,
        student_id=1,
        weekday=first.weekday(),
        local_time=at,
        minutes=60,
        first_date=first,
        until_date=until_date(first, weeks),
        status=SeriesStatus.ACTIVE,
        created_by=Actor.STUDENT,
        created_at=T0,
    )


def test_berlin_17_00_is_15_00_utc_in_summer_and_16_00_in_winter() -> None:
    assert local_start(date(2027, 3, 23), time(17), "Europe/Berlin") == datetime(
        2027, 3, 23, 16, tzinfo=UTC
    )
    assert local_start(date(2027, 3, 30), time(17), "Europe/Berlin") == datetime(
        2027, 3, 30, 15, tzinfo=UTC
    )


def test_a_time_in_the_spring_gap_does_not_exist() -> None:
    assert local_start(date(2027, 3, 28), time(2, 30), "Europe/Berlin") is None
    assert local_start(date(2027, 3, 28), time(3, 30), "Europe/Berlin") is not None


def test_due_dates_are_weekly_within_the_horizon_and_skip_what_was_tried() -> None:
    series = _series(date(2027, 3, 2), 8)
    horizon_end = datetime(2027, 3, 24, tzinfo=UTC)
    assert due_dates(series, "Europe/Berlin", set(), series.first_date, horizon_end) == [
        date(2027, 3, 2),
        date(2027, 3, 9),
        date(2027, 3, 16),
        date(2027, 3, 23),
    ]
    tried = {date(2027, 3, 2), date(2027, 3, 16)}
    assert due_dates(series, "Europe/Berlin", tried, date(2027, 3, 3), horizon_end) == [
        date(2027, 3, 9),
        date(2027, 3, 23),
    ]


def test_a_counted_series_ends_on_its_last_week() -> None:
    series = _series(date(2027, 3, 2), 2)
    far = datetime(2028, 1, 1, tzinfo=UTC)
    assert due_dates(series, "UTC", set(), series.first_date, far) == [
        date(2027, 3, 2),
        date(2027, 3, 9),
    ]
    assert until_date(date(2027, 3, 2), ONGOING) is None


def test_lengths_offered_stay_within_the_teachers_maximum() -> None:
    assert week_choices(TeacherSettings()) == (4, 8, 12, ONGOING)
    assert week_choices(TeacherSettings(series_max_weeks=6)) == (4, 6, ONGOING)
    assert week_choices(TeacherSettings(series_enabled=False)) == ()
    settings = replace(TeacherSettings(), series_max_weeks=6)
    refused = refusal_to_start(settings, 8)
    assert refused is not None and refused.reason == SeriesUnavailable.TOO_LONG
    assert refusal_to_start(settings, ONGOING) is None
    off = refusal_to_start(replace(settings, series_enabled=False), 4)
    assert off is not None and off.reason == SeriesUnavailable.OFF
