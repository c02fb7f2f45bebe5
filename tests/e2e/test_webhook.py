"""Webhook mode end to end: the local Bot API server posts updates to the running bot."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from bot.domain.clock import ManualClock
from tests.e2e.conftest import Harness, running_bot
from tests.e2e.webhook_harness import get, post, sample, statuses, webhook_bot
from tests.ports import free_port
from tests.steps import student_steps as steps

ANN = 501
SAM = 801
WED_10_UTC = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
async def hook(database_url: str, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """The bot in webhook mode on a fresh database, on SQLite and on PostgreSQL."""
    async with webhook_bot(database_url, tmp_path, clock) as h:
        yield h


def forged_message(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    """A message update built by hand, as a stranger posting to the webhook would."""
    person = {"id": user_id, "is_bot": False, "first_name": "Eve"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_790_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Eve"},
            "from": person,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def open_confirmation(h: Harness) -> int:
    """A student with the confirmation card of Wednesday 11:00 open; returns the student id."""
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, WED_10_UTC, count=2, subject="Math")
    sid = await steps.student(h, tutor, SAM, "Sam")
    await h.press(SAM, "📝 Book a lesson")
    await h.press(SAM, "Wed, 25 Nov · 2 free")
    await h.press(SAM, "🟢 11:00–12:00 Math")
    assert "Book this lesson?" in h.last(SAM).content
    return sid


async def test_start_is_answered_through_the_webhook(hook: Harness) -> None:
    h = hook
    h.user(ANN, "Ann")
    update_id = h.server.send_text(ANN, "/start")
    await h.server.wait_for(lambda: statuses(h.server, update_id) == [200])
    assert "booking assistant for private lessons" in h.last(ANN).content
    [registered] = h.server.calls("setWebhook", ok=True)
    assert registered.params["secret_token"]
    assert {"message", "callback_query"} <= set(registered.params["allowed_updates"])


async def test_a_post_without_the_right_secret_is_refused_and_not_processed(
    hook: Harness,
) -> None:
    h = hook
    for secret in ("wrong-secret", None, ""):
        assert await post(h.app, forged_message(900_001, 666, "/start"), secret=secret) == 403
    assert not h.app.tracker.was_handled(900_001)
    assert h.server.calls("sendMessage") == []
    _, page = await get(h.app, "/metrics")
    assert 'lessonlink_webhook_requests_total{result="forbidden"} 3.0' in page


async def test_a_failed_update_is_redelivered_and_applied_once(hook: Harness) -> None:
    h = hook
    sid = await open_confirmation(h)
    failures = []

    def database_drops_once(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO BOOKINGS") and not failures:
            failures.append(statement)
            raise OperationalError(statement, {}, ConnectionResetError("connection lost"))

    event.listen(h.app.engine.sync_engine, "before_cursor_execute", database_drops_once)
    update_id = h.server.press_button(SAM, "✅ Confirm")
    await h.server.wait_for(lambda: statuses(h.server, update_id) == [500, 200])
    event.remove(h.app.engine.sync_engine, "before_cursor_execute", database_drops_once)

    assert failures, "the injected failure never happened"
    assert "Booked:" in h.last(SAM).content
    assert len(await steps.bookings_of(h, sid)) == 1
    _, page = await get(h.app, "/metrics")
    assert 'lessonlink_update_errors_total{kind="redeliver:OperationalError"} 1.0' in page
    assert 'lessonlink_webhook_requests_total{result="failed"} 1.0' in page


async def test_a_refusal_to_a_press_is_its_one_answer(hook: Harness) -> None:
    h = hook
    tutor = await steps.teacher(h)
    sid = await steps.student(h, tutor, SAM, "Sam")
    async with h.app.deps.uow() as u:
        await u.links.revoke_all(sid, h.clock.now(), replaced=False)
        await u.commit()
    home = h.last(SAM)
    update_id = h.server.press_button(SAM, "📝 Book a lesson")
    await h.server.wait_for(lambda: statuses(h.server, update_id) == [200])
    await h.server.wait_for(lambda: h.server.callback_answer_for(update_id) is not None)
    answer = h.server.callback_answer_for(update_id)
    assert answer is not None and answer.show_alert
    assert "turned this link off" in (answer.text or "")
    assert h.last(SAM) == home  # no chat message besides the answer
    assert h.server.calls("answerCallbackQuery", ok=False) == []


async def test_a_duplicate_update_is_acknowledged_and_not_applied_again(hook: Harness) -> None:
    h = hook
    sid = await open_confirmation(h)
    update_id = h.server.press_button(SAM, "✅ Confirm")
    duplicate = sample(h.server, update_id)
    await h.server.wait_for(lambda: statuses(h.server, update_id) == [200])
    edits = len(h.server.calls("editMessageText"))
    answers = len(h.server.callback_answers)

    assert await post(h.app, duplicate) == 200
    assert len(await steps.bookings_of(h, sid)) == 1
    assert len(h.server.calls("editMessageText")) == edits
    assert len(h.server.callback_answers) == answers
    _, page = await get(h.app, "/metrics")
    assert 'lessonlink_webhook_requests_total{result="duplicate"} 1.0' in page


async def test_an_update_claimed_by_a_crashed_worker_is_processed_after_the_lease(
    hook: Harness,
) -> None:
    h = hook
    h.user(ANN, "Ann")
    update_id = h.server.world.next_update_id
    async with h.app.deps.uow() as u:  # a worker claimed it, then died before finishing
        now = h.clock.now()
        await u.updates.claim(update_id, now, now, now + timedelta(days=2))
        await u.commit()
    assert h.server.send_text(ANN, "/start") == update_id
    # While the claim is fresh someone may still be on it: not processed twice at once.
    await h.server.wait_for(lambda: statuses(h.server, update_id)[:1] == [503])
    assert not h.app.tracker.was_handled(update_id)
    h.clock.advance(timedelta(minutes=2))  # the lease has run out: the redelivery takes over
    await h.server.wait_for(lambda: statuses(h.server, update_id)[-1:] == [200])
    assert len(h.server.calls("sendMessage", ok=True)) == 1
    assert "booking assistant" in h.last(ANN).content


async def test_health_and_metrics_report_the_worker(hook: Harness) -> None:
    h = hook
    h.user(ANN, "Ann")
    await h.send(ANN, "/start")
    status, body = await get(h.app, "/healthz")
    report = json.loads(body)
    assert status == 200 and report["status"] == "ok"
    assert report["database"] == {"reachable": True}
    assert report["scheduler"] == {"running": True}
    assert report["outbox"] == {"backlog": 0, "oldest_age_seconds": None}

    status, page = await get(h.app, "/metrics")
    assert status == 200
    assert 'lessonlink_updates_handled_total{kind="message"} 1.0' in page
    assert 'lessonlink_update_handling_seconds_count{kind="message"} 1.0' in page
    # The update's bookkeeping is shown too: one write transaction, the claim; its finish
    # waits to ride with the next claim.
    assert 'lessonlink_update_ledger_seconds_count{kind="claim"} 1.0' in page
    assert 'lessonlink_messages_sent_total{method="sendMessage"} 1.0' in page
    assert "lessonlink_outbox_backlog 0.0" in page
    assert "lessonlink_telegram_429_total 0.0" in page

    h.clock.advance(timedelta(hours=4))  # the dispatcher has not ticked for too long
    status, body = await get(h.app, "/healthz")
    assert status == 503 and json.loads(body)["dispatcher"]["ok"] is False


async def test_polling_mode_serves_health_and_metrics_on_health_port(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    port = free_port()
    async with (
        running_bot(database_url, tmp_path, clock, health_port=port),
        aiohttp.ClientSession() as http,
    ):
        async with asyncio.timeout(10):  # the health server starts with polling
            while True:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        assert resp.status == 200
                        assert (await resp.json())["status"] == "ok"
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
        async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
            assert "lessonlink_outbox_backlog" in await resp.text()
