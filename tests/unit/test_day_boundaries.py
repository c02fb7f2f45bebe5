"""Day boundaries in a zone: a moment lies between its local day's bounds, DST or not."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.calendar_days import local_moment

# Clocks that skip or repeat midnight (Santiago, Havana), move by half an hour (Lord Howe),
# an hour and a half away from UTC (Tehran, no DST since 2022), or jump a whole day (Apia
# in 2011, outside this year: here only its ordinary offset).
ZONES = [
    "Europe/Berlin",
    "America/Santiago",
    "America/Havana",
    "Australia/Lord_Howe",
    "Asia/Tehran",
    "Pacific/Apia",
    "America/St_Johns",
]


@pytest.mark.parametrize("zone", ZONES)
def test_every_half_hour_of_a_year_lies_within_its_local_days_bounds(zone: str) -> None:
    moment, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    while moment < end:
        day = moment.astimezone(ZoneInfo(zone)).date()
        assert local_moment(day, 0, zone) <= moment < local_moment(day, 24, zone), moment
        moment += timedelta(minutes=30)


@pytest.mark.parametrize("zone", ZONES)
def test_the_parts_of_a_day_split_it_by_the_local_hour(zone: str) -> None:
    day = date(2026, 1, 1)
    while day.year == 2026:
        bounds = [local_moment(day, hour, zone) for hour in (0, 12, 17, 24)]
        assert bounds == sorted(bounds)
        for hour, bound in zip((12, 17), bounds[1:3], strict=True):
            assert bound.astimezone(ZoneInfo(zone)).hour == hour
            assert (bound - timedelta(minutes=1)).astimezone(ZoneInfo(zone)).hour < hour
        day += timedelta(days=1)


def test_a_skipped_midnight_starts_the_day_when_the_clocks_jump() -> None:
    # Santiago skips 00:00-01:00 on Sunday 6 September 2026 (DST begins at midnight).
    start = local_moment(date(2026, 9, 6), 0, "America/Santiago")
    assert start.astimezone(ZoneInfo("America/Santiago")).replace(tzinfo=None) == datetime(
        2026, 9, 6, 1, 0
    )
