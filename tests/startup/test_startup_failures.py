"""A wrong or unreachable Bot API address, a refused token, a database that cannot be opened:
one sentence, exit code 2, and never the token (run_bot.main in process)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from sandbox.server import BotAPIServer
from tests.startup.conftest import TOKEN, StartBot

# Without the start-up time-out a silent server took four minutes of retries. One second per
# getMe, asked twice with a pause between, ends in about three; the margin is for a busy machine.
SILENT_BOUND_SECONDS = 20.0


@pytest.mark.parametrize(
    "api_url",
    [  # each variant's reason is checked in tests/unit/test_api_address.py
        pytest.param("http://127.0.0.1:99999", id="port-out-of-range"),
        pytest.param("http://[::1:8081", id="unclosed-ipv6-bracket"),
        pytest.param("127.0.0.1:8081", id="no-scheme"),
        pytest.param("ftp://127.0.0.1:8081", id="ftp"),
        pytest.param("http://exa mple.com", id="space-in-host"),
        pytest.param("http://", id="no-host"),
        pytest.param("http://127.0.0.1:8081/?x=1", id="query"),
    ],
)
async def test_a_malformed_bot_api_address_is_refused_with_one_sentence(
    start: StartBot, api_url: str
) -> None:
    done = await start(TELEGRAM_API_URL=api_url)
    assert "malformed" in done.sentence("TELEGRAM_API_URL")


def _free_port() -> int:
    """A port nobody listens on (bound and released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def _silent_server() -> AsyncIterator[str]:
    """Accepts connections and never answers: the request can only time out."""
    held: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        with contextlib.suppress(ConnectionError):
            await reader.read()  # until the client gives up

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


@contextlib.asynccontextmanager
async def _not_a_bot_api() -> AsyncIterator[str]:
    """An ordinary web server: every path is a 404 HTML page."""
    # No access log: it would land on the bot's stderr, which this process shares.
    runner = web.AppRunner(web.Application(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_a_refused_connection_is_one_sentence(start: StartBot) -> None:
    done = await start(TELEGRAM_API_URL=f"http://127.0.0.1:{_free_port()}")
    line = done.sentence("TELEGRAM_API_URL")
    assert "cannot be reached" in line and "refused" in line


async def test_a_host_that_does_not_resolve_is_one_sentence(start: StartBot) -> None:
    done = await start(TELEGRAM_API_URL="http://lessonlink-test.invalid:8081")
    line = done.sentence("TELEGRAM_API_URL")
    assert "cannot be reached" in line and "lessonlink-test.invalid" in line


async def test_a_server_that_never_answers_ends_the_start_within_seconds(start: StartBot) -> None:
    async with _silent_server() as url:
        done = await start(TELEGRAM_API_URL=url, STARTUP_TIMEOUT_SECONDS="1")
    assert "did not answer within 1 s" in done.sentence("TELEGRAM_API_URL")
    assert done.seconds < SILENT_BOUND_SECONDS


async def test_a_server_that_is_not_a_bot_api_is_one_sentence(start: StartBot) -> None:
    async with _not_a_bot_api() as url:
        done = await start(TELEGRAM_API_URL=url)
    assert "Bot API" in done.sentence("TELEGRAM_API_URL")


async def test_a_token_telegram_rejects_points_to_botfather(start: StartBot) -> None:
    async with BotAPIServer(token="999:the-token-telegram-knows") as server:
        done = await start(TELEGRAM_API_URL=server.url)
    line = done.sentence("BOT_TOKEN")
    assert "rejected" in line and "@BotFather" in line


async def test_a_database_that_cannot_be_opened_is_one_sentence(
    start: StartBot, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "lessonlink.sqlite3"
    async with BotAPIServer(token=TOKEN) as server:
        done = await start(
            TELEGRAM_API_URL=server.url, DATABASE_URL=f"sqlite+aiosqlite:///{missing}"
        )
    assert "cannot be opened" in done.sentence("DATABASE_URL")
