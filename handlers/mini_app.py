"""The chat's doors into the Mini App: web_app buttons, the menu button, t.me/<bot>/<app> links.

All of it appears only when PUBLIC_URL is an https address (Telegram opens nothing else);
without it every screen stays as it was. No link token ever goes into a web_app address: the
Mini App learns who opens it from Telegram's signed launch data.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, MenuButtonWebApp, WebAppInfo
from aiogram.utils.i18n import gettext as _


@dataclass(frozen=True)
class MiniApp:
    """Where the Mini App is served (Settings.mini_app_url, '' when off) and its @BotFather name."""

    base: str = ""
    name: str = ""

    @property
    def enabled(self) -> bool:
        """Whether the chat offers the Mini App at all."""
        return bool(self.base)  # Settings.mini_app_url: https, or http in a test environment

    def home_url(self) -> str:
        """The Mini App's front page, {PUBLIC_URL}/app/ (the menu button and students open it)."""
        return f"{self.base}/app/"

    def teacher_url(self) -> str:
        """The teacher panel."""
        return f"{self.base}/app/#/teacher"

    def portal_url(self, teacher_id: int | None = None) -> str:
        """The student's portal, with one teacher's calendar when the student has several."""
        if teacher_id is None:
            return self.home_url()
        return f"{self.base}/app/#/portal?teacher={teacher_id}"

    def direct_link(self, bot_username: str, token: str) -> str | None:
        """The link's Mini App form, t.me/<bot>/<app>?startapp=<token>, when the app is named."""
        if not (self.enabled and self.name and bot_username and token):
            return None
        return f"https://t.me/{bot_username}/{self.name}?startapp={token}"


OFF = MiniApp()  # no public https address: the chat shows no Mini App anywhere


def calendar_button(url: str) -> InlineKeyboardButton:
    """📅 Open calendar: opens the Mini App at `url` inside Telegram."""
    return InlineKeyboardButton(text=_("📅 Open calendar"), web_app=WebAppInfo(url=url))


def menu_button(url: str) -> MenuButtonWebApp:
    """The chat's menu button opening the Mini App, labelled in the current language."""
    return MenuButtonWebApp(text=_("Calendar"), web_app=WebAppInfo(url=url))


async def set_chat_menu(bot: Bot, mini_app: MiniApp, chat_id: int, *, teacher: bool) -> None:
    """Give one chat its menu button in the user's language (the teacher's opens the panel)."""
    if mini_app.enabled:
        url = mini_app.teacher_url() if teacher else mini_app.home_url()
        await bot.set_chat_menu_button(chat_id=chat_id, menu_button=menu_button(url))
