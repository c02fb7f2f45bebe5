"""Reading a teacher's own calendar: which events block time, and which addresses are taken."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.busy_time import UnreadableFeed, changes, merged, read_busy, tell_failure
from bot.domain.errors import InvalidInput
from bot.services.busy_calendar import calendar_address

START, END = datetime(2027, 1, 4, tzinfo=UTC), datetime(2027, 1, 18, tzinfo=UTC)


def feed(*events: str) -> bytes:
    body = "".join(
        f"BEGIN:VEVENT\nUID:{i}@t\nDTSTAMP:20270101T000000Z\n{e}\nEND:VEVENT\n"
        for i, e in enumerate(events)
    )
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\n{body}END:VCALENDAR\n".encode()


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 1, day, hour, minute, tzinfo=UTC)


def test_a_weekly_event_with_a_count_and_an_exception_blocks_each_remaining_week() -> None:
    raw = feed(
        "DTSTART:20270105T100000Z\nDTEND:20270105T110000Z\nRRULE:FREQ=WEEKLY;COUNT=3\n"
        "EXDATE:20270112T100000Z"
    )
    assert read_busy(raw, START, END, "UTC").stretches == [(at(5, 10), at(5, 11))]


def test_floating_times_and_all_day_events_are_read_in_the_teachers_zone() -> None:
    raw = feed(
        "DTSTART:20270106T090000\nDURATION:PT30M",  # floating: 09:00 in Berlin
        "DTSTART;VALUE=DATE:20270108",  # all day, no DTEND: that one day
    )
    assert read_busy(raw, START, END, "Europe/Berlin").stretches == [
        (at(6, 8), at(6, 8, 30)),
        (at(7, 23), at(8, 23)),
    ]


def test_free_and_cancelled_events_block_nothing() -> None:
    raw = feed(
        "DTSTART:20270105T100000Z\nDTEND:20270105T110000Z\nTRANSP:TRANSPARENT",
        "DTSTART:20270105T120000Z\nDTEND:20270105T130000Z\nSTATUS:CANCELLED",
    )
    assert read_busy(raw, START, END, "UTC").stretches == []


def test_overlapping_events_are_one_stretch_and_changes_name_only_the_difference() -> None:
    a, b, c = (at(5, 9), at(5, 11)), (at(5, 10), at(5, 12)), (at(6, 9), at(6, 10))
    assert merged([b, a, c]) == [(at(5, 9), at(5, 12)), c]
    assert changes([a, c], [c, b]) == ({a}, {b})


def test_garbage_is_an_unreadable_feed() -> None:
    with pytest.raises(UnreadableFeed):
        read_busy(b"<html>not a calendar</html>", START, END, "UTC")


def test_an_event_repeating_every_minute_is_refused_without_expanding_it_all() -> None:
    # 20,160 occurrences in the fortnight: read lazily, it stops at the cap and is refused,
    # instead of keeping the process busy for half a minute per fetch.
    raw = feed("DTSTART:20270104T000000Z\nDURATION:PT1M\nRRULE:FREQ=MINUTELY")
    with pytest.raises(UnreadableFeed, match="too many occurrences"):
        read_busy(raw, START, END, "UTC")


def test_a_busy_event_starting_after_the_window_is_not_read() -> None:
    raw = feed("DTSTART:20270120T100000Z\nDTEND:20270120T110000Z")
    assert read_busy(raw, START, END, "UTC").stretches == []


def test_the_teacher_is_told_once_from_the_third_failure() -> None:
    assert [tell_failure(n, False) for n in (1, 2, 3, 4)] == [False, False, True, True]
    assert not tell_failure(4, True)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://calendar.google.com/x/basic.ics", "https://calendar.google.com/x/basic.ics"),
        (
            "webcal://p01-caldav.icloud.com/published/2/abc",
            "https://p01-caldav.icloud.com/published/2/abc",
        ),
        ("http://127.0.0.1:5232/me/cal.ics", "http://127.0.0.1:5232/me/cal.ics"),
    ],
)
def test_calendar_addresses_taken(typed: str, stored: str) -> None:
    assert calendar_address(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "http://example.com/cal.ics",
        "ftp://example.com/cal.ics",
        "not a url",
        "https://",
        "https://a b/c",
        "https://example.com/" + "x" * 2000,
        "https://example.com/\x00",
    ],
)
def test_calendar_addresses_refused(typed: str) -> None:
    with pytest.raises(InvalidInput):
        calendar_address(typed)
