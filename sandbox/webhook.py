"""Webhook delivery: POST queued updates to the bot like Telegram, redelivering on failure."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from sandbox.server import BotAPIServer

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class WebhookDelivery:
    """One delivery attempt: which update, the HTTP status (None if unreachable), the error."""

    update_id: int
    status: int | None
    error: str | None


class WebhookSender:
    """Background task delivering the oldest pending update while a webhook is set."""

    def __init__(self, server: BotAPIServer, retry_delays: tuple[float, ...]) -> None:
        self.server = server
        self.retry_delays = retry_delays
        self.deliveries: list[WebhookDelivery] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the delivery loop in the running event loop."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop delivering."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        world = self.server.world
        attempts = 0
        async with aiohttp.ClientSession() as session:
            while True:
                hook = world.webhook
                if hook is None or not world.updates:
                    await self.server.wait_change(60.0)
                    attempts = 0
                    continue
                update = world.updates[0]
                ok = await self._deliver(session, hook.url, hook.secret_token, update)
                if ok or attempts >= len(self.retry_delays):
                    if update in world.updates:
                        world.updates.remove(update)
                    attempts = 0
                    self.server.bump()
                    continue
                await asyncio.sleep(self.retry_delays[attempts])  # Telegram's backoff
                attempts += 1

    async def _deliver(
        self, session: aiohttp.ClientSession, url: str, secret: str | None, update: dict[str, Any]
    ) -> bool:
        headers = {SECRET_HEADER: secret} if secret else {}
        world = self.server.world
        status: int | None = None
        error: str | None = None
        reply: Any = None
        try:
            async with session.post(
                url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
            ) as resp:
                status = resp.status
                body = await resp.read()
                if 200 <= status < 300 and body:
                    with contextlib.suppress(ValueError):
                        reply = json.loads(body)
                elif not 200 <= status < 300:
                    error = f"Wrong response from the webhook: {status} {resp.reason}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            error = f"Connection failed: {exc.__class__.__name__}"
        self.deliveries.append(WebhookDelivery(update["update_id"], status, error))
        if error is not None and world.webhook is not None:
            world.webhook.last_error_date = world.now()
            world.webhook.last_error_message = error
        self.server.bump()
        if isinstance(reply, dict) and isinstance(reply.get("method"), str):
            # Telegram runs a method given in the webhook answer; errors are not reported.
            params = {k: v for k, v in reply.items() if k != "method"}
            await self.server.execute(reply["method"], params)
        return error is None
