"""The in-process ticker. Durable state lives in the database; jobs only poll it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.domain.clock import Clock

log = logging.getLogger("lessonlink.jobs")


def _expected_overlap(record: logging.LogRecord) -> bool:
    """Drop 'maximum number of running instances reached': one pass at a time is the design."""
    return "maximum number of running instances" not in record.getMessage()


@dataclass
class Tick:
    """When a job last completed, for health checks; the pass running now, if any."""

    last: datetime | None = None
    running: asyncio.Task[Any] | None = None


async def wait_passes(ticks: dict[str, Tick], timeout: float = 10.0) -> None:
    """After the scheduler's shutdown (which cancels passes in flight), let them unwind.

    A cancelled pass still closes its database session; disposing of the engine before that
    left the close waiting forever, and the process (or test) hung on exit.
    """
    running = [tick.running for tick in ticks.values() if tick.running is not None]
    if running:
        await asyncio.wait(running, timeout=timeout)


def build_scheduler(
    clock: Clock, jobs: dict[str, tuple[Callable[[], Awaitable[None]], float]]
) -> tuple[AsyncIOScheduler, dict[str, Tick]]:
    """A scheduler running each job every N seconds; never two runs of one job at once."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    logging.getLogger("apscheduler.scheduler").addFilter(_expected_overlap)
    ticks: dict[str, Tick] = {}
    for name, (func, seconds) in jobs.items():
        tick = Tick()
        ticks[name] = tick

        async def run(
            func: Callable[[], Awaitable[None]] = func, tick: Tick = tick, name: str = name
        ) -> None:
            tick.running = asyncio.current_task()
            try:
                await func()
            except asyncio.CancelledError:
                # The scheduler's shutdown cancels a pass in flight. Its work is safe: rows a
                # dispatcher pass had claimed are taken again when their lease ends.
                log.info("%s pass interrupted by shutdown", name)
                return
            finally:
                tick.running = None
            tick.last = clock.now()

        scheduler.add_job(
            run,
            "interval",
            seconds=seconds,
            id=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
    return scheduler, ticks


def run_soon(scheduler: AsyncIOScheduler, names: Iterable[str]) -> None:
    """Run these jobs at once instead of at their next interval (a moved clock is noticed).

    The scheduler still runs one pass of each job at a time: a pass already running is not
    doubled, and the job's interval goes on from this run.
    """
    now = datetime.now(UTC)
    for name in names:
        if scheduler.get_job(name) is not None:
            scheduler.modify_job(name, next_run_time=now)
