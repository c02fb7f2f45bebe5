"""A teacher's API keys in the chat: made from /settings and shown once, listed, revoked."""

from __future__ import annotations

import re

from bot.services import api_keys
from tests.handlers.conftest import Harness
from tests.steps.teacher_steps import register

TEACHER = 3301
STUDENT = 3302
KEY = re.compile(r"ll_[A-Za-z0-9_-]{43}")


async def _new_key(h: Harness) -> str:
    await h.send(TEACHER, "/settings")
    await h.press(TEACHER, "🔑 API keys")
    assert "You have no API keys." in h.last(TEACHER).content
    await h.press(TEACHER, "➕ New key")
    shown = h.last(TEACHER).content
    assert "shown only this once" in shown and "Authorization: Bearer" in shown
    found = KEY.search(shown)
    assert found, shown
    return found.group(0)


async def test_a_new_key_is_shown_once_and_then_only_listed(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER, zone="Europe/Berlin")
    key = await _new_key(h)
    owner = await api_keys.owner_of(h.app.deps, key)
    assert owner is not None and owner.telegram_id == TEACHER
    await h.press(TEACHER, "🔑 API keys")
    listed = h.last(TEACHER).content
    assert key not in listed  # the message that showed it now shows the list
    assert "Key 1" in listed and "created Mon, 23 Nov" in listed
    assert "last used Mon, 23 Nov, 10:00" in listed  # 09:00 UTC, in Berlin
    assert not any(key in m.content for m in h.chat(TEACHER))
    await h.press(TEACHER, "➕ New key")
    await h.press(TEACHER, "🔑 API keys")
    assert "Key 2" in h.last(TEACHER).content


async def test_revoking_asks_first_and_the_key_stops_working(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    key = await _new_key(h)
    await h.press(TEACHER, "🔑 API keys")
    await h.press(TEACHER, "🗑 Revoke Key 1")
    assert "Key 1" in h.last(TEACHER).content
    assert "refused from the next request" in h.last(TEACHER).content
    await h.press(TEACHER, "Keep it")
    assert await api_keys.owner_of(h.app.deps, key) is not None
    await h.press(TEACHER, "🗑 Revoke Key 1")
    answer = await h.press(TEACHER, "Yes, revoke it")
    assert answer.text == "Revoked"
    screen = h.last(TEACHER).content
    assert "Key 1 is revoked." in screen and "You have no API keys." in screen
    assert await api_keys.owner_of(h.app.deps, key) is None


async def test_a_forged_revoke_of_someone_elses_key_changes_nothing(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    key = await _new_key(h)
    await register(h, STUDENT, name="Mr Jones")
    await h.send(STUDENT, "/apikeys")
    message = h.last(STUDENT).message_id
    await h.press_data(STUDENT, message, "apk:revoke_ok:1")
    assert await api_keys.owner_of(h.app.deps, key) is not None
    assert "You have no API keys." in h.last(STUDENT).content


async def test_the_screen_is_in_russian_for_a_russian_teacher(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/language")
    await h.press(TEACHER, "Русский")
    await h.send(TEACHER, "/apikeys")
    assert "Ключи API" in h.last(TEACHER).content
