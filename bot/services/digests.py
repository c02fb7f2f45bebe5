"""Notices produced by the calendar itself: the teacher's daily agenda, links about to expire."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.domain.notices import DailyAgenda, LinkExpiring
from bot.domain.reminders import agenda_too_late
from bot.domain.timeslots import day_bounds, local_to_utc
from bot.services import notify
from bot.services.context import Deps

EXPIRY_NOTICE = timedelta(days=3)


async def queue_agendas(deps: Deps) -> int:
    """Queue each teacher's agenda for today (unless long past) and tomorrow; returns new rows."""
    now = deps.clock.now()
    queued = 0
    async with deps.uow() as uow:
        for teacher in await uow.teachers.agenda_due():
            agenda_at = teacher.settings.agenda_time
            if agenda_at is None or not teacher.settings.notifications_enabled:
                continue
            zone = ZoneInfo(teacher.settings.timezone)
            today = now.astimezone(zone).date()
            for day in (today, today + timedelta(days=1)):
                due = local_to_utc(day, agenda_at, zone)
                if due is None or agenda_too_late(due, now):
                    continue
                start, end = day_bounds(day, zone)
                agenda = DailyAgenda(
                    teacher_id=teacher.id,
                    teacher_tz=teacher.settings.timezone,
                    day_start=start,
                    day_end=end,
                    due_at=due,
                )
                key = f"{agenda.kind}:{teacher.id}:{day.isoformat()}"
                queued += await notify.queue(
                    uow, agenda, teacher.telegram_id, now, due_at=due, dedup_key=key
                )
        await uow.commit()
    return queued


async def queue_link_expiry_notices(deps: Deps) -> int:
    """Warn teachers about links expiring within three days for students with future lessons."""
    now = deps.clock.now()
    queued = 0
    async with deps.uow() as uow:
        for link in await uow.links.expiring_between(now, now + EXPIRY_NOTICE):
            student = await uow.students.get(link.student_id)
            if student is None or student.archived:
                continue
            if not await uow.bookings.of_student(student.id, after=now):
                continue
            teacher = await uow.teachers.get(student.teacher_id)
            if teacher is None or not teacher.settings.notifications_enabled:
                continue
            assert link.expires_at is not None
            notice = LinkExpiring(
                student_name=student.name,
                colour=student.colour,
                teacher_tz=teacher.settings.timezone,
                expires_at=link.expires_at,
            )
            key = f"{notice.kind}:{link.id}"
            queued += await notify.queue(uow, notice, teacher.telegram_id, now, dedup_key=key)
        await uow.commit()
    return queued
