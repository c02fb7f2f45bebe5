"""/ops for whoever runs the bot: updates handled, handling time, errors by kind, outbox backlog."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.errors import NotFound
from bot.services.context import Deps

HOUR = 3600.0
DAY = 24 * HOUR


@dataclass(frozen=True)
class WindowFigures:
    """Updates in one trailing window of time."""

    seconds: float
    handled: int
    median_ms: float | None
    p95_ms: float | None
    errors: dict[str, int]


@dataclass(frozen=True)
class Operations:
    """The operations view: the last hour, the last day, and the outbox now."""

    hour: WindowFigures
    day: WindowFigures
    backlog: int
    oldest_due: datetime | None
    samples_kept: int
    unconfirmed_day: int = 0  # sends that timed out once written, not repeated, last 24 h


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (share in 0..1) of the values; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(share * len(ordered)), 1)
    return ordered[rank - 1]


Sample = tuple[float, float, str]  # (wall time, ms, outcome)


def window(samples: Iterable[Sample], now: float, seconds: float) -> WindowFigures:
    """Figures for the samples (wall time, ms, outcome) of the last `seconds` before `now`."""
    inside = [(ms, outcome) for at, ms, outcome in samples if now - seconds < at <= now]
    durations = [ms for ms, _ in inside]
    # Every outcome but "ok": refusals (refused:<Error>) are shown too, a spike of them matters.
    errors = Counter(o for _, o in inside if o != "ok")
    return WindowFigures(
        seconds,
        len(inside),
        statistics.median(durations) if durations else None,
        percentile(durations, 0.95),
        dict(errors.most_common()),
    )


def is_admin(deps: Deps, telegram_id: int) -> bool:
    """Whether this account is one of ADMIN_IDS."""
    return telegram_id in deps.admin_ids


async def operations(
    deps: Deps, telegram_id: int, samples: list[Sample], wall_now: float
) -> Operations:
    """The operations view for an admin; anyone else is refused as if /ops did not exist."""
    if not is_admin(deps, telegram_id):
        raise NotFound()
    now = deps.clock.now()
    async with deps.reading() as uow:
        backlog, oldest = await uow.outbox.backlog(now)
        unconfirmed = await uow.outbox.unconfirmed_since(now - timedelta(seconds=DAY))
    return Operations(
        window(samples, wall_now, HOUR),
        window(samples, wall_now, DAY),
        backlog,
        oldest,
        len(samples),
        unconfirmed,
    )
