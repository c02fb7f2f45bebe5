"""The chat's doors into the Mini App: calendar buttons, the menu button, t.me/<bot>/<app> links.

With an https PUBLIC_URL they appear; without it (or with a local http one) the chat is
exactly as before. No link token ever travels in a web_app address.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.clock import ManualClock
from tests.handlers.conftest import BOT_USERNAME, Harness, running_bot
from tests.steps.student_steps import student, teacher
from tests.steps.teacher_steps import enroll, register

PUBLIC = "https://lessons.example.com"
TEACHER, ANNA, IVAN = 3001, 3101, 3102
OPEN = "📅 Open calendar"


@pytest.fixture
async def app_harness(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> AsyncIterator[Harness]:
    """A running bot whose web server is public at PUBLIC, its Mini App named "calendar"."""
    crashes: list[str] = []

    def crashed(_update: object, outcome: str, _seconds: float) -> None:
        if outcome.startswith(("error:", "unhandled")):
            crashes.append(outcome)

    async with running_bot(
        database_url, tmp_path, clock, public_url=PUBLIC + "/", mini_app_name="calendar"
    ) as h:
        h.app.tracker.listeners.append(crashed)
        yield h
    assert not crashes, crashes


def web_apps(h: Harness, user_id: int) -> list[str]:
    """Every web_app address on the bot's messages in a user's chat."""
    return [
        b.web_app
        for m in h.chat(user_id)
        if m.from_bot
        for row in [*m.buttons, *m.keyboard]
        for b in row
        if b.web_app
    ]


async def test_home_cards_open_the_calendar_and_the_link_card_has_the_mini_app_link(
    app_harness: Harness,
) -> None:
    h = app_harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/start")
    button = h.last(TEACHER).find_button(OPEN)
    assert button is not None and button.web_app == PUBLIC + "/app/#/teacher"

    token, _ = await enroll(h, TEACHER, "Anna")
    direct = f"https://t.me/{BOT_USERNAME}/calendar?startapp={token}"
    assert direct in h.last(TEACHER).content

    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    button = h.last(ANNA).find_button(OPEN)
    assert button is not None and button.web_app == PUBLIC + "/app/"
    launch = h.server.open_web_app(ANNA, OPEN)
    assert launch.url.startswith(PUBLIC + "/app/#tgWebAppData=")
    assert all(token not in url for url in web_apps(h, ANNA) + web_apps(h, TEACHER))
    assert token not in launch.url


async def test_the_menu_button_opens_the_mini_app_by_default_and_per_chat_in_its_language(
    app_harness: Harness,
) -> None:
    h = app_harness
    default = [c.params for c in h.server.calls("setChatMenuButton", ok=True)]
    assert default and "chat_id" not in default[0], "the default menu is set at start"
    assert h.server.world.menu_button(999)["web_app"]["url"] == PUBLIC + "/app/"
    await register(h, TEACHER)
    teacher_menu = h.server.world.menu_button(TEACHER)
    assert teacher_menu["web_app"]["url"] == PUBLIC + "/app/#/teacher"
    token, _ = await enroll(h, TEACHER, "Ivan")
    h.user(IVAN, "Ivan", language="ru")
    await h.send(IVAN, f"/start {token}")
    menu = h.server.world.menu_button(IVAN)
    assert (menu["text"], menu["web_app"]["url"]) == ("Календарь", PUBLIC + "/app/")
    assert h.last(IVAN).find_button("📅 Открыть календарь") is not None
    # The command list keeps working beside the Mini App's menu button.
    await h.send(IVAN, "/mybookings")
    assert h.last(IVAN).from_bot and "/mybookings" not in h.last(IVAN).content


async def test_the_startapp_parameter_is_the_token_start_takes(app_harness: Harness) -> None:
    h = app_harness
    await register(h, TEACHER)
    token, _ = await enroll(h, TEACHER, "Anna")
    link = f"https://t.me/{BOT_USERNAME}/calendar?startapp={token}"
    h.server.register_web_app("calendar", PUBLIC + "/app/")
    h.user(ANNA, "Anna")
    launch = h.server.open_direct_link(ANNA, link)
    assert launch.fields["start_param"] == token
    await h.send(ANNA, f"/start {launch.start_param}")
    assert "connected to Ms Smith" in h.last(ANNA).content


async def test_a_student_of_two_teachers_opens_the_current_teachers_calendar(
    app_harness: Harness,
) -> None:
    h = app_harness
    piano = await teacher(h, 7100)
    maths = await teacher(h, 7200)
    await student(h, piano, ANNA, "Kim")
    await student(h, maths, ANNA, "Kim")
    button = h.last(ANNA).find_button(OPEN)
    assert button is not None and button.web_app == f"{PUBLIC}/app/#/portal?teacher={maths.id}"
    await h.press(ANNA, "🔄 Switch teacher")
    await h.press(ANNA, "Teacher 7100")
    button = h.last(ANNA).find_button(OPEN)
    assert button is not None and button.web_app == f"{PUBLIC}/app/#/portal?teacher={piano.id}"


async def _walk(h: Harness) -> None:
    """Teacher and student home cards, a link card and a bound student's /start."""
    await register(h, TEACHER)
    await h.send(TEACHER, "/start")
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    await h.send(ANNA, "/start")
    assert "📝 Book a lesson" in h.last(ANNA).button_texts()
    assert "/calendar?startapp=" not in h.last(TEACHER).content


async def test_without_a_public_address_nothing_changes(harness: Harness) -> None:
    await _walk(harness)
    assert web_apps(harness, TEACHER) == web_apps(harness, ANNA) == []
    assert harness.server.calls("setChatMenuButton") == []
    assert harness.server.world.menu_button(ANNA) == {"type": "commands"}


async def test_a_mini_app_menu_left_by_an_earlier_run_is_put_back_without_public_url(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    from tests.steps.harness import new_server

    server = new_server()
    menu = {"type": "web_app", "text": "Calendar", "web_app": {"url": PUBLIC + "/app/"}}
    status, _ = await server.execute("setChatMenuButton", {"menu_button": menu})
    assert status == 200
    async with running_bot(database_url, tmp_path, clock, server=server) as h:
        h.user(ANNA, "Anna")
        assert h.server.world.menu_button(ANNA) == {"type": "commands"}


async def test_a_local_http_address_shows_no_mini_app_either(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    async with running_bot(database_url, tmp_path, clock, public_url="http://127.0.0.1:8080") as h:
        await _walk(h)
        assert web_apps(h, TEACHER) == web_apps(h, ANNA) == []
        assert h.server.calls("setChatMenuButton") == []
