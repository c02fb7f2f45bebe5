"""Domain rules of the teacher's side: availability commands, DST, settings and zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidInput, UnknownTimezone
from bot.domain.model import TeacherSettings, Window
from bot.domain.teacher_settings import Setting, apply_setting
from bot.domain.timeslots import window_slots, windows_overlap
from bot.domain.windows import (
    block_bounds,
    check_length,
    parse_block_args,
    parse_window_args,
    window_label,
)
from bot.domain.zones import resolve_timezone

BERLIN = ZoneInfo("Europe/Berlin")

ZONE_NOW = datetime(2026, 12, 1, 11, 5, tzinfo=UTC)


def _weekly(weekday: int, start: str, end: str, minutes: int = 60) -> Window:
    hours = time.fromisoformat(start), time.fromisoformat(end)
    return Window(1, 1, *hours, minutes, weekday=weekday)


def test_weekly_command_reads_weekday_hours_length_seats_and_subject() -> None:
    spec = parse_window_args("mon 10:00-14:00 60 x3 Math exam prep")
    assert (spec.weekday, spec.on_date) == (0, None)
    assert (spec.start, spec.end) == (time(10), time(14))
    assert (spec.slot_minutes, spec.capacity, spec.subject) == (60, 3, "Math exam prep")


def test_a_date_instead_of_a_weekday_makes_a_one_day_window() -> None:
    spec = parse_window_args("2026-12-05 9:00-12:00 45 Piano")
    assert (spec.weekday, spec.on_date) == (None, date(2026, 12, 5))
    assert (spec.start, spec.slot_minutes, spec.subject) == (time(9), 45, "Piano")


def test_full_weekday_names_and_no_length_are_accepted() -> None:
    spec = parse_window_args("Wednesday 16:00-18:00")
    assert spec.weekday == 2 and spec.slot_minutes is None and spec.subject == ""


@pytest.mark.parametrize(
    ("args", "what"),
    [
        ("mond 10:00-14:00", "weekday"),
        ("2026-13-05 10:00-14:00", "weekday"),
        ("mon 14:00-10:00", "time"),
        ("mon 25:00-26:00", "time"),
        ("mon", "time"),
        ("mon 10:00-11:00 60 x0", "capacity"),
    ],
)
def test_wrong_parts_of_the_command_are_named(args: str, what: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_window_args(args)
    assert caught.value.what == what


def test_slot_length_must_be_sane_and_fit_the_window() -> None:
    spec = parse_window_args("mon 10:00-11:00")
    check_length(spec, 60)
    with pytest.raises(InvalidInput, match="length"):
        check_length(spec, 5)
    with pytest.raises(InvalidInput) as caught:
        check_length(spec, 90)
    assert caught.value.what == "length_fit"


@pytest.mark.parametrize(
    ("change_day", "before", "after"),
    [
        (date(2026, 3, 29), date(2026, 3, 23), date(2026, 3, 30)),
        (date(2026, 10, 25), date(2026, 10, 19), date(2026, 10, 26)),
    ],
)
def test_weekly_ten_oclock_stays_ten_local_across_the_clock_change(
    change_day: date, before: date, after: date
) -> None:
    window = _weekly(0, "10:00", "11:00")
    start = datetime.combine(before, time(0), tzinfo=UTC)
    end = datetime.combine(after, time(23), tzinfo=UTC)
    slots = window_slots(window, BERLIN, start, end)
    assert [s.astimezone(BERLIN).time() for s, _ in slots] == [time(10), time(10)]
    assert all((e - s).total_seconds() == 3600 for s, e in slots)
    # The UTC hour moves by one: the local hour is what the teacher promised.
    assert slots[0][0].hour != slots[1][0].hour


def test_overlap_is_found_between_weekly_and_one_day_windows() -> None:
    monday = _weekly(0, "10:00", "14:00")
    on_a_monday = Window(2, 1, time(13), time(15), 60, on_date=date(2026, 11, 30))
    tuesday = _weekly(1, "10:00", "14:00")
    assert windows_overlap(monday, on_a_monday)
    assert not windows_overlap(tuesday, on_a_monday)
    assert not windows_overlap(monday, _weekly(0, "14:00", "15:00"))
    assert window_label(monday) == "mon 10:00-14:00"


def test_block_of_a_whole_local_day_covers_23_hours_on_spring_forward() -> None:
    start, end = block_bounds(parse_block_args("2026-03-29 sick"), BERLIN)
    assert (end - start).total_seconds() == 23 * 3600
    spec = parse_block_args("2026-12-24..2027-01-02 holidays")
    assert (spec.first, spec.last, spec.hours, spec.reason) == (
        date(2026, 12, 24),
        date(2027, 1, 2),
        None,
        "holidays",
    )
    part = parse_block_args("2026-12-05 09:00-12:00 dentist")
    assert part.hours == (time(9), time(12)) and part.reason == "dentist"


def test_time_zone_names_are_found_in_any_case_and_misspellings_get_suggestions() -> None:
    assert resolve_timezone("europe/berlin", ZONE_NOW) == "Europe/Berlin"
    with pytest.raises(UnknownTimezone) as caught:
        resolve_timezone("Europe/Berln", ZONE_NOW)
    assert "Europe/Berlin" in caught.value.suggestions
    with pytest.raises(UnknownTimezone) as city:
        resolve_timezone("Berlni", ZONE_NOW)
    assert "Europe/Berlin" in city.value.suggestions


def test_settings_are_parsed_with_units_and_validated() -> None:
    base = TeacherSettings()
    assert apply_setting(base, Setting.ADVANCE_NOTICE, "90m").advance_notice_minutes == 90
    assert apply_setting(base, Setting.CANCEL_WINDOW, "12").cancel_window_minutes == 12 * 60
    assert apply_setting(base, Setting.HORIZON, "56").horizon_days == 56
    assert apply_setting(base, Setting.LINK_EXPIRY, "never").link_expiry_days is None
    assert apply_setting(base, Setting.LINK_USES, "3").link_max_uses == 3
    assert apply_setting(base, Setting.REMINDERS, "1h, 24h").reminder_leads_minutes == (1440, 60)
    assert apply_setting(base, Setting.NOTIFICATIONS, "").notifications_enabled is False
    for key, text in [
        (Setting.SLOT_MINUTES, "5"),
        (Setting.HORIZON, "1000"),
        (Setting.LINK_USES, "many"),
        (Setting.REMINDERS, "1h 2h 3h 4h"),
    ]:
        with pytest.raises(InvalidInput):
            apply_setting(base, key, text)


@pytest.mark.parametrize(
    ("key", "text", "field", "stored"),
    [
        (Setting.SLOT_MINUTES, "1h", "slot_minutes", 60),
        (Setting.SLOT_MINUTES, "45", "slot_minutes", 45),
        (Setting.ADVANCE_NOTICE, "2", "advance_notice_minutes", 120),
        (Setting.HORIZON, "2d", "horizon_days", 2),
        (Setting.INACTIVE_AFTER, "30", "inactive_after_days", 30),
        (Setting.LINK_EXPIRY, "90", "link_expiry_days", 90),
        (Setting.GRACE, "15", "grace_minutes", 15),
        (Setting.GRACE, "off", "grace_minutes", 0),
        (Setting.BUFFER, "10m", "buffer_minutes", 10),
        (Setting.BUFFER, "none", "buffer_minutes", 0),
    ],
)
def test_each_duration_setting_reads_its_own_unit_and_off(
    key: Setting, text: str, field: str, stored: int
) -> None:
    assert getattr(apply_setting(TeacherSettings(), key, text), field) == stored


@pytest.mark.parametrize(
    ("key", "text"),
    [
        (Setting.SLOT_MINUTES, "off"),  # a lesson has a length
        (Setting.SLOT_MINUTES, "9h"),
        (Setting.HORIZON, "off"),
        (Setting.INACTIVE_AFTER, "0"),
        (Setting.CANCEL_WINDOW, "15d"),
        (Setting.GRACE, "61"),
        (Setting.BUFFER, "1d"),
        (Setting.LINK_EXPIRY, "3651"),
    ],
)
def test_a_duration_out_of_its_bounds_is_refused(key: Setting, text: str) -> None:
    with pytest.raises(InvalidInput):
        apply_setting(TeacherSettings(), key, text)


def test_counts_take_a_whole_number_within_bounds_or_off() -> None:
    base = TeacherSettings()
    assert apply_setting(base, Setting.LINK_USES, "off").link_max_uses is None
    weekly = apply_setting(base, Setting.SERIES, "26")
    assert weekly.series_enabled and weekly.series_max_weeks == 26
    assert not apply_setting(weekly, Setting.SERIES, "off").series_enabled
    for key, text in [(Setting.SERIES, "105"), (Setting.SERIES, "2x"), (Setting.LINK_USES, "0x")]:
        with pytest.raises(InvalidInput):
            apply_setting(base, key, text)


def test_times_with_a_zone_or_seconds_are_not_wall_times() -> None:
    from bot.domain.timeslots import parse_hhmm_range

    for text in ("10:00Z-12:00", "10:00+03:00-12:00", "10:00:30-12:00", "25:00-26:00", "1000-1200"):
        assert parse_hhmm_range(text) is None, text
    assert parse_hhmm_range("9:00-12:30") is not None


def test_a_window_ending_at_midnight_keeps_its_last_slot() -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    from bot.domain.model import Window
    from bot.domain.timeslots import cut_day, parse_hhmm_range

    hours = parse_hhmm_range("22:00-00:00")
    assert hours is not None
    window = Window(1, 1, hours[0], hours[1], 60, on_date=date(2026, 12, 2))
    slots = cut_day(window, date(2026, 12, 2), ZoneInfo("UTC"))
    assert [(s.hour, e.hour) for s, e in slots] == [(22, 23), (23, 0)]


def test_the_inactivity_period_is_a_setting() -> None:
    import pytest

    from bot.domain.errors import InvalidInput
    from bot.domain.model import TeacherSettings
    from bot.domain.teacher_settings import Setting, apply_setting

    assert apply_setting(TeacherSettings(), Setting.INACTIVE_AFTER, "14").inactive_after_days == 14
    with pytest.raises(InvalidInput):
        apply_setting(TeacherSettings(), Setting.INACTIVE_AFTER, "0")
