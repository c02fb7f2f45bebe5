"""The outbox dispatcher's use case: claim due rows, deliver each once, record how it ended.

In the outbox each row ends in exactly one final state. Towards Telegram: a send refused
outright (429, 5xx, no connection) is retried; a send that timed out after its request was
written may have arrived and is recorded as unconfirmed, never repeated (Telegram has no
idempotency key); a send that succeeded just before a crash is sent again when its claim
expires.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from bot.domain.model import OutboxMessage, OutboxStatus
from bot.domain.notice_json import read_notice
from bot.domain.notices import (
    RecipientUnreachable,
    UnreadableNotice,
)
from bot.ports import Delivery, Sender
from bot.services import notify, send_time
from bot.services.context import Deps

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

log = logging.getLogger("lessonlink.outbox")

LEASE = timedelta(minutes=2)
BATCH = 200
MAX_ATTEMPTS = 8
# Chats go out side by side, but at most this many use the database at once: a burst of 200
# once held every pooled connection, people's presses waited behind it, and its own rows
# timed out on the pool after 30 s on a busy machine. A wait here has no time-out.
DB_UNITS = 4
# A send that happened is recorded as such, retried on a failing database; never re-sent for it.
RECORD_WAITS = (0.5, 2.0)


@dataclass
class DispatchReport:
    """What one dispatch pass did."""

    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    unconfirmed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def note(self, reason: str) -> None:
        """Count a skip or failure reason."""
        self.reasons[reason] = self.reasons.get(reason, 0) + 1


def backoff(attempts: int) -> timedelta:
    """Wait before retrying a row that failed `attempts` times: 30 s doubling, at most 1 h."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


async def _deliver_one(
    deps: Deps,
    sender: Sender,
    message: OutboxMessage,
    report: DispatchReport,
    units: asyncio.Semaphore,
) -> None:
    """Check, send and record one claimed row."""
    now = deps.clock.now()
    async with units, deps.uow() as uow:
        try:
            notice = read_notice(message.kind, message.payload)
        except UnreadableNotice as exc:
            # No retry can make stored JSON parse: fail the row now and say why.
            log.warning("outbox row %s is unreadable: %s", message.id, exc)
            await _close(uow, message, OutboxStatus.FAILED, now, f"unreadable payload: {exc}")
            report.failed += 1
            report.note("unreadable payload")
            return
        stale = await send_time.stale_reason(uow, message, notice, now)
        chat_id = await send_time.student_now(uow, message, notice)
        if chat_id is None:
            stale = stale or "student no longer connected"
        else:
            # After Regenerate the lesson belongs to whoever opened the new link, not the
            # account that held the old one.
            message.chat_id = chat_id
        recipient = await uow.accounts.get(message.chat_id)
        if stale is None and recipient is not None and recipient.unreachable:
            stale = "recipient unreachable"
        if stale is not None:
            await _close(uow, message, OutboxStatus.SKIPPED, now, stale)
            report.skipped += 1
            report.note(stale)
            return
        outgoing = await send_time.outgoing_of(uow, message, notice, now)
    delivery = await sender.deliver(outgoing, recipient)
    await _record_delivery(deps, message, delivery, report, units)


async def _record_delivery(
    deps: Deps,
    message: OutboxMessage,
    delivery: Delivery,
    report: DispatchReport,
    units: asyncio.Semaphore,
) -> None:
    """Record how a send ended, trying again on a failing database, never raising.

    Raising would have the row given back as a retry, and a message that went out would go
    out again. If the database stays down, the row is left to its lease (sent again after it).
    """
    for wait in (*RECORD_WAITS, None):
        try:
            async with units:
                await _record(deps, message, delivery, report)
            return
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            if wait is None:
                log.warning(
                    "outbox row %s: its %s is unrecorded: %s", message.id, delivery.outcome, error
                )
                return
            log.warning(
                "outbox row %s: recording its %s failed: %s", message.id, delivery.outcome, error
            )
            await asyncio.sleep(wait)


async def _close(
    uow: SqlUnitOfWork, message: OutboxMessage, status: OutboxStatus, now: datetime, reason: str
) -> None:
    """End a row that will not be sent, with its reason."""
    await uow.outbox.finish(message.id, status, now, reason)
    await uow.commit()


async def _give_back(
    deps: Deps,
    message: OutboxMessage,
    exc: Exception,
    report: DispatchReport,
    units: asyncio.Semaphore,
) -> None:
    """A row whose handling failed unexpectedly before its send: retry later, fail it at last."""
    error = f"{type(exc).__name__}: {exc}"
    log.warning("outbox row %s failed: %s", message.id, error)
    delivery = Delivery("retry", error)
    try:
        async with units:
            await _record(deps, message, delivery, report)
    except Exception as again:  # the database itself is failing: the lease will expire
        log.warning("outbox row %s left to its lease: %s", message.id, again)


async def _record(
    deps: Deps, message: OutboxMessage, delivery: Delivery, report: DispatchReport
) -> None:
    """Store how the send ended; a blocked recipient is marked and the teacher told once."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        if delivery.outcome == "unconfirmed":
            # At most once: Telegram has no idempotency key, and a repeat could show twice.
            await uow.outbox.finish(message.id, OutboxStatus.UNCONFIRMED, now, delivery.error)
            report.unconfirmed += 1
            report.note("unconfirmed")
        else:
            blocked = delivery.outcome == "unreachable"
            mark = partial(_mark_unreachable, uow, message.chat_id, now) if blocked else None
            await record_end(uow, message, delivery, report, now, mark)
        await uow.commit()


async def record_end(
    uow: SqlUnitOfWork,
    message: OutboxMessage,
    delivery: Delivery,
    report: DispatchReport,
    now: datetime,
    on_failure: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Store and count a row sent, retried with backoff, or (any other outcome) failed.

    Shared by the Telegram and email dispatchers; `on_failure` joins a failed row's
    transaction before the failure is counted. The caller commits.
    """
    if delivery.outcome == "sent":
        await uow.outbox.finish(message.id, OutboxStatus.SENT, now)
        report.sent += 1
    elif delivery.outcome == "retry" and message.attempts < MAX_ATTEMPTS:
        retry_at = now + backoff(message.attempts)
        await uow.outbox.retry_later(message.id, retry_at, delivery.error)
        report.retried += 1
    else:
        await uow.outbox.finish(message.id, OutboxStatus.FAILED, now, delivery.error)
        if on_failure is not None:
            await on_failure()
        report.failed += 1
        report.note(delivery.outcome)


async def _mark_unreachable(uow: SqlUnitOfWork, chat_id: int, now: datetime) -> None:
    """Stop writing to an account that blocked the bot, and tell its teachers once."""
    await uow.accounts.update(chat_id, unreachable=True)
    for student in await uow.students.by_telegram(chat_id):
        teacher = await uow.teachers.get(student.teacher_id)
        if teacher is None:
            continue
        # One notice per student per day: a student may unblock and block again later.
        notice = RecipientUnreachable(
            student_name=student.name, colour=student.colour, teacher_tz=teacher.settings.timezone
        )
        key = f"{notice.kind}:{student.id}:{now.date()}"
        await notify.queue(uow, notice, teacher.telegram_id, now, dedup_key=key)


async def dispatch_due(deps: Deps, sender: Sender, batch: int = BATCH) -> DispatchReport:
    """Send everything due now, a batch at a time; chats run side by side, each in order."""
    report = DispatchReport()
    units = asyncio.Semaphore(DB_UNITS)
    while True:
        async with deps.uow() as uow:
            claimed = await uow.outbox.claim_due(deps.clock.now(), batch, LEASE)
            await uow.commit()
        if not claimed:
            return report
        by_chat: dict[int, list[OutboxMessage]] = defaultdict(list)
        for message in claimed:
            by_chat[message.chat_id].append(message)

        async def run_chat(messages: list[OutboxMessage]) -> None:
            for message in messages:
                try:
                    await _deliver_one(deps, sender, message, report, units)
                except Exception as exc:  # one bad row must not stop the others, nor repeat
                    await _give_back(deps, message, exc, report, units)

        await asyncio.gather(*(run_chat(m) for m in by_chat.values()))
        if len(claimed) < batch:
            return report
