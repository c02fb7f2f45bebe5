"""What the API's routes share, kept on the aiohttp application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from aiohttp import web

from bot.services.context import Deps
from views.i18n import CatalogI18n
from web.api.guard import RateLimits


@dataclass
class ApiContext:
    """The services' dependencies plus what only the web side needs."""

    deps: Deps
    i18n: CatalogI18n
    bot_token: str
    bot_username: Callable[[], str]  # known once the bot has asked Telegram who it is
    public_url: str = ""  # where this server is reachable from outside (https), if configured
    mini_app_name: str = ""  # the Mini App's short name (t.me/<bot>/<name>), once configured
    init_data_max_age: timedelta = timedelta(hours=24)
    # Who may frame our pages: Telegram's web clients (and, in a test environment, this
    # machine's pages, such as the demo's chat page).
    frame_ancestors: str = "https://web.telegram.org https://*.telegram.org"
    per_client: RateLimits = field(default_factory=lambda: RateLimits(120))
    per_credential: RateLimits = field(default_factory=lambda: RateLimits(60))
    # Refused link tokens per client address, for callers without initData (a plain browser):
    # the chat's per-account throttle cannot hold back someone who proves no account.
    refused_links: RateLimits = field(default_factory=lambda: RateLimits(5))

    # Reverse proxies in front of this server (their addresses): behind one, a client is the
    # last X-Forwarded-For hop that is not one of them, else every user shares one address.
    trusted_proxies: frozenset[str] = frozenset()

    def client(self, request: web.Request) -> str:
        """The address the request came from, through trusted proxies; for rate limits."""
        remote = request.remote or ""
        if remote not in self.trusted_proxies:
            return remote
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        return next((h for h in reversed(hops) if h and h not in self.trusted_proxies), remote)


API = web.AppKey("lessonlink_api", ApiContext)
