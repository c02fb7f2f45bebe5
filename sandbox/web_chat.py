"""A web page to be the sandbox's people: a Telegram-like chat with the bot, in a browser.

Its routes join the sandbox server's own aiohttp application, so one port serves both the Bot
API the bot polls and the page. What the bot sends is returned as Telegram's Message fields
(text and entities, keyboards, files); the page's script builds the DOM from them and never
reads the bot's text as HTML.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from aiohttp import web

from sandbox.mini_apps import NoWebApp
from sandbox.people import ButtonNotFound
from sandbox.server import BotAPIServer
from sandbox.web_chat_io import NO_STORE, int_or_none, json_body, message_json, refused, valid_zone
from sandbox.web_chat_texts import PAGE_LANGUAGES, page_texts

STATIC = resources.files("sandbox") / "static"
STATIC_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
MAX_TEXT = 4096
MAX_NAME = 64
CLOCK_STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
FIRST_PERSON_ID = 1001


@dataclass
class Person:
    """What the page knows of a simulated person beyond the sandbox: their time zone."""

    user_id: int
    timezone: str


@dataclass
class DemoClock:
    """The bot's clock as the page sees it: read it, and move it (which wakes the bot's jobs)."""

    now: Callable[[], datetime]
    move: Callable[[timedelta], Awaitable[None]]


class WebChat:
    """The routes of the demo page on a sandbox server, and the people it created."""

    def __init__(
        self,
        server: BotAPIServer,
        translate: Callable[[str, str], str],
        clock: DemoClock,
    ) -> None:
        self.server = server
        self.translate = translate
        self.clock = clock
        self.people: dict[int, Person] = {}
        self._ids = itertools.count(FIRST_PERSON_ID)
        self._version = 0
        self._closing = False
        router = server.app.router
        router.add_get("/", self._index)
        router.add_get("/demo/static/{name}", self._static)
        router.add_get("/demo/texts", self._texts)
        router.add_get("/demo/view", self._view)
        router.add_get("/demo/events", self._events)
        router.add_get("/demo/files/{user_id}/{message_id}", self._file)
        router.add_post("/demo/people", self._add_person)
        router.add_post("/demo/send", self._send)
        router.add_post("/demo/press", self._press)
        router.add_post("/demo/clock", self._move_clock)
        router.add_get("/demo/webapp", self._web_app)
        server.app.on_shutdown.append(self._shutdown)

    # --- acting as people -----------------------------------------------------------------
    def add_person(self, name: str, language: str, timezone: str) -> int:
        """A new person in the sandbox (they have not written to the bot yet); their id."""
        user_id = next(self._ids)
        self.server.add_user(user_id, name, language_code=language)
        self.people[user_id] = Person(user_id, timezone)
        self.changed()
        return user_id

    def changed(self) -> None:
        """Something the page shows changed outside the Bot API: tell the open pages."""
        self._version += 1
        self.server.bump()

    def _fingerprint(self) -> tuple[int, ...]:
        world = self.server.world
        messages = sum(len(chat) for chat in world.chats.values())
        return (self._version, len(world.events), messages, len(world.users))

    # --- pages and data -------------------------------------------------------------------
    async def _index(self, request: web.Request) -> web.StreamResponse:
        return self._static_file("index.html")

    async def _static(self, request: web.Request) -> web.StreamResponse:
        return self._static_file(request.match_info["name"])

    def _static_file(self, name: str) -> web.StreamResponse:
        kind = next((t for ext, t in STATIC_TYPES.items() if name.endswith(ext)), None)
        if kind is None or "/" in name or name.startswith("."):
            raise web.HTTPNotFound()
        item = STATIC / name
        if not item.is_file():
            raise web.HTTPNotFound()
        return web.Response(
            body=item.read_bytes(), content_type=kind, charset="utf-8", headers=NO_STORE
        )

    async def _texts(self, request: web.Request) -> web.StreamResponse:
        language = request.query.get("lang", "en")
        body = {"language": language if language in PAGE_LANGUAGES else "en"}
        return web.json_response(
            {**body, "languages": PAGE_LANGUAGES, "texts": page_texts(self.translate, language)}
        )

    async def _view(self, request: web.Request) -> web.StreamResponse:
        """The people, the bot's clock and, for the chosen person, their chat and commands."""
        world = self.server.world
        people = [
            {
                "id": user.id,
                "name": user.first_name,
                "language": user.language_code or "en",
                "timezone": self.people[user.id].timezone,
                "messages": len(world.chats.get(user.id, [])),
            }
            for user in world.users.values()
            if user.id in self.people
        ]
        body: dict[str, Any] = {
            "bot": world.bot_user.get("username", ""),
            "bot_name": world.bot_user.get("first_name", ""),
            "clock": self.clock.now().isoformat(),
            "people": people,
        }
        person = int_or_none(request.query.get("person"))
        if person in self.people:
            records = world.chats.get(person, [])
            body["chat"] = [message_json(person, record) for record in records]
            language = world.user(person).language_code or ""
            body["commands"] = self._commands(person, language)
        return web.json_response(body)

    def _commands(self, user_id: int, language: str) -> list[dict[str, Any]]:
        """The command menu this person sees, found as Telegram looks for it: narrowest first."""
        scopes = [{"type": "chat", "chat_id": user_id}, {"type": "all_private_chats"}]
        scopes.append({"type": "default"})
        for scope in scopes:
            for lang in (language, ""):
                key = (json.dumps(scope, sort_keys=True), lang)
                if key in self.server.world.commands:
                    return list(self.server.world.commands[key])
        return []

    async def _events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: 'change' when the chats change, 'answer' for button answers."""
        response = web.StreamResponse(headers={**NO_STORE, "Content-Type": "text/event-stream"})
        await response.prepare(request)
        answered = len(self.server.world.callback_answers)  # answers from now on
        last: tuple[int, ...] = ()
        quiet = False  # the last wait ended without any change: keep the connection alive
        try:
            while not self._closing:
                payload = ": idle\n\n" if quiet else ""
                if (now := self._fingerprint()) != last:
                    last = now
                    payload += f"event: change\ndata: {json.dumps({'version': now})}\n\n"
                for answer in self.server.world.callback_answers[answered:]:
                    who = self.server.world.callbacks.get(answer.callback_query_id, (0,))[0]
                    data = {"person": who, "text": answer.text, "alert": answer.show_alert}
                    payload += f"event: answer\ndata: {json.dumps(data)}\n\n"
                    answered += 1
                if payload:
                    await response.write(payload.encode())
                quiet = not await self.server.wait_change(15.0)
        except ConnectionResetError:  # the page was closed
            pass
        return response

    async def _file(self, request: web.Request) -> web.StreamResponse:
        user_id = int_or_none(request.match_info["user_id"])
        message_id = int_or_none(request.match_info["message_id"])
        record = None
        if user_id in self.people and message_id is not None:
            record = self.server.world.find(user_id, message_id)
        content = None if record is None else (record.view.photo or record.view.document)
        if record is None or content is None:
            raise web.HTTPNotFound()
        if record.view.photo is not None:
            return web.Response(body=content, content_type="image/png")
        name = (record.view.document_name or "file").replace('"', "")
        disposition = f'attachment; filename="{name.encode("ascii", "replace").decode()}"'
        return web.Response(
            body=content,
            content_type="application/octet-stream",
            headers={"Content-Disposition": disposition},
        )

    # --- actions --------------------------------------------------------------------------
    async def _add_person(self, request: web.Request) -> web.StreamResponse:
        form = await json_body(request)
        name = str(form.get("name", "")).strip()
        language = str(form.get("language", "en"))
        timezone = str(form.get("timezone", "UTC")).strip()
        if not name or len(name) > MAX_NAME or "\x00" in name:
            return refused("bad_name")
        if not valid_zone(timezone):
            return refused("bad_zone")
        language = language if language in PAGE_LANGUAGES else "en"
        return web.json_response({"id": self.add_person(name, language, timezone)})

    async def _send(self, request: web.Request) -> web.StreamResponse:
        form = await json_body(request)
        person = int_or_none(form.get("person"))
        text = str(form.get("text", "")).replace("\x00", "").strip()
        if person not in self.people or not text:
            raise web.HTTPBadRequest()
        if len(text) > MAX_TEXT:
            return refused("too_long")
        self.server.send_text(person, text)
        return web.json_response({"ok": True})

    async def _press(self, request: web.Request) -> web.StreamResponse:
        form = await json_body(request)
        person, message_id = int_or_none(form.get("person")), int_or_none(form.get("message"))
        data = form.get("data")
        if person not in self.people or message_id is None or not isinstance(data, str):
            raise web.HTTPBadRequest()
        try:
            self.server.press(person, message_id, data)
        except ButtonNotFound:
            return refused("button_gone")
        return web.json_response({"ok": True})

    async def _move_clock(self, request: web.Request) -> web.StreamResponse:
        step = CLOCK_STEPS.get(str((await json_body(request)).get("step")))
        if step is None:
            raise web.HTTPBadRequest()
        await self.clock.move(step)
        self.changed()
        return web.json_response({"clock": self.clock.now().isoformat()})

    async def _web_app(self, request: web.Request) -> web.StreamResponse:
        """Where a web_app button opens for a person: its URL, with initData when known."""
        person, url = int_or_none(request.query.get("person")), request.query.get("url", "")
        if person not in self.people or not url.startswith(("https://", "http://")):
            raise web.HTTPBadRequest()
        try:
            launched = self.server.open_web_app(person, url)
        except NoWebApp:
            raise web.HTTPBadRequest() from None
        return web.json_response({"url": launched.url})

    async def _shutdown(self, app: web.Application) -> None:
        self._closing = True
        self.server.bump()
