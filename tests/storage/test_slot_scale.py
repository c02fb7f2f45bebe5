"""Slots at scale on the real databases: linear overlap checks, short batches, a ceiling."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from bot.domain.clock import ManualClock
from bot.domain.errors import DomainError
from bot.domain.model import Slot
from bot.domain.teacher_settings import Setting
from bot.services import availability, teachers
from bot.services.context import Deps
from storage.repositories.slots import SqlSlots
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT

TEACHER = 9301
WHOLE_DAY = "00:00-00:00 10"  # 144 ten-minute slots a day
MONDAYS_IN_28_DAYS = 576  # from Monday 09:00: 90 + 3 x 144 + 54 (the last Monday until 09:00)
BATCH = 500  # the documented bound of slots written per transaction (bot/domain/slot_plan.py)
CEILING = 5_000  # the documented ceiling of a teacher's open slots


@pytest.fixture
def deps(uow: Callable[[], SqlUnitOfWork], clock: ManualClock) -> Deps:
    return Deps(uow=uow, clock=clock, vault=VAULT)


async def _open_slots(deps: Deps, teacher_id: int) -> list[Slot]:
    now = deps.clock.now()
    async with deps.uow() as u:
        return await u.slots.between(teacher_id, now, now + timedelta(days=400))


class Counted(datetime):
    """A datetime that counts every comparison made with it."""

    comparisons = 0

    @classmethod
    def of(cls, d: datetime) -> Counted:
        return cls(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, d.tzinfo)

    def __lt__(self, other: Any) -> bool:
        Counted.comparisons += 1
        return super().__lt__(other)

    def __le__(self, other: Any) -> bool:
        Counted.comparisons += 1
        return super().__le__(other)

    def __gt__(self, other: Any) -> bool:
        Counted.comparisons += 1
        return super().__gt__(other)

    def __ge__(self, other: Any) -> bool:
        Counted.comparisons += 1
        return super().__ge__(other)

    def __eq__(self, other: object) -> bool:
        Counted.comparisons += 1
        return super().__eq__(other)

    __hash__ = datetime.__hash__


async def test_new_hours_are_checked_against_existing_slots_in_linear_time(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    for day in ("tue", "wed", "thu", "fri", "sat", "sun"):
        await availability.add_window(deps, TEACHER, f"{day} {WHOLE_DAY}")
    existing = len(await _open_slots(deps, teacher.id))
    assert existing == 6 * 4 * 144
    # Every comparison that involves an existing slot's time is counted, wherever it is made.
    original = SqlSlots.between

    async def counted(self: SqlSlots, *args: Any, **kwargs: Any) -> list[Slot]:
        found = await original(self, *args, **kwargs)
        return [
            replace(s, starts_at=Counted.of(s.starts_at), ends_at=Counted.of(s.ends_at))
            for s in found
        ]

    monkeypatch.setattr(SqlSlots, "between", counted)
    Counted.comparisons = 0
    added = await availability.add_window(deps, TEACHER, f"mon {WHOLE_DAY}")
    assert added.slots == MONDAYS_IN_28_DAYS
    total = existing + MONDAYS_IN_28_DAYS
    # Sorting and sweeping: a few comparisons per slot and level of a sort. All pairs would
    # be 576 x 3,456 = 2 million comparisons.
    assert Counted.comparisons <= 4 * total * math.ceil(math.log2(total)), Counted.comparisons


Calls = list[tuple[object, int]]


def _spy_on_writes(monkeypatch: pytest.MonkeyPatch) -> tuple[Calls, list[object]]:
    """Record each add_many call (with its transaction) and each committed transaction."""
    calls: Calls = []
    committed: list[object] = []
    add_many, commit = SqlSlots.add_many, SqlUnitOfWork.commit

    async def spy_add(
        self: SqlSlots,
        teacher_id: int,
        window_id: int | None,
        times: Any,
        capacity: int,
        subject: str,
    ) -> int:
        times = list(times)
        calls.append((self, len(times)))
        return await add_many(self, teacher_id, window_id, times, capacity, subject)

    async def spy_commit(self: SqlUnitOfWork) -> None:
        await commit(self)
        committed.append(self.slots)

    monkeypatch.setattr(SqlSlots, "add_many", spy_add)
    monkeypatch.setattr(SqlUnitOfWork, "commit", spy_commit)
    return calls, committed


def _per_transaction(calls: Calls) -> list[int]:
    sizes: dict[int, int] = {}
    for repository, n in calls:
        sizes[id(repository)] = sizes.get(id(repository), 0) + n
    return list(sizes.values())


async def test_a_large_addslots_commits_in_batches_of_bounded_size(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    calls, committed = _spy_on_writes(monkeypatch)
    added = await availability.add_window(deps, TEACHER, f"mon {WHOLE_DAY}")
    assert added.slots == MONDAYS_IN_28_DAYS
    sizes = _per_transaction(calls)
    assert sum(sizes) == MONDAYS_IN_28_DAYS
    assert max(sizes) <= BATCH and len(sizes) >= 2, sizes
    # Each batch is a transaction of its own, committed before the next one begins.
    assert all(any(r is c for c in committed) for r, _ in calls)
    assert len(await _open_slots(deps, teacher.id)) == MONDAYS_IN_28_DAYS


async def test_a_batch_failing_half_way_keeps_what_was_opened_and_a_rerun_adds_the_rest(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    add_many = SqlSlots.add_many
    seen: list[int] = []

    async def locked_on_second(self: SqlSlots, *args: Any) -> int:
        seen.append(1)
        if len(seen) == 2:
            raise OperationalError("INSERT INTO slots", {}, Exception("database is locked"))
        return await add_many(self, *args)

    monkeypatch.setattr(SqlSlots, "add_many", locked_on_second)
    first = await availability.add_window(deps, TEACHER, f"mon {WHOLE_DAY} x3 Math")
    opened = len(await _open_slots(deps, teacher.id))
    assert 0 < first.slots == opened < MONDAYS_IN_28_DAYS
    assert first.unfinished == MONDAYS_IN_28_DAYS - opened  # type: ignore[attr-defined]
    monkeypatch.setattr(SqlSlots, "add_many", add_many)
    again = await availability.add_window(deps, TEACHER, f"mon {WHOLE_DAY} x3 Math")
    assert again.resumed and again.window.id == first.window.id  # type: ignore[attr-defined]
    assert again.slots == MONDAYS_IN_28_DAYS - opened
    slots = await _open_slots(deps, teacher.id)
    assert len(slots) == len({s.starts_at for s in slots}) == MONDAYS_IN_28_DAYS
    assert all(s.capacity == 3 and s.subject == "Math" for s in slots)
    third = await availability.add_window(deps, TEACHER, f"mon {WHOLE_DAY} x3 Math")
    assert third.slots == 0 and len(await _open_slots(deps, teacher.id)) == MONDAYS_IN_28_DAYS
    async with deps.uow() as u:
        assert len(await u.availability.windows(teacher.id)) == 1


async def test_hours_past_the_ceiling_are_refused_and_nothing_is_stored(deps: Deps) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    for day in ("mon", "tue", "wed", "thu", "fri", "sat"):
        await availability.add_window(deps, TEACHER, f"{day} 08:00-20:00 10")  # 72 a day
    before = len(await _open_slots(deps, teacher.id))
    await teachers.change_setting(deps, TEACHER, Setting.HORIZON, "70")
    opened = len(await _open_slots(deps, teacher.id))
    assert opened == before + 6 * 6 * 72  # six more weeks of the six days
    with pytest.raises(DomainError) as refused:
        await availability.add_window(deps, TEACHER, f"sun {WHOLE_DAY}")
    error: Any = refused.value
    assert (error.would_open, error.limit, error.open_now) == (10 * 144, CEILING, opened)
    async with deps.uow() as u:
        assert len(await u.availability.windows(teacher.id)) == 6
    assert len(await _open_slots(deps, teacher.id)) == opened


async def test_a_horizon_past_the_ceiling_is_refused_and_nothing_changes(deps: Deps) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    await availability.add_window(deps, TEACHER, f"mon {WHOLE_DAY}")
    with pytest.raises(DomainError) as refused:
        await teachers.change_setting(deps, TEACHER, Setting.HORIZON, "365")
    error: Any = refused.value
    assert error.would_open == 7578 - MONDAYS_IN_28_DAYS and error.limit == CEILING
    assert (await teachers.get(deps, TEACHER)).settings.horizon_days == 28
    assert len(await _open_slots(deps, teacher.id)) == MONDAYS_IN_28_DAYS


async def test_upkeep_fills_up_to_the_ceiling_earliest_first_in_batches(
    deps: Deps, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    await availability.add_window(deps, TEACHER, f"mon {WHOLE_DAY}")
    # A horizon set before there was a ceiling: a whole year of Mondays (7,578 slots).
    async with deps.uow() as u:
        longer = replace(teacher.settings, horizon_days=365)
        await u.teachers.save(replace(teacher, settings=longer))
        await u.commit()
    calls, _ = _spy_on_writes(monkeypatch)
    assert await availability.extend_horizon(deps) == CEILING - MONDAYS_IN_28_DAYS
    assert max(_per_transaction(calls)) <= BATCH
    slots = await _open_slots(deps, teacher.id)
    assert len(slots) == CEILING
    step = timedelta(minutes=10)
    mondays = [s for s in slots if s.starts_at.weekday() == 0]
    assert len(mondays) == CEILING
    # Earliest first: no gap between the first and the last slot except the other weekdays.
    gaps = [b.starts_at - a.starts_at for a, b in itertools.pairwise(slots)]
    assert {g for g in gaps if g != step} <= {timedelta(days=6, minutes=10)}
    assert await availability.extend_horizon(deps) == 0  # at the ceiling: nothing more
    clock.advance(timedelta(days=7))  # a Monday and a half passed: room for one more Monday
    assert await availability.extend_horizon(deps) == 90 + 54
    assert len(await _open_slots(deps, teacher.id)) == CEILING


async def test_time_off_taken_between_planning_and_writing_stays_free(deps: Deps) -> None:
    from bot.services import slot_filling  # planning and writing driven one step at a time

    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    await availability.add_window(deps, TEACHER, "tue 10:00-12:00 60")
    async with deps.uow() as u:
        windows = await u.availability.windows(teacher.id)
    longer = replace(teacher, settings=replace(teacher.settings, horizon_days=56))
    found = await slot_filling.plan(deps, longer, windows, deps.clock.now())
    assert len(found.slots) == 8  # four more Tuesdays
    await availability.block_time(deps, TEACHER, "2027-01-05")  # one of them, meanwhile
    filled = await slot_filling.write(deps, teacher.id, found.slots, deps.clock.now())
    assert filled.created == 6
    slots = await _open_slots(deps, teacher.id)
    assert not [s for s in slots if s.starts_at.date().isoformat() == "2027-01-05"]


async def test_a_new_time_zone_moves_free_slots_to_the_same_local_hours(deps: Deps) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    await availability.add_window(deps, TEACHER, "tue 10:00-12:00 60")
    before = await _open_slots(deps, teacher.id)
    assert {s.starts_at.hour for s in before} == {10, 11}
    await teachers.change_setting(deps, TEACHER, Setting.TIMEZONE, "Europe/Berlin")
    after = await _open_slots(deps, teacher.id)
    assert len(after) == len(before) == 8
    assert {s.starts_at.hour for s in after} == {9, 10}  # 10:00 and 11:00 in Berlin's winter
