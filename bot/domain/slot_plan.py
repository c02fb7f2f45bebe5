"""Opening slots at scale: which planned slots are free, in batches, under a per-teacher ceiling."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.errors import TooManySlots
from bot.domain.model import Window
from bot.domain.timeslots import window_slots

# The most open future slots one teacher may have. Every calendar press reads all of the
# teacher's open slots within the horizon, so this bounds the cost of a press: a week view
# over 5,000 open slots costs three to four times what it does over 1,000, while a year of
# 10-minute slots (52,560) cost fifteen to seventy times as much, seconds on a busy machine
# (docs/benchmarks.md, "Slots at scale"). It is generous for one person: hourly lessons
# twelve hours a day, every day, for almost two months, or 30-minute lessons eight hours
# every weekday for a whole year (4,160).
MAX_OPEN_SLOTS = 5_000

# Slots written per transaction. A batch held SQLite's single write lock for 86 ms (median;
# 220 ms at most) on a loaded two-core machine, so another user's write waits for at most
# about one batch, well under a second.
BATCH_SLOTS = 500

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class PlannedSlot:
    """A slot about to be opened, with what it inherits from its window."""

    starts_at: datetime
    ends_at: datetime
    window_id: int | None
    capacity: int
    subject: str


def plan_window(
    window: Window, zone: ZoneInfo, after: datetime, until: datetime
) -> list[PlannedSlot]:
    """The slots a window yields starting in [after, until), by start time."""
    return [
        PlannedSlot(start, end, window.id, window.capacity, window.subject)
        for start, end in window_slots(window, zone, after, until)
    ]


def free_of(planned: Sequence[PlannedSlot], taken: Iterable[Span]) -> list[PlannedSlot]:
    """The planned slots (sorted by start) overlapping neither a taken span nor an earlier pick.

    Linear after sorting: the taken spans are merged into disjoint runs, then one pass walks
    both lists together, so N planned slots against M taken ones cost O((N + M) log M), never
    N x M comparisons.
    """
    runs = _merged(sorted(taken))
    free: list[PlannedSlot] = []
    at = 0
    reach: datetime | None = None  # where the last picked slot ends
    for slot in planned:
        # Runs ending by this start cannot touch this slot or any later one.
        while at < len(runs) and runs[at][1] <= slot.starts_at:
            at += 1
        if at < len(runs) and runs[at][0] < slot.ends_at:
            continue
        if reach is not None and slot.starts_at < reach:
            continue
        free.append(slot)
        reach = slot.ends_at if reach is None else max(reach, slot.ends_at)
    return free


def _merged(spans: list[Span]) -> list[Span]:
    """Spans sorted by start, merged where they overlap or touch: disjoint, ends increasing."""
    runs: list[Span] = []
    for start, end in spans:
        if runs and start <= runs[-1][1]:
            if end > runs[-1][1]:
                runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def batches(slots: Sequence[PlannedSlot], size: int) -> Iterator[Sequence[PlannedSlot]]:
    """The slots in consecutive chunks of at most `size`."""
    for first in range(0, len(slots), size):
        yield slots[first : first + size]


def room(open_now: int) -> int:
    """How many more open slots the teacher may have."""
    return max(0, MAX_OPEN_SLOTS - open_now)


def check_ceiling(would_open: int, open_now: int) -> None:
    """Refuse a change that would take the teacher past MAX_OPEN_SLOTS open slots."""
    if would_open and open_now + would_open > MAX_OPEN_SLOTS:
        raise TooManySlots(would_open=would_open, limit=MAX_OPEN_SLOTS, open_now=open_now)
