"""The outbox on the real databases: two dispatchers never send the same row."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import ManualClock
from bot.domain.model import Account, OutboxMessage, OutboxStatus
from bot.domain.notice_json import dump_notice
from bot.domain.outgoing import Outgoing
from bot.ports import Delivery
from bot.services.context import Deps
from bot.services.outbox import dispatch_due
from storage.engine import create_engine, uow_factory
from storage.locks import held_exclusively
from tests.factories import VAULT
from tests.sample_notices import booking_new

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NOTICE = dump_notice(booking_new())


class RecordingSender:
    """Counts deliveries per row; yields to the loop so two dispatchers interleave."""

    def __init__(self, sent: Counter[int]) -> None:
        self.sent = sent

    async def deliver(self, message: Outgoing, recipient: Account | None) -> Delivery:
        await asyncio.sleep(0)
        self.sent[message.id] += 1
        return Delivery("sent")


async def test_two_dispatchers_never_send_the_same_row(
    engine: AsyncEngine, database_url: str
) -> None:
    clock = ManualClock(NOW)
    first = Deps(uow=uow_factory(engine), clock=clock, vault=VAULT)
    other_engine = create_engine(database_url)  # a second process has its own pool
    second = Deps(uow=uow_factory(other_engine), clock=clock, vault=VAULT)
    async with first.uow() as uow:
        for n in range(300):
            await uow.outbox.add("booking_new", 10_000 + n, NOTICE, NOW, NOW)
        await uow.commit()

    sent: Counter[int] = Counter()
    sender = RecordingSender(sent)
    # Small batches make the two claim loops interleave many times.
    await asyncio.gather(
        dispatch_due(first, sender, batch=7), dispatch_due(second, sender, batch=7)
    )
    await other_engine.dispose()

    assert len(sent) == 300 and set(sent.values()) == {1}
    async with first.uow() as uow:
        assert len(await uow.outbox.by_status(OutboxStatus.SENT)) == 300


async def test_only_one_process_holds_the_dispatcher_lock(
    engine: AsyncEngine, database_url: str
) -> None:
    other = create_engine(database_url) if engine.dialect.name == "postgresql" else engine
    async with (
        held_exclusively(engine, "dispatcher") as mine,
        held_exclusively(other, "dispatcher") as theirs,
    ):
        assert (mine, theirs) == (True, False)
    async with held_exclusively(other, "dispatcher") as later:
        assert later, "the lock is free again once its holder lets go"
    if other is not engine:
        await other.dispose()


async def test_an_expired_claim_is_picked_up_again(engine: AsyncEngine) -> None:
    deps = Deps(uow=uow_factory(engine), clock=ManualClock(NOW), vault=VAULT)
    async with deps.uow() as uow:
        await uow.outbox.add("booking_new", 1, NOTICE, NOW, NOW)
        await uow.commit()
    async with deps.uow() as uow:
        assert len(await uow.outbox.claim_due(NOW, 10, timedelta(minutes=2))) == 1
        await uow.commit()  # ...and the claimant dies here
    async with deps.uow() as uow:
        assert (
            await uow.outbox.claim_due(NOW + timedelta(minutes=1), 10, timedelta(minutes=2)) == []
        )
        again = await uow.outbox.claim_due(NOW + timedelta(minutes=3), 10, timedelta(minutes=2))
    assert len(again) == 1 and again[0].attempts == 2


class PickySender:
    """Fails with a bug on one chat, sends the rest."""

    def __init__(self, bad_chat: int) -> None:
        self.bad_chat = bad_chat
        self.sent: list[int] = []

    async def deliver(self, message: Outgoing, recipient: Account | None) -> Delivery:
        if message.chat_id == self.bad_chat:
            raise KeyError("a renderer bug")
        self.sent.append(message.chat_id)
        return Delivery("sent")


async def test_one_failing_row_neither_stops_the_pass_nor_repeats_forever(
    engine: AsyncEngine,
) -> None:
    clock = ManualClock(NOW)
    deps = Deps(uow=uow_factory(engine), clock=clock, vault=VAULT)
    async with deps.uow() as uow:
        for chat in (1, 2, 3):
            await uow.outbox.add("booking_new", chat, NOTICE, NOW, NOW)
        await uow.commit()
    sender = PickySender(bad_chat=2)
    await dispatch_due(deps, sender)
    assert sorted(sender.sent) == [1, 3]
    for _ in range(12):  # every retry is due an hour later at most
        clock.advance(timedelta(hours=2))
        await dispatch_due(deps, sender)
    async with deps.uow() as uow:
        [failed] = await uow.outbox.by_status(OutboxStatus.FAILED)
        pending = await uow.outbox.by_status(OutboxStatus.PENDING)
    assert failed.chat_id == 2 and "renderer bug" in failed.last_error and not pending


async def test_an_unreadable_row_fails_at_once_saying_why_and_the_pass_goes_on(
    engine: AsyncEngine,
) -> None:
    deps = Deps(uow=uow_factory(engine), clock=ManualClock(NOW), vault=VAULT)
    async with deps.uow() as uow:
        await uow.outbox.add("booking_new", 1, NOTICE, NOW, NOW)
        await uow.outbox.add("booking_new", 2, {**NOTICE, "starts_at": "yesterday"}, NOW, NOW)
        await uow.outbox.add("booking_new", 3, NOTICE, NOW, NOW)
        await uow.commit()
    sender = PickySender(bad_chat=0)
    report = await dispatch_due(deps, sender)
    assert sorted(sender.sent) == [1, 3] and report.reasons == {"unreadable payload": 1}
    async with deps.uow() as uow:
        [failed] = await uow.outbox.by_status(OutboxStatus.FAILED)
        assert not await uow.outbox.by_status(OutboxStatus.PENDING), "never retried"
    assert failed.chat_id == 2 and failed.attempts == 1
    assert failed.last_error.startswith("unreadable payload: starts_at")


async def test_planned_leads_are_a_bookings_live_reminders_of_one_kind(engine: AsyncEngine) -> None:
    deps = Deps(uow=uow_factory(engine), clock=ManualClock(NOW), vault=VAULT)
    async with deps.uow() as uow:
        for kind, booking, lead in [
            ("reminder", 1, 1440),
            ("reminder", 1, 60),
            ("reminder_teacher", 1, 30),
            ("reminder", 2, 120),
        ]:
            await uow.outbox.add(
                kind,
                5,
                {"lead_minutes": lead},
                NOW,
                NOW,
                dedup_key=f"{kind}:{booking}:{lead}",
                booking_id=booking,
            )
        await uow.commit()
    async with deps.uow() as uow:
        assert sorted(await uow.outbox.planned_leads(1, "reminder")) == [60, 1440]
        assert await uow.outbox.planned_leads(1, "reminder_teacher") == [30]
        await uow.outbox.withdraw_for_booking(1, ["reminder"])
        assert await uow.outbox.planned_leads(1, "reminder") == []


async def test_unconfirmed_sends_are_final_and_counted_for_a_day(engine: AsyncEngine) -> None:
    clock = ManualClock(NOW)
    deps = Deps(uow=uow_factory(engine), clock=clock, vault=VAULT)
    async with deps.uow() as uow:
        await uow.outbox.add("booking_new", 1, NOTICE, NOW, NOW)
        [row] = await uow.outbox.claim_due(NOW, 10, timedelta(minutes=2))
        await uow.outbox.finish(row.id, OutboxStatus.UNCONFIRMED, NOW, "time-out")
        await uow.commit()
    async with deps.uow() as uow:
        later = NOW + timedelta(hours=1)
        assert await uow.outbox.claim_due(later, 10, timedelta(minutes=2)) == []
        assert await uow.outbox.unconfirmed_since(later - timedelta(days=1)) == 1
        assert await uow.outbox.unconfirmed_since(NOW + timedelta(seconds=1)) == 0
        [kept] = await uow.outbox.by_status(OutboxStatus.UNCONFIRMED)
    assert kept.last_error == "time-out"


async def test_rows_queued_together_leave_out_only_those_already_queued(
    engine: AsyncEngine,
) -> None:
    # A booking's notices go in one statement; one already there (a redelivered press, a
    # re-planned reminder) is kept as it was, and the others are still queued.
    deps = Deps(uow=uow_factory(engine), clock=ManualClock(NOW), vault=VAULT)
    async with deps.uow() as uow:
        await uow.outbox.add("reminder", 5, NOTICE, NOW, NOW, dedup_key="reminder:1:60")
        await uow.commit()

    def row(chat: int, key: str) -> OutboxMessage:
        return OutboxMessage(0, "reminder", chat, NOTICE, NOW, dedup_key=key, booking_id=1)

    async with deps.uow() as uow:
        await uow.outbox.add_many(
            [row(6, "reminder:1:60"), row(7, "reminder:1:1440"), row(8, "booking_new:1")], NOW
        )
        await uow.commit()
    async with deps.uow() as uow:
        pending = await uow.outbox.by_status(OutboxStatus.PENDING)
    assert sorted((m.dedup_key, m.chat_id) for m in pending) == [
        ("booking_new:1", 8),
        ("reminder:1:1440", 7),
        ("reminder:1:60", 5),
    ]
