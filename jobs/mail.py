"""The email dispatcher job: its own lock and tick, so mail never holds up Telegram notices."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ports import Mailer
from bot.services.context import Deps
from bot.services.mail_outbox import dispatch_mail
from storage.locks import held_exclusively

log = logging.getLogger("lessonlink.mail")

MAIL_LOCK = "lessonlink-mail-dispatcher"  # one mailer at a time across every worker


def mail_job(deps: Deps, engine: AsyncEngine, mailer: Mailer) -> Callable[[], Awaitable[None]]:
    """The scheduler's callable: mail due rows if this process holds the mail lock."""

    async def run() -> None:
        try:
            async with held_exclusively(engine, MAIL_LOCK) as mine:
                if not mine:
                    return
                report = await dispatch_mail(deps, mailer)
        except Exception as exc:  # a busy database must not spill tracebacks every tick
            log.warning("mail pass failed: %s: %s", type(exc).__name__, exc)
            return
        counts = (report.sent, report.skipped, report.retried, report.failed)
        if any(counts):
            log.info(
                "mailed sent=%d skipped=%d retried=%d failed=%d reasons=%s", *counts, report.reasons
            )

    return run
