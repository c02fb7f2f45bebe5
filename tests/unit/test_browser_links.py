"""The plain-browser switch: off by default, flipped from /settings, and the link card says
which is in force (and where the browser address is, once the bot has a public one)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.domain.model import ShareLink, Student, TeacherSettings
from bot.domain.teacher_settings import Setting, apply_choice
from bot.services import links
from handlers.mini_app import MiniApp
from handlers.settings_screens import settings_screen
from handlers.teacher_links import link_text
from views.i18n import make_i18n

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TOKEN = "Zq3xv8Pq0fT2kLmN4bRt6Yw1cD9eHs5jU7gAiOoKpXy"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale("en"):
        yield


def _card(browser: bool, token: str | None = TOKEN) -> links.LinkCard:
    anna = Student(11, 3, "Anna", 0, NOW)
    link = ShareLink(1, 11, b"", b"", NOW, None, None)
    return links.LinkCard(anna, link, token, None, browser)


def test_links_are_telegram_only_until_the_teacher_flips_the_switch() -> None:
    settings = TeacherSettings()
    assert settings.browser_links is False
    _text, keyboard = settings_screen(settings)
    labels = [b.text for row in keyboard.inline_keyboard for b in row]
    assert "🌐 Links also work in a plain browser: off" in labels
    on = apply_choice(settings, Setting.BROWSER_LINKS, "1")
    assert on.browser_links is True
    assert apply_choice(on, Setting.BROWSER_LINKS, "1") == on  # an old button changes nothing
    assert apply_choice(on, Setting.BROWSER_LINKS, "0") == replace(on, browser_links=False)


def test_the_link_card_says_where_the_link_opens() -> None:
    assert "Opens in Telegram only." in link_text(_card(False), "bot", MiniApp("https://l.example"))
    shown = link_text(_card(True), "bot", MiniApp("https://l.example/"))
    assert f"Also opens in a browser: https://l.example/book/3/{TOKEN}" in shown
    unset = link_text(_card(True), "bot", MiniApp(""))
    assert "once the bot's public address is set" in unset
    assert "/book/" not in unset
    assert "/book/" not in link_text(_card(True, token=None), "bot", MiniApp("https://l.example"))
