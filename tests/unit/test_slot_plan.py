"""Which planned slots are free, batches and the ceiling: plain rules, no database."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import TooManySlots
from bot.domain.slot_plan import MAX_OPEN_SLOTS, PlannedSlot, batches, check_ceiling, free_of

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def planned(*spans: tuple[int, int]) -> list[PlannedSlot]:
    return [PlannedSlot(at(a), at(b), 1, 1, "") for a, b in spans]


def starts(slots: list[PlannedSlot]) -> list[int]:
    return [int((s.starts_at - T0).total_seconds() // 60) for s in slots]


def test_a_slot_touching_taken_time_is_free_and_one_overlapping_it_is_not() -> None:
    wanted = planned((0, 60), (60, 120), (120, 180), (180, 240))
    taken = [(at(150), at(170)), (at(-30), at(0))]  # unsorted; one ends where a slot begins
    assert starts(free_of(wanted, taken)) == [0, 60, 180]


def test_taken_spans_that_overlap_each_other_are_merged() -> None:
    wanted = planned((0, 10), (10, 20), (20, 30), (30, 40), (40, 50))
    taken = [(at(5), at(25)), (at(12), at(15)), (at(24), at(31))]
    assert starts(free_of(wanted, taken)) == [40]


def test_planned_slots_overlapping_each_other_keep_the_earlier() -> None:
    wanted = planned((0, 60), (30, 90), (60, 120))
    assert starts(free_of(wanted, [])) == [0, 60]


def test_the_sweep_agrees_with_checking_every_pair() -> None:
    rng = random.Random(7)
    for _ in range(200):
        wanted = planned(
            *sorted((a, a + rng.choice([10, 30, 60])) for a in rng.sample(range(0, 2000, 10), 40))
        )
        taken = [(at(a), at(a + rng.randint(1, 90))) for a in rng.sample(range(2000), 30)]
        expected: list[PlannedSlot] = []
        for slot in wanted:
            clash = [*taken, *((p.starts_at, p.ends_at) for p in expected)]
            if not any(slot.starts_at < e and s < slot.ends_at for s, e in clash):
                expected.append(slot)
        assert free_of(wanted, taken) == expected


def test_batches_are_consecutive_and_bounded() -> None:
    wanted = planned(*((i, i + 1) for i in range(1201)))
    chunks = list(batches(wanted, 500))
    assert [len(c) for c in chunks] == [500, 500, 201]
    assert [s for c in chunks for s in c] == wanted


def test_the_ceiling_counts_what_is_open_already() -> None:
    check_ceiling(would_open=100, open_now=MAX_OPEN_SLOTS - 100)
    check_ceiling(would_open=0, open_now=MAX_OPEN_SLOTS + 10)  # nothing new: nothing to refuse
    with pytest.raises(TooManySlots) as refused:
        check_ceiling(would_open=101, open_now=MAX_OPEN_SLOTS - 100)
    assert refused.value == TooManySlots(101, MAX_OPEN_SLOTS, MAX_OPEN_SLOTS - 100)
