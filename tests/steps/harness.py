"""The bot as tests talk to it: people in the sandbox, the bot wired by run_bot.py, a clock.

Both layers use it: tests/handlers runs the bot with its Bot API calls handed to the sandbox in
process, tests/e2e over HTTP with the sandbox listening on a port. A test file moves between
the two by changing only its folder.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.config import Settings
from bot.domain.clock import ManualClock
from run_bot import prepare, run_polling
from runtime.application import Application, build_application
from sandbox.client import SandboxSession
from sandbox.server import BotAPIServer
from sandbox.world import CallbackAnswer as Answer
from sandbox.world import ChatMessage

if TYPE_CHECKING:
    from tests.steps.fuzz_steps import Tally

TOKEN = "123456:TEST-token-for-the-local-server"
BOT_USERNAME = "lessonlink_test_bot"
IN_PROCESS_URL = "http://sandbox.invalid"  # never dialled: the calls go to the server in process


@dataclass
class Harness:
    """A running bot and the people talking to it."""

    server: BotAPIServer
    app: Application
    clock: ManualClock

    async def send(self, user_id: int, text: str) -> None:
        """Type a message as a user and wait until the bot has fully handled it."""
        update_id = self.server.send_text(user_id, text)
        await self.app.tracker.wait_handled(update_id)

    async def press(self, user_id: int, text: str, message_id: int | None = None) -> Answer:
        """Tap a visible button by its label, wait until it is handled; its one answer.

        Every press must be answered (a second answer is refused by the server, and a refusal
        that became a chat message instead of the answer is bug 8 of issue 12).
        """
        update_id = self.server.press_button(user_id, text, message_id=message_id)
        await self.app.tracker.wait_handled(update_id)
        answer = self.server.callback_answer_for(update_id)
        assert answer is not None, f"the press on {text!r} was never answered"
        return answer

    async def press_data(self, user_id: int, message_id: int, data: str) -> Answer | None:
        """Send arbitrary callback data from an existing message (a forged client); its answer."""
        update_id = self.server.press_forged(user_id, message_id, data)
        await self.app.tracker.wait_handled(update_id)
        return self.server.callback_answer_for(update_id)

    def chat(self, user_id: int) -> list[ChatMessage]:
        """What the user's chat shows now."""
        return self.server.chat(user_id)

    def last(self, user_id: int) -> ChatMessage:
        """The newest message from the bot in a user's chat."""
        message = self.server.last_bot_message(user_id)
        assert message is not None, f"user {user_id} has no message from the bot"
        return message

    async def flush(self) -> None:
        """Run the outbox dispatcher once, as its scheduled job would."""
        await self.app.jobs["outbox"]()

    async def digests(self) -> None:
        """Run the agenda and link-expiry job once, as the scheduler would."""
        await self.app.jobs["digests"]()

    def user(self, user_id: int, name: str, language: str = "en") -> int:
        """Let a person appear in Telegram."""
        self.server.add_user(user_id, name, language_code=language)
        return user_id


def bot_settings(database_url: str, tmp_path: Path, api_url: str, **overrides: object) -> Settings:
    """The settings the tests run the bot with; `overrides` as keyword settings."""
    values: dict[str, object] = {
        "bot_token": TOKEN,
        "telegram_api_url": api_url,
        "database_url": database_url,
        "secret_key": "test-secret-key-for-e2e",
        "data_dir": tmp_path / "data",
        # Tests flush the outbox themselves (Harness.flush); one test runs the real ticker.
        "dispatch_interval_seconds": 3600,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


class PlainHttpSession(AiohttpSession):
    """The bot's own aiohttp session to the sandbox, closed without aiogram's fixed 250 ms wait.

    aiogram waits a quarter of a second after closing for TLS connections to shut down; the
    sandbox speaks plain HTTP on the loopback, so the wait only made every stop slower.
    """

    async def close(self) -> None:
        """Close the client session at once."""
        if self._session is not None and not self._session.closed:
            await self._session.close()


def http_session(api_url: str) -> PlainHttpSession:
    """The session a bot talking to the sandbox over HTTP uses (as run_bot builds it)."""
    return PlainHttpSession(api=TelegramAPIServer.from_base(api_url))


def new_server() -> BotAPIServer:
    """A sandbox Bot API server for the test bot (not listening yet)."""
    return BotAPIServer(token=TOKEN, bot_username=BOT_USERNAME)


@contextlib.asynccontextmanager
async def run_bot(
    database_url: str,
    tmp_path: Path,
    clock: ManualClock,
    server: BotAPIServer | None = None,
    *,
    in_process: bool,
    **overrides: object,
) -> AsyncIterator[Harness]:
    """Run the bot as run_bot.py does (polling included) against a sandbox; stop both after.

    In process, the bot's calls go straight to the server's `execute`; otherwise over HTTP,
    to the server listening on a port (started here unless given).
    """
    own_server = server is None
    server = server or new_server()
    if in_process:
        api_url, session = IN_PROCESS_URL, SandboxSession(server)
    else:
        if own_server:
            await server.start()
        api_url, session = server.url, http_session(server.url)
    settings = bot_settings(database_url, tmp_path, api_url, **overrides)
    app = build_application(settings, clock, session=session)
    await prepare(app)
    task = asyncio.create_task(run_polling(app, handle_signals=False))
    try:
        yield Harness(server=server, app=app, clock=clock)
    finally:
        app.stopping.set()
        await task
        if own_server and not in_process:
            await server.stop()


@pytest.fixture
async def tally(harness: Harness, request: pytest.FixtureRequest) -> AsyncIterator[Tally]:
    """Count a fuzz run's updates by outcome; print the count, fail if any ended as a crash."""
    from tests.steps.fuzz_steps import Tally  # imports this module: only when a fuzzer asks

    counted = Tally()
    harness.app.tracker.listeners.append(counted)
    yield counted
    harness.app.tracker.listeners.remove(counted)
    # Printed (shown with -s) so that a long run can be reported with its numbers.
    print(f"\nfuzz {request.node.name}: {counted.updates} updates, {dict(counted.outcomes)}")
    assert not counted.crashes(), counted.crashes()
