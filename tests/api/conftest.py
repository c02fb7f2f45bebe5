"""API harness: the bot as run_bot.py runs it (polling the sandbox in process), with its web
server on a free port, and an HTTP client that can sign Mini App initData as any person."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.domain.clock import ManualClock
from tests.handlers.conftest import TOKEN, Harness, running_bot
from tests.ports import free_port
from tests.steps.mini_app import signed_init_data

DEADLINE = 30.0  # seconds for the web server to come up on a busy machine


@dataclass
class Reply:
    """An API answer: status, headers and the decoded JSON body (None if not JSON)."""

    status: int
    headers: Mapping[str, str]
    body: Any
    raw: bytes


@dataclass
class Api:
    """Calls the running bot's web API as a Mini App user, an API key holder or nobody."""

    harness: Harness
    http: aiohttp.ClientSession
    url: str

    def init_data(self, user_id: int, *, language: str = "en", **extra: str) -> str:
        """Fresh initData for a Telegram user of this bot (`extra`: start_param...)."""
        now = self.harness.clock.now()
        return signed_init_data(TOKEN, user_id, now, language=language, **extra)

    async def call(
        self,
        method: str,
        path: str,
        *,
        as_user: int | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Reply:
        """One request; `as_user` signs it with that user's initData (`Authorization: tma`)."""
        sent = dict(headers or {})
        if as_user is not None:
            sent["Authorization"] = f"tma {self.init_data(as_user)}"
        async with self.http.request(method, self.url + path, headers=sent, **kwargs) as got:
            raw = await got.read()
            body = None
            if got.content_type.endswith("json"):
                body = await got.json(content_type=None)
            return Reply(got.status, got.headers, body, raw)

    async def get(self, path: str, **kwargs: Any) -> Reply:
        """GET `path`."""
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Reply:
        """POST `path` (pass json=... for a body)."""
        return await self.call("POST", path, **kwargs)


async def _serving(port: int) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while True:
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if loop.time() > deadline:
                raise TimeoutError(f"the web server did not listen on {port}") from None
            await asyncio.sleep(0.05)  # polling for the port, not waiting for the bot's work
            continue
        writer.close()
        await writer.wait_closed()
        return


@pytest.fixture
async def api(database_url: str, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Api]:
    """A running bot with its web API, on SQLite and on PostgreSQL."""
    port = free_port()
    async with running_bot(database_url, tmp_path, clock, web_port=port) as h:
        await _serving(port)
        async with aiohttp.ClientSession() as http:
            yield Api(harness=h, http=http, url=f"http://127.0.0.1:{port}")
