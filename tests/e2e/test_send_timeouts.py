"""A notification whose send times out after it was written is not sent again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.domain.clock import ManualClock
from bot.domain.model import OutboxStatus
from bot.services import notify
from tests.e2e.conftest import Harness, running_bot
from tests.sample_notices import booking_new

TEACHER, ADMIN = 7201, 7299


async def _notice_due(h: Harness) -> None:
    h.user(TEACHER, "Tanya")
    await h.send(TEACHER, "/start")
    async with h.app.deps.uow() as uow:
        await notify.queue(uow, booking_new(), TEACHER, h.clock.now())
        await uow.commit()


def _notices(h: Harness) -> list[str]:
    return [m.content for m in h.server.bot_messages(TEACHER) if "New booking" in m.content]


async def _rows(h: Harness, status: OutboxStatus) -> list[str]:
    async with h.app.deps.uow() as uow:
        return [m.last_error for m in await uow.outbox.by_status(status)]


async def test_a_send_slower_than_the_time_out_arrives_once_and_is_noted_unconfirmed(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    async with running_bot(database_url, tmp_path, clock, admin_ids=[ADMIN]) as h:
        await _notice_due(h)
        h.app.bot.session.timeout = 1  # the client gives up after a second...
        h.server.inject_fault("sendMessage", "slow", delay=3.0)  # ...Telegram takes three
        await h.flush()
        await h.server.wait_for(lambda: h.server.slowed == 0, timeout=30)
        h.app.bot.session.timeout = 60  # a busy machine must not time out what follows
        for _ in range(3):  # later passes, past any backoff and lease, leave it alone
            h.clock.advance(timedelta(hours=2))
            await h.flush()
        assert len(_notices(h)) == 1, "one slow send is one message in the chat"
        [reason] = await _rows(h, OutboxStatus.UNCONFIRMED)
        assert "time-out" in reason
        assert not await _rows(h, OutboxStatus.PENDING)
        h.user(ADMIN, "Root")
        await h.send(ADMIN, "/ops")
        assert "(timed out once sent, not repeated): 1" in h.last(ADMIN).content


async def test_a_connection_dropped_unanswered_is_retried_and_delivered_once(
    harness: Harness,
) -> None:
    await _notice_due(harness)
    harness.server.inject_fault("sendMessage", "drop")
    await harness.flush()
    assert len(_notices(harness)) == 1
    assert len(await _rows(harness, OutboxStatus.SENT)) == 1


async def test_a_send_that_cannot_connect_is_retried_later_not_marked_unconfirmed(
    harness: Harness,
) -> None:
    await _notice_due(harness)
    url = harness.server.url
    await harness.server.stop()  # Telegram unreachable: nothing was written
    try:
        await harness.flush()
        assert not await _rows(harness, OutboxStatus.UNCONFIRMED)
        assert len(await _rows(harness, OutboxStatus.PENDING)) == 1
    finally:
        await harness.server.start(port=int(url.rsplit(":", 1)[1]))
    harness.clock.advance(timedelta(minutes=5))
    await harness.flush()
    assert len(_notices(harness)) == 1
