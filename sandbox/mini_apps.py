"""Opening Mini Apps as people do: from a web_app button, the menu button or a t.me link."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from sandbox.init_data import Theme, init_data, launch_url
from sandbox.world import Button, World


class NoWebApp(LookupError):
    """What the test wanted to open does not open a Mini App."""


@dataclass(frozen=True)
class WebAppLaunch:
    """One opening of a Mini App, as the user's Telegram client performs it."""

    url: str  # the address the client loads, launch parameters in its fragment
    app_url: str  # the address the bot (button, menu) or @BotFather (direct link) gave
    init_data: str  # the signed query string, what Telegram.WebApp.initData holds
    start_param: str | None = None

    @property
    def fields(self) -> dict[str, str]:
        """The initData fields, decoded."""
        return dict(parse_qsl(self.init_data, keep_blank_values=True))

    @property
    def authorization(self) -> str:
        """The header value a Mini App sends its backend: "tma <initData>"."""
        return f"tma {self.init_data}"


class MiniApps:
    """Mixin for People: open a Mini App and get the launch data Telegram would give it."""

    world: World
    test_environment: bool

    def register_web_app(self, short_name: str, url: str) -> str:
        """Register a Mini App as @BotFather's /newapp does; returns its t.me link."""
        self.world.web_apps[short_name] = url
        return f"https://t.me/{self.world.bot_user['username']}/{short_name}"

    def open_web_app(
        self,
        user_id: int,
        source: Button | str,
        *,
        theme: Theme = "light",
        platform: str = "android",
        auth_date: int | None = None,
        bot_token: str | None = None,
    ) -> WebAppLaunch:
        """Open a web_app button (a Button, or the label of one in the chat) or an https URL.

        `auth_date` (default: now) makes stale data; `bot_token` signs as another bot would.
        """
        from_inline = True
        if isinstance(source, Button):
            url = source.web_app
        elif source.startswith("https://") or (
            source.startswith("http://") and self.test_environment
        ):
            url = source
        else:
            url, from_inline = self._web_app_button(user_id, source)
        if not url:
            raise NoWebApp(f"{source!r} does not open a Mini App")
        # Inline buttons and the menu give a query_id (for answerWebAppQuery); a reply
        # keyboard's button does not: its app answers with sendData instead.
        query_id = _query_id() if from_inline else None
        return self._launch(user_id, url, theme, platform, auth_date, bot_token, query_id=query_id)

    def open_menu_app(self, user_id: int, **options: Any) -> WebAppLaunch:
        """Press the chat's menu button; it must be a MenuButtonWebApp."""
        button = self.world.menu_button(user_id)
        if button["type"] != "web_app":
            raise NoWebApp(f"the menu button of {user_id} is {button['type']!r}, not a Mini App")
        return self.open_web_app(user_id, str(button["web_app"]["url"]), **options)

    def open_direct_link(
        self,
        user_id: int,
        link: str,
        *,
        theme: Theme = "light",
        platform: str = "android",
        auth_date: int | None = None,
        bot_token: str | None = None,
    ) -> WebAppLaunch:
        """Tap https://t.me/<bot>/<app>?startapp=<param>: the registered app, started with it."""
        parts = urlsplit(link)
        path = parts.path.strip("/").split("/")
        bot = str(self.world.bot_user["username"])
        if parts.netloc != "t.me" or len(path) != 2 or path[0].lower() != bot.lower():
            raise NoWebApp(f"{link!r} is not a Mini App link of @{bot}")
        if path[1] not in self.world.web_apps:
            raise NoWebApp(f"@{bot} has no Mini App named {path[1]!r}")
        start = parse_qs(parts.query).get("startapp", [None])[0]
        digest = hashlib.sha1(f"{self.world.bot_user['id']}:{user_id}".encode()).hexdigest()
        return self._launch(
            user_id,
            self.world.web_apps[path[1]],
            theme,
            platform,
            auth_date,
            bot_token,
            start_param=start,
            chat_type="sender",  # opened in the user's own chat with the bot
            chat_instance=str(int(digest[:15], 16)),
        )

    def _web_app_button(self, user_id: int, label: str) -> tuple[str | None, bool]:
        for record in reversed(self.world.chats.get(user_id, [])):
            view = record.view
            for rows, inline in ((view.buttons, True), (view.keyboard, False)):
                for button in (b for row in rows for b in row):
                    if button.text == label and button.web_app:
                        return button.web_app, inline
        raise NoWebApp(f"no Mini App button {label!r} in the chat of {user_id}")

    def _launch(
        self,
        user_id: int,
        url: str,
        theme: Theme,
        platform: str,
        auth_date: int | None,
        bot_token: str | None,
        *,
        query_id: str | None = None,
        start_param: str | None = None,
        chat_type: str | None = None,
        chat_instance: str | None = None,
    ) -> WebAppLaunch:
        user = {k: v for k, v in self.world.user_payload(user_id).items() if k != "is_bot"}
        user["allows_write_to_pm"] = True
        data = init_data(
            bot_token=bot_token or self.world.bot_token,
            user=user,
            auth_date=self.world.now() if auth_date is None else auth_date,
            query_id=query_id,
            start_param=start_param,
            chat_type=chat_type,
            chat_instance=chat_instance,
            signing_key=self.world.signing_key,
        )
        address = launch_url(url, data, platform=platform, theme=theme, start_param=start_param)
        return WebAppLaunch(address, url, data, start_param)


def _query_id() -> str:
    """A query_id as Telegram makes them: 'AAH' and opaque base64 characters."""
    return "AAH" + secrets.token_urlsafe(18)
