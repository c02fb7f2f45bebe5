"""Who is calling: the Mini App's signed initData (`Authorization: tma ...`)."""

from __future__ import annotations

import logging

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.init_data import InitDataRefused, MiniAppUser, verify_init_data
from web.api.context import API, ApiContext
from web.api.problems import LANGUAGE, Problem

log = logging.getLogger("lessonlink.api")

TMA = "tma"
CHALLENGE = {"WWW-Authenticate": TMA}
# The user a request's initData proved, set by the API's middleware before any route runs.
USER = web.RequestKey("lessonlink_mini_app_user", MiniAppUser)


def credentials(request: web.Request) -> tuple[str, str] | None:
    """The Authorization header as (scheme in lower case, value), or None without one."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _sep, value = header.partition(" ")
    return scheme.lower(), value.strip()


def unauthorized() -> Problem:
    """401: this needs the Mini App's proof of who is asking."""
    return Problem(
        401,
        "unauthorized",
        lambda: _("Open this from Telegram: the request does not say who you are."),
        headers=CHALLENGE,
    )


def mini_app_user(request: web.Request) -> MiniAppUser | None:
    """The Telegram user the request's initData proved (the middleware checked it), or None."""
    return request.get(USER)


def authenticate(request: web.Request) -> None:
    """Check the request's initData, if any, and remember its user for the routes.

    initData that is present but forged, for another bot, or stale is refused (401), never
    treated as absent.
    """
    given = credentials(request)
    if given is None or given[0] != TMA:
        return
    ctx: ApiContext = request.app[API]
    try:
        user = verify_init_data(
            given[1], ctx.bot_token, ctx.deps.clock.now(), ctx.init_data_max_age
        )
    except InitDataRefused as refused:
        log.info("initData refused: %s", refused.reason)
        if refused.reason == "stale":
            raise Problem(
                401,
                "init-data-stale",
                lambda: _("This page was open too long. Please close it and open it again."),
                headers=CHALLENGE,
            ) from None
        raise Problem(
            401,
            "init-data-invalid",
            lambda: _("Telegram could not confirm who you are. Please open this again."),
            headers=CHALLENGE,
        ) from None
    if user.language_code and LANGUAGE not in request:
        request[LANGUAGE] = ctx.i18n.pick(user.language_code)
    request[USER] = user
