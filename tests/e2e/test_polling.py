"""Polling mode: an update is confirmed to Telegram only once handled, and one person's updates
are handled in the order they were sent, while different people are served side by side."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram.types import Message
from aiogram.utils.backoff import BackoffConfig
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from bot.domain.clock import ManualClock
from runtime import polling
from tests.e2e.conftest import Harness, running_bot
from tests.steps import student_steps as steps
from tests.steps.teacher_steps import register

ANN, BOB, SAM, TESS = 501, 502, 801, 901
WED_10_UTC = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
FRI_10_UTC = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
# Production waits 1 s after a failure, then 1.5 times longer each time (runtime.polling).
QUICK_RETRIES = BackoffConfig(min_delay=0.05, max_delay=0.5, factor=1.5, jitter=0.1)


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry after tens of milliseconds, not seconds: the same retries, the same order.

    Set before the bot starts: the poller reads runtime.polling.BACKOFF when it begins.
    """
    monkeypatch.setattr(polling, "BACKOFF", QUICK_RETRIES)


class Gate:
    """Holds one person's messages inside the bot until opened: an update kept in flight."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.entered = asyncio.Event()
        self.opened = asyncio.Event()

    async def __call__(
        self,
        handler: Callable[[Message, dict[str, Any]], Awaitable[Any]],
        message: Message,
        data: dict[str, Any],
    ) -> Any:
        if message.from_user is not None and message.from_user.id == self.user_id:
            self.entered.set()
            await self.opened.wait()
        return await handler(message, data)


def unconfirmed(h: Harness) -> list[int]:
    """Update ids Telegram would still hand out: those not confirmed by an offset."""
    return [u["update_id"] for u in h.server.world.updates]


async def test_an_update_is_confirmed_only_once_handled_and_others_go_on_meanwhile(
    harness: Harness,
) -> None:
    h = harness
    h.user(ANN, "Ann")
    h.user(BOB, "Bob")
    gate = Gate(ANN)
    h.app.dispatcher.message.outer_middleware(gate)
    held = h.server.send_text(ANN, "/help")
    await asyncio.wait_for(gate.entered.wait(), timeout=30)  # the bot is inside Ann's update

    await h.send(BOB, "/help")  # Bob does not wait for Ann
    assert "booking assistant" in h.last(BOB).content
    assert not h.app.tracker.was_handled(held)
    assert held in unconfirmed(h), "an update in flight is not confirmed: a crash keeps it"

    gate.opened.set()
    await h.app.tracker.wait_handled(held, timeout=30)
    assert "booking assistant" in h.last(ANN).content
    await h.server.wait_for(lambda: not unconfirmed(h), timeout=10)


async def open_week(h: Harness) -> None:
    """Sam, a student, looking at the week with a free lesson on Wednesday and on Friday."""
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, WED_10_UTC, subject="Math")
    await steps.slots(h, tutor, FRI_10_UTC, subject="Math")
    await steps.student(h, tutor, SAM, "Sam")
    await h.press(SAM, "📝 Book a lesson")


async def test_one_persons_quick_presses_are_handled_in_the_order_pressed(
    harness: Harness,
) -> None:
    h = harness
    await open_week(h)
    # Two taps in quick succession; the bot is slow to answer the first.
    h.server.inject_fault("answerCallbackQuery", "slow", delay=1.0)
    first = h.server.press_button(SAM, "Wed, 25 Nov · 1 free")
    second = h.server.press_button(SAM, "Fri, 27 Nov · 1 free")
    await h.app.tracker.wait_handled(first, timeout=30)
    await h.app.tracker.wait_handled(second, timeout=30)

    edits = [r for r in h.server.calls("editMessageText", ok=True) if r.params["chat_id"] == SAM]
    assert "Wednesday" in edits[-2].params["text"]
    assert "Friday" in edits[-1].params["text"], "the screen shows the last day tapped"


async def test_a_setting_picked_and_its_value_typed_at_once_is_saved(harness: Harness) -> None:
    h = harness
    await register(h, TESS)
    await h.send(TESS, "/settings")
    await h.press(TESS, "⏰ Advance notice: 2 h")
    h.server.inject_fault("answerCallbackQuery", "slow", delay=1.0)
    pick = h.server.press_button(TESS, "✏️ Type another value")
    typed = h.server.send_text(TESS, "3h")  # typed before the prompt even arrived
    await h.app.tracker.wait_handled(pick, timeout=30)
    await h.app.tracker.wait_handled(typed, timeout=30)

    assert "Saved" in h.last(TESS).content
    assert "⏰ Advance notice: 3 h" in h.last(TESS).button_texts()
    again = h.server.send_text(TESS, "/settings")  # while a prompt is open: no race either
    await h.app.tracker.wait_handled(again)
    assert "⏰ Advance notice: 3 h" in h.last(TESS).button_texts()


async def test_a_press_that_failed_on_the_database_is_handled_again_and_applied_once(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, WED_10_UTC, count=2, subject="Math")
    sid = await steps.student(h, tutor, SAM, "Sam")
    await h.press(SAM, "📝 Book a lesson")
    await h.press(SAM, "Wed, 25 Nov · 2 free")
    await h.press(SAM, "🟢 11:00–12:00 Math")
    failures = []

    def database_drops_once(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO BOOKINGS") and not failures:
            failures.append(statement)
            raise OperationalError(statement, {}, ConnectionResetError("connection lost"))

    event.listen(h.app.engine.sync_engine, "before_cursor_execute", database_drops_once)
    h.server.press_button(SAM, "✅ Confirm")
    await h.server.wait_for(lambda: "Booked:" in h.last(SAM).content, timeout=30)
    event.remove(h.app.engine.sync_engine, "before_cursor_execute", database_drops_once)

    assert failures, "the injected failure never happened"
    assert len(await steps.bookings_of(h, sid)) == 1
    assert not any("went wrong" in m.content for m in h.chat(SAM)), "the user is not bothered"
    await h.server.wait_for(lambda: not unconfirmed(h), timeout=10)


async def test_a_stop_lets_the_update_in_flight_finish_and_confirms_it(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    async with running_bot(database_url, tmp_path, clock) as h:
        h.user(ANN, "Ann")
        h.server.inject_fault("sendMessage", "slow", delay=1.0)
        update_id = h.server.send_text(ANN, "/help")
        await h.server.wait_for(lambda: not h.server.faults)
        h.app.stopping.set()  # SIGTERM, as run_polling's signal handler does
    assert "booking assistant" in h.last(ANN).content
    assert h.app.tracker.was_handled(update_id)
    assert update_id not in unconfirmed(h), "handled before the stop: not fetched again"


async def test_polling_rides_out_flood_control_server_errors_and_dropped_connections(
    harness: Harness,
) -> None:
    h = harness
    h.user(ANN, "Ann")
    h.user(BOB, "Bob")
    h.server.inject_fault("getUpdates", "429", retry_after=1)
    h.server.inject_fault("getUpdates", "502")
    h.server.inject_fault("getUpdates", "drop")
    await h.send(ANN, "/help")  # ends the long poll in flight; the next polls fail
    await h.server.wait_for(lambda: not h.server.faults, timeout=30)
    await h.send(BOB, "/help")
    assert "booking assistant" in h.last(BOB).content

    polls = h.server.calls("getUpdates")
    flood = next(i for i, r in enumerate(polls) if r.status == 429)
    assert polls[flood + 1].at - polls[flood].at >= 1, "Telegram's retry_after is respected"
    assert [r.status for r in polls[flood : flood + 4]] == [429, 502, 0, 200]


async def test_an_update_that_keeps_failing_alone_is_given_up_with_a_sentence(
    harness: Harness,
) -> None:
    h = harness
    h.user(ANN, "Ann")
    h.user(BOB, "Bob")
    attempts = []

    def anns_lookups_fail(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        if "accounts" in statement and ANN in (params or ()):
            attempts.append(statement)
            raise OperationalError(statement, params, ConnectionResetError("connection lost"))

    event.listen(h.app.engine.sync_engine, "before_cursor_execute", anns_lookups_fail)
    try:
        poison = h.server.send_text(ANN, "/help")
        await h.server.wait_for(lambda: bool(attempts))
        await h.send(BOB, "/help")  # the database serves everyone else meanwhile
        # Ann is told, not left waiting; and nobody's updates are held back behind hers.
        await h.server.wait_for(lambda: poison not in unconfirmed(h), timeout=90)
    finally:
        event.remove(h.app.engine.sync_engine, "before_cursor_execute", anns_lookups_fail)
    assert "went wrong" in h.last(ANN).content
    assert len(attempts) > 1, "tried again first: it could have been the database"
