"""/mail/unsubscribe/<secret>: stop email to a student's address, without logging in.

GET shows a page with one button (mail scanners open links, so a GET changes nothing); POST
unsubscribes, which is also RFC 8058's one-click request a mail client sends for the
List-Unsubscribe-Post header. The secret is a path segment the access log redacts; only its
keyed hash is stored. Unknown secrets are rate-limited per client, as feed addresses are.
"""

from __future__ import annotations

import html
from weakref import WeakKeyDictionary

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.security import looks_like_token
from bot.services import student_email
from web.api.app import language_of
from web.api.context import API
from web.api.guard import RateLimits
from web.api.problems import Problem

routes = web.RouteTableDef()

_MISSES: WeakKeyDictionary[web.Application, RateLimits] = WeakKeyDictionary()


def _page(request: web.Request, status: int, title: str, said: str, form: bool) -> web.Response:
    """A small page in the reader's language (texts given already translated)."""
    button = ""
    if form:
        i18n = request.app[API].i18n
        with i18n.context(), i18n.use_locale(language_of(request)):
            label = _("Unsubscribe")
        button = f'<form method="post"><button type="submit">{html.escape(label)}</button></form>'
    body = (
        f'<!DOCTYPE html><html lang="{language_of(request)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(said)}</p>{button}</body></html>"
    )
    headers = {"Cache-Control": "no-store"}
    return web.Response(status=status, text=body, content_type="text/html", headers=headers)


async def _known(request: web.Request, token: str) -> bool:
    """Whether the secret could be ours; a miss spends the client's miss allowance."""
    if looks_like_token(token):
        return True
    misses = _MISSES.setdefault(request.app, RateLimits(10))
    await misses.check(f"miss:{request.app[API].client(request)}")
    return False


def _texts(request: web.Request) -> dict[str, str]:
    i18n = request.app[API].i18n
    with i18n.context(), i18n.use_locale(language_of(request)):
        return {
            "ask": _("Stop emails from LessonLink?"),
            "ask_more": _(
                "You will get no more emails about your lessons at this address. "
                "Telegram messages from the bot are not affected."
            ),
            "done": _("You are unsubscribed"),
            "done_more": _("No more emails will be sent to this address."),
            "gone": _("This link does not work"),
            "gone_more": _("It may be mistyped, or the address was changed since."),
            "busy": _("Too many attempts. Please try again in a minute."),
        }


@routes.get("/mail/unsubscribe/{token}")
@routes.post("/mail/unsubscribe/{token}")
async def unsubscribe(request: web.Request) -> web.Response:
    """GET: ask; POST (the page's button, or a mail client's one-click): unsubscribe."""
    token = request.match_info["token"]
    said = _texts(request)
    try:
        if not await _known(request, token):
            return _page(request, 404, said["gone"], said["gone_more"], form=False)
        if request.method == "GET":
            return _page(request, 200, said["ask"], said["ask_more"], form=True)
        deps = request.app[API].deps
        if not await student_email.unsubscribe(deps, token):
            await _known(request, "")  # an unknown secret spends a miss too
            return _page(request, 404, said["gone"], said["gone_more"], form=False)
    except Problem:
        return _page(request, 429, said["busy"], said["busy"], form=False)
    return _page(request, 200, said["done"], said["done_more"], form=False)
