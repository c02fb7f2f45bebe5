"""Ongoing and long series roll forward: the weeks that came within the horizon are booked.

Run by the slot upkeep right after it opens the new days. Each date is claimed once per
series, so repeated or concurrent runs book nothing twice; skipped weeks are told once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.domain import series as rules
from bot.domain.series import SeriesStatus
from bot.domain.series_notices import SeriesSkipped
from bot.services.context import Deps
from bot.services.series import facts, fill, tell

log = logging.getLogger("lessonlink.series")
# Rolling forward stops this far short of the horizon, so the slots the upkeep has just opened
# (up to the horizon as it stood a moment earlier) are surely there; the rest waits a run.
ROLL_MARGIN = timedelta(minutes=5)


async def roll_forward(deps: Deps) -> int:
    """Book the weeks of every active series that came within the horizon; idempotent."""
    async with deps.reading() as uow:
        active = await uow.series.active()
    booked = 0
    for series in active:
        try:  # own transaction per series: one failing series holds back no other
            booked += await _roll(deps, series.id)
        except Exception:
            log.exception("series=%s roll forward failed", series.id)
    return booked


async def _roll(deps: Deps, series_id: int) -> int:
    """One series rolled forward under the rules in force now; skipped weeks told once."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        series = await uow.series.get(series_id)
        if series is None or series.status != SeriesStatus.ACTIVE:
            return 0
        teacher = await uow.teachers.get(series.teacher_id)
        student = await uow.students.get(series.student_id)
        if teacher is None or student is None or student.archived:
            await uow.series.end(series_id, now)
            await uow.commit()
            return 0
        zone = teacher.settings.timezone
        horizon_end = now + timedelta(days=teacher.settings.horizon_days) - ROLL_MARGIN
        today = now.astimezone(ZoneInfo(zone)).date()
        await uow.students.lock(student.id)
        tried = await uow.series.tried(series.id)
        days = rules.due_dates(series, zone, tried, max(today, series.first_date), horizon_end)
        done = await fill(uow, deps, (teacher, student), series, days)
        skipped = tuple(o.starts_at for o in done if o.skipped is not None)
        if skipped:
            notice = SeriesSkipped(series=facts(series, teacher, student), skipped=skipped)
            key = f"{series.id}:{done[0].on_date.isoformat()}"
            await tell(uow, notice, student.telegram_id, key, now)
            if teacher.settings.notifications_enabled:
                await tell(uow, notice, teacher.telegram_id, key, now)
        if rules.finished(series, zone, horizon_end):
            await uow.series.end(series.id, now)
        await uow.commit()
    return sum(1 for o in done if o.booking_id is not None)
