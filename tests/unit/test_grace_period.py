"""The grace period after booking: when a student may still cancel or move, on a fixed clock."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.booking import (
    change_deadline,
    student_change,
    undo_minutes_if_booked,
    undo_until,
)
from bot.domain.clock import ManualClock
from bot.domain.errors import CancellationWindowPassed, InvalidInput
from bot.domain.model import Booking, BookingStatus, Slot, TeacherSettings
from bot.domain.teacher_settings import Setting, apply_setting, setting_value
from bot.services.booking import Lesson
from handlers.change_policy import inside_window_note, undo_line
from tests.sample_notices import lesson as sample_lesson
from views.i18n import make_i18n

BOOKED_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DEFAULTS = TeacherSettings()  # 2 h notice, 24 h window, 10 min grace


def _slot(starts_in: timedelta) -> Slot:
    start = BOOKED_AT + starts_in
    return Slot(1, 1, start, start + timedelta(hours=1), capacity=1, booked=1)


def _booking() -> Booking:
    return Booking(1, 1, 1, BookingStatus.CONFIRMED, created_at=BOOKED_AT)


def _may_change(clock: ManualClock, slot: Slot, settings: TeacherSettings = DEFAULTS) -> bool:
    return student_change(slot, _booking(), settings, clock.now()).allowed


def test_a_lesson_booked_inside_the_window_can_be_undone_within_the_grace_period() -> None:
    clock, slot = ManualClock(BOOKED_AT), _slot(timedelta(hours=3))
    assert _may_change(clock, slot)
    clock.advance(timedelta(minutes=10))
    assert _may_change(clock, slot)  # the tenth minute still counts
    clock.advance(timedelta(seconds=1))
    assert not _may_change(clock, slot)
    assert change_deadline(slot, _booking(), DEFAULTS) == BOOKED_AT + timedelta(minutes=10)


def test_with_no_grace_period_a_lesson_inside_the_window_cannot_be_changed() -> None:
    clock, slot = ManualClock(BOOKED_AT), _slot(timedelta(hours=3))
    settings = replace(DEFAULTS, grace_minutes=0)
    assert not _may_change(clock, slot, settings)
    assert undo_until(slot, _booking(), settings) is None


def test_outside_the_window_the_window_decides_and_the_grace_period_adds_nothing() -> None:
    clock, slot = ManualClock(BOOKED_AT), _slot(timedelta(days=3))
    edge = slot.starts_at - timedelta(hours=24)
    assert undo_until(slot, _booking(), DEFAULTS) is None
    assert change_deadline(slot, _booking(), DEFAULTS) == edge
    clock.set(edge)
    assert _may_change(clock, slot)
    clock.advance(timedelta(seconds=1))
    assert not _may_change(clock, slot)


def test_the_grace_period_outlasts_a_window_edge_that_comes_right_after_booking() -> None:
    slot = _slot(timedelta(hours=24, minutes=4))  # the window closes 4 minutes after booking
    assert undo_until(slot, _booking(), DEFAULTS) == BOOKED_AT + timedelta(minutes=10)
    clock = ManualClock(BOOKED_AT + timedelta(minutes=8))
    assert _may_change(clock, slot)


def test_the_grace_period_never_reaches_past_the_start() -> None:
    settings = replace(DEFAULTS, advance_notice_minutes=0, grace_minutes=60)
    slot = _slot(timedelta(minutes=30))
    assert undo_until(slot, _booking(), settings) == slot.starts_at
    clock = ManualClock(BOOKED_AT + timedelta(minutes=29))
    assert _may_change(clock, slot, settings)
    clock.set(slot.starts_at)
    assert not _may_change(clock, slot, settings)  # the lesson has begun


def test_the_card_knows_how_long_a_booking_made_now_could_be_undone() -> None:
    now = BOOKED_AT
    assert undo_minutes_if_booked(_slot(timedelta(days=2)), DEFAULTS, now) is None
    assert undo_minutes_if_booked(_slot(timedelta(hours=3)), DEFAULTS, now) == 10
    no_grace = replace(DEFAULTS, grace_minutes=0)
    assert undo_minutes_if_booked(_slot(timedelta(hours=3)), no_grace, now) == 0
    long_grace = replace(DEFAULTS, grace_minutes=60)
    assert undo_minutes_if_booked(_slot(timedelta(minutes=25)), long_grace, now) == 25


@pytest.mark.parametrize(
    ("typed", "minutes"), [("10", 10), ("0", 0), ("off", 0), ("60", 60), ("1h", 60), ("5m", 5)]
)
def test_the_grace_setting_reads_minutes_from_0_to_60(typed: str, minutes: int) -> None:
    changed = apply_setting(DEFAULTS, Setting.GRACE, typed)
    assert changed.grace_minutes == minutes
    assert setting_value(changed, Setting.GRACE) == minutes


@pytest.mark.parametrize("typed", ["61", "2h", "ten", "-5", ""])
def test_the_grace_setting_refuses_what_is_not_0_to_60_minutes(typed: str) -> None:
    with pytest.raises(InvalidInput):
        apply_setting(DEFAULTS, Setting.GRACE, typed)


@pytest.mark.parametrize(
    ("locale", "n", "expected"),
    [
        ("en", 1, "only in the next 1 minute."),
        ("en", 10, "only in the next 10 minutes."),
        ("en", 0, "you will not be able to cancel or move it yourself."),
        ("ru", 1, "в течение 1 минуты."),
        ("ru", 3, "в течение 3 минут."),
        ("ru", 10, "в течение 10 минут."),
        ("ru", 21, "в течение 21 минуты."),
        ("ru", 0, "вы не сможете сами отменить или перенести его."),
    ],
)
def test_the_warning_on_the_card_counts_minutes_in_each_language(
    locale: str, n: int, expected: str
) -> None:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale(locale):
        note = inside_window_note("24 hours" if locale == "en" else "24 часа", n)
    assert note.startswith("⚠️ ")
    assert note.endswith(expected)


def test_the_confirmation_names_the_undo_deadline_in_the_viewers_zone() -> None:
    undo = BOOKED_AT + timedelta(minutes=10)
    facts = sample_lesson(BOOKED_AT + timedelta(hours=3), teacher_tz="Europe/Berlin")
    lesson = Lesson(
        **asdict(replace(facts, change_deadline=undo)),
        slot_id=1,
        status=BookingStatus.CONFIRMED,
        undo_until=undo,
    )
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale("en"):
        assert undo_line(lesson, "Europe/Berlin") == "You can undo this booking until 10:10."
        assert undo_line(replace(lesson, undo_until=None), "Europe/Berlin") == ""
    with i18n.context(), i18n.use_locale("ru"):
        assert undo_line(lesson, "Europe/Berlin") == (
            "Отменить или перенести этот урок можно до 10:10."
        )


def test_a_change_past_the_window_is_refused_saying_how_long_the_window_is() -> None:
    clock = ManualClock(BOOKED_AT + timedelta(minutes=11))  # the grace period is over
    decision = student_change(_slot(timedelta(hours=3)), _booking(), DEFAULTS, clock.now())
    assert not decision.allowed
    with pytest.raises(CancellationWindowPassed) as refused:
        decision.require()
    assert refused.value.window_minutes == DEFAULTS.cancel_window_minutes
