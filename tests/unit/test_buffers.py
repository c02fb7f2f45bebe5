"""The buffer rule, who the booking rules bind, extra lessons as typed, the buffer setting."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.booking import may_change, refusal_to_book
from bot.domain.buffers import too_close
from bot.domain.errors import CancellationWindowPassed, InvalidInput, SlotUnavailable
from bot.domain.extra_lessons import ExtraSpec, extra_times, parse_extra
from bot.domain.model import Actor, Booking, BookingStatus, Slot, TeacherSettings
from bot.domain.teacher_settings import Setting, apply_choice, apply_setting

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TEN = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def _slot(
    slot_id: int, start: datetime, minutes: int = 60, booked: int = 0, seats: int = 1
) -> Slot:
    return Slot(slot_id, 1, start, start + timedelta(minutes=minutes), seats, booked)


BOOKED_10 = _slot(1, TEN, booked=1)


@pytest.mark.parametrize(
    ("start", "buffer", "close"),
    [
        (TEN + timedelta(hours=1), 0, False),  # right after, no buffer
        (TEN + timedelta(hours=1), 10, True),  # right after, 10 minutes wanted
        (TEN + timedelta(minutes=70), 10, False),  # exactly the buffer left
        (TEN + timedelta(minutes=69), 10, True),
        (TEN - timedelta(minutes=70), 10, False),  # before it, exactly the buffer left
        (TEN - timedelta(minutes=65), 10, True),
        (TEN + timedelta(minutes=30), 0, True),  # an overlap is always too close
    ],
)
def test_a_slot_is_too_close_when_it_leaves_less_than_the_buffer(
    start: datetime, buffer: int, close: bool
) -> None:
    assert too_close(_slot(2, start), [BOOKED_10], buffer) is close


def test_only_booked_slots_count_and_never_the_slot_itself() -> None:
    empty_neighbour = _slot(3, TEN + timedelta(hours=1))
    group = _slot(4, TEN, booked=1, seats=3)
    assert not too_close(_slot(2, TEN + timedelta(hours=2)), [empty_neighbour], 60)
    assert not too_close(group, [group], 30)  # a group slot stays open to its free seats
    assert too_close(_slot(5, TEN + timedelta(hours=1)), [group], 30)


def test_notice_and_horizon_bind_students_not_the_teacher() -> None:
    settings = TeacherSettings(advance_notice_minutes=24 * 60, horizon_days=7)
    soon, far = _slot(1, NOW + timedelta(hours=1)), _slot(2, NOW + timedelta(days=30))
    assert refusal_to_book(soon, settings, NOW) == SlotUnavailable.TOO_SOON
    assert refusal_to_book(far, settings, NOW) == SlotUnavailable.TOO_FAR
    assert refusal_to_book(soon, settings, NOW, Actor.TEACHER) is None
    assert refusal_to_book(far, settings, NOW, Actor.TEACHER) is None
    full = _slot(3, NOW + timedelta(hours=1), booked=1)
    assert refusal_to_book(full, settings, NOW, Actor.TEACHER) == SlotUnavailable.FULL
    started = _slot(4, NOW - timedelta(minutes=1))
    assert refusal_to_book(started, settings, NOW, Actor.TEACHER) == SlotUnavailable.STARTED


def test_the_cancellation_window_binds_students_not_the_teacher() -> None:
    settings = TeacherSettings(cancel_window_minutes=24 * 60, grace_minutes=0)
    slot = _slot(1, NOW + timedelta(hours=2), booked=1)
    lesson = Booking(1, 1, 1, BookingStatus.CONFIRMED, NOW - timedelta(days=3))
    with pytest.raises(CancellationWindowPassed):
        may_change(slot, lesson, settings, NOW, Actor.STUDENT).require()
    may_change(slot, lesson, settings, NOW, Actor.TEACHER).require()


@pytest.mark.parametrize(
    ("typed", "spec"),
    [
        ("2026-12-05 18:00", ExtraSpec(date(2026, 12, 5), time(18), None, "")),
        (
            "2026-12-05 18:00 45 Chess club",
            ExtraSpec(date(2026, 12, 5), time(18), 45, "Chess club"),
        ),
        ("2026-12-05 18:00-19:30 Math", ExtraSpec(date(2026, 12, 5), time(18), 90, "Math")),
        ("2026-12-05 23:00-00:00", ExtraSpec(date(2026, 12, 5), time(23), 60, "")),
    ],
)
def test_an_extra_lesson_is_typed_like_addslots(typed: str, spec: ExtraSpec) -> None:
    assert parse_extra(typed) == spec


@pytest.mark.parametrize(
    ("typed", "what"),
    [
        ("", "date"),
        ("tomorrow 18:00", "date"),
        ("2026-12-05", "extra_time"),
        ("2026-12-05 25:00", "extra_time"),
        ("2026-12-05 18:00 5", "length"),
        ("2026-12-05 18:00 600", "length"),
    ],
)
def test_a_mistyped_extra_lesson_names_the_wrong_part(typed: str, what: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_extra(typed)
    assert refused.value.what == what


def test_an_extra_lesson_is_placed_in_the_teachers_zone_and_never_in_the_past() -> None:
    spec = parse_extra("2026-11-24 18:00")
    start, end = extra_times(spec, 60, "Europe/Berlin", NOW)
    assert (start, end) == (
        datetime(2026, 11, 24, 17, tzinfo=UTC),
        datetime(2026, 11, 24, 18, tzinfo=UTC),
    )
    with pytest.raises(InvalidInput):
        extra_times(parse_extra("2026-11-23 09:30"), 60, "Europe/Berlin", NOW)  # 08:30 UTC
    with pytest.raises(InvalidInput):  # the clocks skip 02:30 on 28 March 2027 in Berlin
        extra_times(parse_extra("2027-03-28 02:30"), 60, "Europe/Berlin", NOW)


def test_the_buffer_setting_takes_the_offered_values_and_typed_minutes_up_to_two_hours() -> None:
    settings = TeacherSettings()
    assert settings.buffer_minutes == 0
    assert apply_choice(settings, Setting.BUFFER, "15").buffer_minutes == 15
    assert apply_setting(settings, Setting.BUFFER, "1h").buffer_minutes == 60
    assert apply_setting(settings, Setting.BUFFER, "off").buffer_minutes == 0
    with pytest.raises(InvalidInput):
        apply_setting(settings, Setting.BUFFER, "121")
