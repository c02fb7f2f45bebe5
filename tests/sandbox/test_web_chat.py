"""The demo page's HTTP side: what it serves, and short refusals for bad input, losing nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from sandbox import BotAPIServer
from sandbox.web_chat import DemoClock, WebChat

TOKEN = "123456:TEST-TOKEN"


class Page:
    """A web chat on a sandbox server, and an HTTP client for it."""

    def __init__(self, chat: WebChat, http: aiohttp.ClientSession, url: str) -> None:
        self.chat, self.http, self.url = chat, http, url

    async def post(self, path: str, body: object) -> tuple[int, dict[str, object]]:
        async with self.http.post(self.url + path, json=body) as response:
            if response.content_type != "application/json":
                return response.status, {}
            return response.status, await response.json()

    async def get(self, path: str) -> tuple[int, bytes]:
        async with self.http.get(self.url + path) as response:
            return response.status, await response.read()


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    moments = [datetime(2026, 12, 1, 8, 0, tzinfo=UTC)]

    async def move(delta: timedelta) -> None:
        moments.append(moments[-1] + delta)

    server = BotAPIServer(token=TOKEN, bot_username="lessonlink_demo_bot")
    chat = WebChat(
        server, lambda text, lang: f"[{lang}] {text}", DemoClock(lambda: moments[-1], move)
    )
    url = await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            yield Page(chat, http, url)
    finally:
        await server.stop()


async def test_the_page_and_its_texts_are_served_in_the_chosen_language(page: Page) -> None:
    status, body = await page.get("/")
    assert status == 200 and b"/demo/static/chat.js" in body
    status, body = await page.get("/demo/static/chat.js")
    assert status == 200 and b"createElement" in body
    async with page.http.get(page.url + "/demo/texts?lang=ru") as response:
        texts = await response.json()
    assert texts["language"] == "ru" and texts["texts"]["people"] == "[ru] People"
    async with page.http.get(page.url + "/demo/texts?lang=xx") as response:
        assert (await response.json())["language"] == "en"


@pytest.mark.parametrize("name", ["../web_chat.py", ".hidden.js", "secret.key", "x.py"])
async def test_only_the_pages_own_files_are_served(page: Page, name: str) -> None:
    status, _ = await page.get(f"/demo/static/{name}")
    assert status == 404


async def test_a_person_needs_a_name_and_a_real_time_zone(page: Page) -> None:
    status, body = await page.post("/demo/people", {"name": " ", "timezone": "UTC"})
    assert (status, body) == (422, {"error": "bad_name"})
    status, body = await page.post("/demo/people", {"name": "x" * 65, "timezone": "UTC"})
    assert (status, body) == (422, {"error": "bad_name"})
    for zone in ("Mars/Base", "../../etc/passwd", "", "/etc/localtime"):
        status, body = await page.post("/demo/people", {"name": "Ann", "timezone": zone})
        assert (status, body) == (422, {"error": "bad_zone"}), zone
    assert page.chat.people == {}
    status, body = await page.post(
        "/demo/people", {"name": "Ann", "language": "klingon", "timezone": "Asia/Tokyo"}
    )
    assert status == 200
    person = body["id"]
    assert isinstance(person, int)
    assert page.chat.server.world.user(person).language_code == "en"


async def test_garbage_and_forged_requests_get_short_refusals(page: Page) -> None:
    _, made = await page.post("/demo/people", {"name": "Ann", "timezone": "UTC"})
    person = made["id"]
    garbage = {"Content-Type": "application/json"}
    async with page.http.post(
        page.url + "/demo/send", data=b"\x00not json", headers=garbage
    ) as response:
        assert response.status == 400
    assert (await page.post("/demo/send", [1, 2]))[0] == 400
    assert (await page.post("/demo/send", {"person": 999999, "text": "hi"}))[0] == 400
    assert await page.post("/demo/send", {"person": person, "text": "x" * 5000}) == (
        422,
        {"error": "too_long"},
    )
    assert await page.post("/demo/press", {"person": person, "message": 1, "data": "x"}) == (
        422,
        {"error": "button_gone"},
    )
    assert (await page.post("/demo/clock", {"step": "year"}))[0] == 400
    assert (await page.get(f"/demo/files/{person}/1"))[0] == 404
    assert page.chat.server.world.updates == []  # nothing reached the bot


async def test_text_reaches_the_bot_without_nul_bytes(page: Page) -> None:
    _, made = await page.post("/demo/people", {"name": "Ann", "timezone": "UTC"})
    status, _ = await page.post("/demo/send", {"person": made["id"], "text": "/start\x00 abc"})
    assert status == 200
    [update] = page.chat.server.world.updates
    assert update["message"]["text"] == "/start abc"


async def test_the_clock_buttons_move_the_demo_clock(page: Page) -> None:
    status, body = await page.post("/demo/clock", {"step": "day"})
    assert status == 200 and body["clock"] == "2026-12-02T08:00:00+00:00"
    async with page.http.get(page.url + "/demo/view") as response:
        assert (await response.json())["clock"] == "2026-12-02T08:00:00+00:00"


async def test_another_site_cannot_drive_the_demo(page: Page) -> None:
    _, made = await page.post("/demo/people", {"name": "Ann", "timezone": "UTC"})
    body = {"person": made["id"], "text": "/start"}
    async with page.http.post(page.url + "/demo/send", data='{"person": 1}') as form:
        assert form.status == 415  # a cross-site form posts text/plain
    elsewhere = {"Origin": "https://evil.example"}
    async with page.http.post(page.url + "/demo/send", json=body, headers=elsewhere) as forged:
        assert forged.status == 403
    assert (await page.post("/demo/send", body))[0] == 200
