"""The email dispatcher's use case: claim due email rows, mail each, record how it ended.

Email rows sit in the same outbox as Telegram's (channel "email", chat_id = the student's id)
and are claimed by their own job, so a slow or failing mail server never holds up a Telegram
notice. A temporary failure (4xx, time-out, no connection) is retried with the outbox's
backoff; a permanent one (5xx, an address the server refuses), or the last retry, fails the
row and tells the teacher once a day per student.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from bot.domain.links import refusal_to_open
from bot.domain.mail import EMAIL, MailCalendar, OutgoingMail
from bot.domain.model import BookingStatus, OutboxMessage, OutboxStatus, Teacher
from bot.domain.notice_json import read_notice
from bot.domain.notices import (
    Cancellation,
    LessonNotice,
    MailFailed,
    NewLink,
    Notice,
    UnreadableNotice,
)
from bot.ports import Delivery, Mailer
from bot.services import notify, places
from bot.services.context import Deps
from bot.services.exports import lesson_identity, lesson_uid
from bot.services.outbox import BATCH, LEASE, DispatchReport, record_end
from bot.services.send_time import stale_reason

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

log = logging.getLogger("lessonlink.mail")


async def _calendar(uow: SqlUnitOfWork, notice: Notice, teacher: Teacher) -> MailCalendar | None:
    """The lesson of a lesson notice as the exports know it (UID of its first booking)."""
    if not isinstance(notice, LessonNotice):
        return None
    lesson = notice.lesson
    found = await uow.bookings.get(lesson.booking_id)
    sequence, root = 0, lesson.booking_id
    if found is not None:
        root, moves = lesson_identity(lesson.booking_id, await uow.stats.moved_from(teacher.id))
        sequence = moves + found[0].sequence
    return MailCalendar(
        lesson_uid(root),
        sequence,
        lesson.starts_at,
        lesson.ends_at,
        lesson.teacher_name,
        lesson.subject,
        teacher.settings.timezone,
        cancelled=isinstance(notice, Cancellation),
        place=await places.of_booking(uow, lesson.booking_id),
    )


async def _overtaken(uow: SqlUnitOfWork, notice: Notice) -> str | None:
    """A lesson's good news whose booking was cancelled or moved since: the later mail tells."""
    if not isinstance(notice, LessonNotice) or isinstance(notice, Cancellation):
        return None
    found = await uow.bookings.get(notice.lesson.booking_id)
    if found is None or found[0].status != BookingStatus.CONFIRMED:
        return "booking no longer confirmed"
    return None


async def _prepare(
    uow: SqlUnitOfWork, deps: Deps, message: OutboxMessage, notice: Notice, now: datetime
) -> OutgoingMail | str:
    """The mail to send now, or why the row is not to be sent any more."""
    student = await uow.students.get(message.chat_id)
    address = await uow.student_emails.get(message.chat_id)
    if student is None or address is None or student.archived:
        return "no address"
    if not address.reachable:
        return "unsubscribed"
    if isinstance(notice, LessonNotice) and not address.notices:
        return "email notices off"
    if isinstance(notice, NewLink):
        link = await uow.links.current(student.id)
        spends = student.telegram_id is None
        if link is None or link.id != notice.link_id or refusal_to_open(link, now, spends=spends):
            return "link no longer live"
    stale = await stale_reason(uow, message, notice, now) or await _overtaken(uow, notice)
    teacher = await uow.teachers.get(student.teacher_id)
    token = deps.vault.unseal(address.token_sealed)
    if stale is not None or teacher is None or token is None:
        return stale or "unsealable"
    own = await uow.accounts.get(student.telegram_id) if student.telegram_id else None
    theirs = await uow.accounts.get(teacher.telegram_id)
    language = (own.language if own else None) or (theirs.language if theirs else None)
    return OutgoingMail(
        message.id,
        address.address,
        notice,
        language,
        (own.timezone if own else None) or teacher.settings.timezone,
        token,
        calendar=await _calendar(uow, notice, teacher),
    )


async def _record(
    deps: Deps, message: OutboxMessage, address: str, delivery: Delivery, report: DispatchReport
) -> None:
    """Store how the mail went; a permanent failure is told to the teacher once a day."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        tell = partial(_tell_teacher, uow, message.chat_id, address, delivery.error, now)
        await record_end(uow, message, delivery, report, now, tell)
        await uow.commit()


async def _tell_teacher(
    uow: SqlUnitOfWork, student_id: int, address: str, error: str, now: datetime
) -> None:
    """Queue the teacher's notice that mail to this student cannot be delivered."""
    student = await uow.students.get(student_id)
    teacher = await uow.teachers.get(student.teacher_id) if student else None
    if student is None or teacher is None:
        return
    notice = MailFailed(
        student_name=student.name,
        colour=student.colour,
        teacher_tz=teacher.settings.timezone,
        address=address,
        error=error[:200],
    )
    key = f"{notice.kind}:{student.id}:{now.date()}"
    await notify.queue(uow, notice, teacher.telegram_id, now, dedup_key=key)


async def _one(deps: Deps, mailer: Mailer, message: OutboxMessage, report: DispatchReport) -> None:
    """Check, mail and record one claimed row."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        try:
            notice = read_notice(message.kind, message.payload)
            mail = await _prepare(uow, deps, message, notice, now)
        except UnreadableNotice as exc:
            mail = f"unreadable payload: {exc}"
        if isinstance(mail, str):
            status = OutboxStatus.FAILED if mail.startswith("unreadable") else OutboxStatus.SKIPPED
            await uow.outbox.finish(message.id, status, now, mail)
            await uow.commit()
            report.skipped += 1
            report.note(mail)
            return
    delivery = await mailer.deliver(mail)
    try:
        await _record(deps, message, mail.address, delivery, report)
    except Exception as exc:  # never turn a mail that went out into a retry: leave it to its lease
        log.warning("mail row %s: its %s is unrecorded: %s", message.id, delivery.outcome, exc)


async def dispatch_mail(deps: Deps, mailer: Mailer, batch: int = BATCH) -> DispatchReport:
    """Mail everything due now, one row after another (a mail server wants no flood)."""
    report = DispatchReport()
    while True:
        async with deps.uow() as uow:
            claimed = await uow.outbox.claim_due(deps.clock.now(), batch, LEASE, EMAIL)
            await uow.commit()
        for message in claimed:
            try:
                await _one(deps, mailer, message, report)
            except Exception as exc:  # before its send: one bad row must not stop the others
                error = f"{type(exc).__name__}: {exc}"
                log.warning("mail row %s failed: %s", message.id, error)
                await _record(deps, message, "", Delivery("retry", error), report)
        if len(claimed) < batch:
            return report
