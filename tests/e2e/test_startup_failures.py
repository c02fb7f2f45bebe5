"""A wrong or unreachable Bot API address: one sentence, exit code 2, and never the token."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from sandbox.server import BotAPIServer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424242:startup-secret-token-value"
# A silent server must end the start in seconds (it took four minutes of retries). The bound
# includes the interpreter's start, which alone can take 15 s on a busy two-core machine.
STARTUP_BOUND_SECONDS = 60.0


def _env(**values: str) -> dict[str, str]:
    """A clean environment: nothing from the developer's own configuration leaks in."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {**keep, "PYTHONPATH": str(ROOT), "BOT_TOKEN": TOKEN, **values}


async def _start(tmp_path: Path, api_url: str, **env: str) -> tuple[int, str, str, float]:
    """Run run_bot.py against this address; returns exit code, stdout, stderr, seconds taken."""
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "run_bot.py"), cwd=tmp_path,
        env=_env(TELEGRAM_API_URL=api_url, **env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode(), time.monotonic() - started


def _assert_one_sentence_without_the_token(
    code: int, out: str, err: str, variable: str = "TELEGRAM_API_URL"
) -> str:
    """Exit code 2, one line on stderr naming the variable to fix, no trace of the token."""
    for text in (out, err):
        assert TOKEN not in text
        assert TOKEN[:10] not in text, "not even the start of the token may show"
        assert TOKEN.split(":", 1)[1] not in text
    assert "Traceback" not in err
    assert code == 2, err[-3000:]
    lines = err.strip().splitlines()
    assert len(lines) == 1, err[-3000:]
    assert lines[0].startswith(f"LessonLink cannot start: {variable} ")
    return lines[0]


@pytest.mark.parametrize(
    "api_url",
    [  # each variant is also checked, faster, in tests/unit/test_api_address.py
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
    tmp_path: Path, api_url: str
) -> None:
    code, out, err, _ = await _start(tmp_path, api_url)
    line = _assert_one_sentence_without_the_token(code, out, err)
    assert "malformed" in line


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
    runner = web.AppRunner(web.Application())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_a_refused_connection_is_one_sentence(tmp_path: Path) -> None:
    code, out, err, _ = await _start(tmp_path, f"http://127.0.0.1:{_free_port()}")
    line = _assert_one_sentence_without_the_token(code, out, err)
    assert "cannot be reached" in line and "refused" in line


async def test_a_host_that_does_not_resolve_is_one_sentence(tmp_path: Path) -> None:
    code, out, err, _ = await _start(tmp_path, "http://lessonlink-test.invalid:8081")
    line = _assert_one_sentence_without_the_token(code, out, err)
    assert "cannot be reached" in line and "lessonlink-test.invalid" in line


async def test_a_server_that_never_answers_ends_the_start_within_seconds(tmp_path: Path) -> None:
    async with _silent_server() as url:
        code, out, err, seconds = await _start(tmp_path, url)
    line = _assert_one_sentence_without_the_token(code, out, err)
    assert "did not answer" in line
    assert seconds < STARTUP_BOUND_SECONDS


async def test_a_server_that_is_not_a_bot_api_is_one_sentence(tmp_path: Path) -> None:
    async with _not_a_bot_api() as url:
        code, out, err, _ = await _start(tmp_path, url)
    line = _assert_one_sentence_without_the_token(code, out, err)
    assert "Bot API" in line


async def test_a_database_that_cannot_be_opened_is_one_sentence(tmp_path: Path) -> None:
    async with BotAPIServer(token=TOKEN) as server:
        missing = tmp_path / "no-such-folder" / "lessonlink.sqlite3"
        code, out, err, _ = await _start(
            tmp_path, server.url, DATABASE_URL=f"sqlite+aiosqlite:///{missing}"
        )
    line = _assert_one_sentence_without_the_token(code, out, err, "DATABASE_URL")
    assert "cannot be opened" in line
