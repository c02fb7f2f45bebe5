"""Refused tokens slow an account down, then block it for a while; typos cost nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.links import throttled_until

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _ago(*seconds: int) -> list[datetime]:
    return [NOW - timedelta(seconds=s) for s in seconds]


def test_two_typos_hold_nobody_back() -> None:
    assert throttled_until(_ago(5, 40), NOW) is None


def test_the_third_refusal_slows_the_account_down() -> None:
    assert throttled_until(_ago(1, 60, 120), NOW) == NOW + timedelta(seconds=29)
    assert throttled_until(_ago(31, 60, 120), NOW) is None, "after the pause the next try is free"


def test_the_fifth_refusal_blocks_for_ten_minutes() -> None:
    assert throttled_until(_ago(0, 40, 80, 120, 160), NOW) == NOW + timedelta(minutes=10)


def test_old_refusals_fall_out_of_the_window() -> None:
    assert throttled_until(_ago(11 * 60, 12 * 60, 13 * 60, 14 * 60, 15 * 60), NOW) is None
