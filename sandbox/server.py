"""The aiohttp application answering /bot<token>/<method> like Telegram, with fault injection."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from sandbox.declarations import DEFAULT_UPDATE_TYPES, METHODS
from sandbox.methods import HANDLERS
from sandbox.people import People
from sandbox.transport import Fault, FaultKind, RequestRecord, answer, error_answer, read_params
from sandbox.validation import TEST_ENVIRONMENT, ApiError, Upload, parse_params
from sandbox.webhook import WebhookDelivery, WebhookSender
from sandbox.world import World

SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
_CANONICAL = {name.lower(): name for name in METHODS}
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


class BotAPIServer(People):
    """A local Telegram Bot API server for one bot, with simulated people to talk to it."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "lessonlink_bot",
        bot_id: int | None = None,
        bot_first_name: str = "LessonLink",
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        webhook_retry_delays: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4),
        test_environment: bool = False,
    ) -> None:
        head = token.split(":", 1)[0]
        self.token = token
        self.bot_id = bot_id if bot_id is not None else (int(head) if head.isdigit() else 1)
        bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        super().__init__(World(bot_user, wall_clock, token))
        self.clock = clock
        # Like Telegram's test environment: Mini Apps may be served over http.
        self.test_environment = test_environment
        self.requests: list[RequestRecord] = []
        self.sent_message_times: list[float] = []
        self.faults: list[Fault] = []
        self.slowed = 0  # requests held back by a "slow" fault right now
        self._poll_generation = 0
        self.active_polls = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._site_url: str | None = None
        self.webhook_sender = WebhookSender(self, webhook_retry_delays)
        self.app = web.Application()
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self.app.router.add_get("/file/bot{token}/files/{file_id}", self._file)

    # --- lifecycle ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """Base URL the bot should use, e.g. http://127.0.0.1:8081."""
        if self._site_url is None:
            raise RuntimeError("server not started")
        return self._site_url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on host:port (0 picks a free port) and start webhook delivery; returns url."""
        self._closing = False
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        bound = sockets[0].getsockname()[1] if sockets else port
        self._site_url = f"http://{host}:{bound}"
        self.webhook_sender.start()
        return self._site_url

    async def stop(self) -> None:
        """Release long polls, stop webhook delivery and close the listening socket."""
        self._closing = True
        self.bump()
        await self.webhook_sender.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- fault injection and logs ---------------------------------------------------------
    def inject_fault(
        self,
        method: str | None,
        kind: FaultKind,
        times: int = 1,
        retry_after: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Make the next `times` calls of `method` (None: any but getUpdates) fail as `kind`."""
        self.faults.append(Fault(method, kind, times, retry_after, delay))

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method or (fault.method is None and method != "getUpdates"):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def calls(self, method: str, ok: bool | None = None) -> list[RequestRecord]:
        """Logged requests of one method, optionally only successful or only refused ones."""
        return [r for r in self.requests if r.method == method and (ok is None or r.ok == ok)]

    @property
    def sent_messages_count(self) -> int:
        """How many messages the bot has successfully sent."""
        return len(self.sent_message_times)

    def _log(self, method: str, params: dict[str, Any], status: int, desc: str | None) -> None:
        self.requests.append(RequestRecord(method, params, status, desc, self.clock()))
        if status == 200 and method in SEND_METHODS:
            self.sent_message_times.append(self.clock())
        self.bump()

    # --- HTTP -----------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = _CANONICAL.get(request.match_info["method"].lower(), request.match_info["method"])
        try:
            raw, uploads = await read_params(request)
        except (ValueError, ApiError) as exc:
            err = exc if isinstance(exc, ApiError) else ApiError(400, "Bad Request: invalid body")
            self._log(method, {}, err.status, err.description)
            return error_answer(err)
        if request.match_info["token"] != self.token:
            self._log(method, raw, 401, "Unauthorized")
            return error_answer(ApiError(401, "Unauthorized"))
        if method not in METHODS:
            self._log(method, raw, 404, "Not Found: method not found")
            return error_answer(ApiError(404, "Not Found: method not found"))
        fault = self._take_fault(method)
        if fault is not None and fault.kind != "slow":
            return self._fault_answer(request, method, raw, fault)
        if fault is None:
            return answer(*await self.execute(method, raw, uploads))
        # Like Telegram, a slowed call is carried out even if the client stops waiting.
        self.slowed += 1
        self.bump()
        try:
            await asyncio.sleep(fault.delay)
            status, body = await self.execute(method, raw, uploads)
        finally:
            self.slowed -= 1
            self.bump()
        return answer(status, body)

    def _fault_answer(
        self, request: web.Request, method: str, raw: dict[str, Any], fault: Fault
    ) -> web.StreamResponse:
        if fault.kind == "drop":
            self._log(method, raw, 0, "connection dropped")
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        if fault.kind == "429":
            err = ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
        else:
            status = int(fault.kind)
            err = ApiError(status, "Internal Server Error" if status == 500 else "Bad Gateway")
        self._log(method, raw, err.status, err.description)
        return error_answer(err)

    async def execute(
        self, method: str, raw: dict[str, Any], uploads: dict[str, Upload] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Validate and run one method call; returns the HTTP status and the JSON answer."""
        said = TEST_ENVIRONMENT.set(self.test_environment)
        try:
            return await self._execute(method, raw, uploads)
        finally:
            TEST_ENVIRONMENT.reset(said)

    async def _execute(
        self, method: str, raw: dict[str, Any], uploads: dict[str, Upload] | None
    ) -> tuple[int, dict[str, Any]]:
        params: dict[str, Any] = raw
        method = _CANONICAL.get(method.lower(), method)
        try:
            if method not in METHODS:
                raise ApiError(404, "Not Found: method not found")
            params = parse_params(method, raw, uploads or {})
            if method == "getUpdates":
                result: Any = await self._get_updates(params)
            else:
                result = HANDLERS[method](self.world, params)
        except ApiError as exc:
            self._log(method, params, exc.status, exc.description)
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.status,
                "description": exc.description,
            }
            if exc.parameters:
                body["parameters"] = exc.parameters
            return exc.status, body
        self._log(method, params, 200, None)
        return 200, {"ok": True, "result": result}

    async def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self.world.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        if "allowed_updates" in p:
            self.world.allowed_updates = tuple(p["allowed_updates"]) or DEFAULT_UPDATE_TYPES
        limit = min(max(p.get("limit", 100), 1), 100)
        timeout = max(p.get("timeout", 0), 0)
        self._poll_generation += 1
        generation = self._poll_generation
        self.bump()  # wakes an older long poll, which then reports the conflict
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        result = self.world.take_updates(p.get("offset"), limit)
        self.active_polls += 1
        self.bump()
        try:
            return await self._poll(result, generation, deadline, limit)
        finally:
            self.active_polls -= 1

    async def _poll(
        self, result: list[dict[str, Any]], generation: int, deadline: float, limit: int
    ) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        while not result and not self._closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self.wait_change(remaining)
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self.world.webhook is not None:
                break
            result = self.world.take_updates(None, limit)
        return result

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return error_answer(ApiError(401, "Unauthorized"))
        stored = self.world.files.get(request.match_info["file_id"])
        if stored is None or stored.content is None:
            return error_answer(ApiError(404, "Not Found"))
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )


__all__ = ["BotAPIServer", "Fault", "FaultKind", "RequestRecord", "WebhookDelivery"]
