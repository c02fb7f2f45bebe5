"""Time off reads as people say it, in the teacher's zone, in English and Russian."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.time_off import TimeOff, starting_on, time_off_label

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 23)
WHOLE = {"en": "{day}, all day", "ru": "{day}, весь день"}


def _label(start: str, end: str, locale: str, today: date = TODAY) -> str:
    s = datetime.fromisoformat(start).replace(tzinfo=BERLIN)
    e = datetime.fromisoformat(end).replace(tzinfo=BERLIN)
    return time_off_label(
        s.astimezone(UTC), e.astimezone(UTC), BERLIN, today, locale, whole_day=WHOLE[locale]
    )


@pytest.mark.parametrize(
    ("start", "end", "en", "ru"),
    [
        # a whole day, not "00:00–00:00"
        ("2026-12-02T00:00", "2026-12-03T00:00", "Wed 2 Dec, all day", "ср, 2 дек., весь день"),
        # several whole days: the last day inclusive; the year shown when the span crosses one
        (
            "2026-12-24T00:00",
            "2027-01-03T00:00",
            "24 Dec 2026 – 2 Jan 2027",
            "24 дек. 2026 – 2 янв. 2027",
        ),
        ("2026-12-21T00:00", "2026-12-24T00:00", "21 Dec – 23 Dec", "21 дек. – 23 дек."),
        # part of a day
        (
            "2026-12-02T09:00",
            "2026-12-02T12:00",
            "Wed 2 Dec, 09:00–12:00",
            "ср, 2 дек., 09:00–12:00",
        ),
        # until midnight is the end of that day
        (
            "2026-12-02T22:00",
            "2026-12-03T00:00",
            "Wed 2 Dec, 22:00–24:00",
            "ср, 2 дек., 22:00–24:00",
        ),
        # from mid-day to mid-day over days
        (
            "2026-12-02T18:00",
            "2026-12-03T09:00",
            "Wed 2 Dec 18:00 – Thu 3 Dec 09:00",
            "ср, 2 дек. 18:00 – чт, 3 дек. 09:00",
        ),
    ],
)
def test_each_shape_reads_naturally_in_both_languages(
    start: str, end: str, en: str, ru: str
) -> None:
    assert _label(start, end, "en") == en
    assert _label(start, end, "ru") == ru


def test_the_year_is_shown_when_it_is_not_this_year() -> None:
    assert _label("2027-01-05T00:00", "2027-01-06T00:00", "en") == "Tue 5 Jan 2027, all day"
    assert _label("2027-01-05T00:00", "2027-01-08T00:00", "en") == "5 Jan – 7 Jan 2027"
    assert (
        _label("2027-01-05T00:00", "2027-01-06T00:00", "en", today=date(2027, 1, 1))
        == "Tue 5 Jan, all day"
    )


def test_the_day_follows_the_teachers_zone_not_utc() -> None:
    # Midnight in Berlin is 23:00 UTC the day before: still "Wed 2 Dec, all day" in Berlin.
    start = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    end = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)
    assert time_off_label(start, end, BERLIN, TODAY, "en") == "Wed 2 Dec, all day"
    assert time_off_label(start, end, ZoneInfo("UTC"), TODAY, "en") == (
        "Tue 1 Dec 23:00 – Wed 2 Dec 23:00"
    )


def test_a_day_finds_the_time_off_starting_on_it_in_the_teachers_zone() -> None:
    today = TimeOff(2, 7, datetime(2026, 12, 2, tzinfo=UTC), datetime(2026, 12, 3, tzinfo=UTC))
    later = TimeOff(
        3, 7, datetime(2026, 12, 24, 9, tzinfo=UTC), datetime(2026, 12, 24, 12, tzinfo=UTC)
    )
    assert starting_on([today, later], date(2026, 12, 24), BERLIN) == [later]
    assert starting_on([today, later], date(2026, 12, 25), BERLIN) == []
