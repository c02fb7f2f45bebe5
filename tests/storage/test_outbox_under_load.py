"""The dispatcher on a busy database: it leaves connections to others and sends a row once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from types import TracebackType

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import ManualClock
from bot.domain.model import Account, OutboxStatus
from bot.domain.notice_json import dump_notice
from bot.domain.outgoing import Outgoing
from bot.ports import Delivery
from bot.services import outbox
from bot.services.context import Deps
from storage.engine import session_factory
from storage.repositories.outbox import SqlOutbox
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT
from tests.sample_notices import booking_new

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NOTICE = dump_notice(booking_new())


class CountingSender:
    """Counts deliveries per chat; yields to the loop as a real send would."""

    def __init__(self) -> None:
        self.sent: Counter[int] = Counter()

    async def deliver(self, message: Outgoing, recipient: Account | None) -> Delivery:
        await asyncio.sleep(0)
        self.sent[message.chat_id] += 1
        return Delivery("sent")


async def _queue(deps: Deps, chats: range) -> None:
    async with deps.uow() as uow:
        for chat in chats:
            await uow.outbox.add("booking_new", chat, NOTICE, NOW, NOW)
        await uow.commit()


async def test_a_burst_leaves_the_pool_to_people_pressing_buttons(engine: AsyncEngine) -> None:
    # 200 chats went out side by side, each holding a connection while it read or wrote:
    # the pool (15 on SQLite) ran dry, presses waited, and on a busy machine rows timed out.
    open_units, most = 0, 0
    sessions, dialect = session_factory(engine), engine.dialect.name

    class CountedUnit(SqlUnitOfWork):
        async def __aenter__(self) -> CountedUnit:
            nonlocal open_units, most
            open_units += 1
            most = max(most, open_units)
            return await super().__aenter__()

        async def __aexit__(
            self,
            exc_type: type[BaseException] | None,
            exc: BaseException | None,
            tb: TracebackType | None,
        ) -> None:
            nonlocal open_units
            open_units -= 1
            await super().__aexit__(exc_type, exc, tb)

    deps = Deps(uow=lambda: CountedUnit(sessions, dialect), clock=ManualClock(NOW), vault=VAULT)
    await _queue(deps, range(20_000, 20_200))
    sender = CountingSender()
    report = await outbox.dispatch_due(deps, sender)

    assert report.sent == 200 and set(sender.sent.values()) == {1}
    assert most <= outbox.DB_UNITS + 1  # the rationed units, and the claim between batches


async def test_a_sent_notice_whose_mark_fails_once_is_not_sent_again(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock(NOW)
    deps = Deps(
        uow=lambda: SqlUnitOfWork(session_factory(engine), engine.dialect.name),
        clock=clock,
        vault=VAULT,
    )
    await _queue(deps, range(1, 4))
    finish = SqlOutbox.finish
    failures = [OperationalError("UPDATE outbox", None, Exception("the database is busy"))]

    async def busy_once(self: SqlOutbox, *args: object, **kwargs: object) -> None:
        if failures:
            raise failures.pop()
        await finish(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SqlOutbox, "finish", busy_once)
    monkeypatch.setattr(outbox, "RECORD_WAITS", (0.0, 0.0))  # the database is back at once
    sender = CountingSender()
    await outbox.dispatch_due(deps, sender)
    clock.advance(timedelta(hours=2))  # past any retry and any lease
    await outbox.dispatch_due(deps, sender)

    assert sender.sent == Counter({1: 1, 2: 1, 3: 1}), "each chat got its notice once"
    async with deps.uow() as uow:
        assert len(await uow.outbox.by_status(OutboxStatus.SENT)) == 3
