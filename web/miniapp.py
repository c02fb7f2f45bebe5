"""The Mini App's pages: one HTML page with its assets, and its texts from the bot's catalogs.

`/app/` serves the student portal and the teacher panel (hash routes); `/book/{teacher_id}/
{token}` serves the same page in portal mode for a plain browser (the API decides whether the
link may be used without Telegram). The assets are package data in web/miniapp_assets/,
read once and served from memory; nothing outside that folder is reachable.
"""

from __future__ import annotations

import functools
from pathlib import Path

from aiohttp import web

from web import miniapp_texts
from web.api import openapi
from web.api.context import API

ASSETS = Path(__file__).resolve().parent / "miniapp_assets"
TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
# Pages change with each release; the browser asks again rather than use an old copy.
REVALIDATE = {"Cache-Control": "no-cache"}

routes = web.RouteTableDef()


@functools.cache
def _files() -> dict[str, tuple[bytes, str]]:
    """Every asset by name with its type, read once (a few small files; a release replaces
    them, and the process with them)."""
    return {
        path.name: (path.read_bytes(), TYPES[path.suffix])
        for path in ASSETS.iterdir()
        if path.suffix in TYPES and path.is_file()
    }


def _asset(name: str) -> web.Response:
    """One file of the Mini App, or 404 for any other name."""
    found = _files().get(name)
    if found is None:
        raise web.HTTPNotFound()
    body, kind = found
    return web.Response(body=body, content_type=kind, charset="utf-8", headers=REVALIDATE)


@routes.get("/app")
async def app_without_slash(_request: web.Request) -> web.Response:
    """The page lives at /app/ (its hash routes follow the slash)."""
    raise web.HTTPPermanentRedirect("/app/")


@routes.get("/app/")
async def page(_request: web.Request) -> web.Response:
    """The Mini App: portal or teacher panel, chosen by the hash route and launch data."""
    return _asset("index.html")


@routes.get("/book/{teacher_id}/{token}")
async def browser_page(_request: web.Request) -> web.Response:
    """The same page for a plain browser; it reads the link token from the path."""
    return _asset("index.html")


@routes.get("/app/assets/{name}")
async def asset(request: web.Request) -> web.Response:
    """A script or style sheet of the page, from its own folder only."""
    return _asset(request.match_info["name"])


@routes.get("/api/i18n/{lang}")
async def texts(request: web.Request) -> web.Response:
    """The page's texts in a language (English when there is no catalog for it)."""
    i18n = request.app[API].i18n
    language = i18n.pick(request.match_info["lang"][:16])
    translated = {msgid: i18n.gettext(msgid, locale=language) for msgid in miniapp_texts.TEXTS}
    response = web.json_response(translated)
    response.headers["Content-Language"] = language
    return response


def add_pages(app: web.Application) -> None:
    """Serve the Mini App's pages and texts on the application the API is served on."""
    app.router.add_routes(routes)
    if OPENAPI not in openapi.PARTS:
        openapi.PARTS.append(OPENAPI)


OPENAPI = {
    "paths": {
        "/api/i18n/{lang}": {
            "get": {
                "summary": "The Mini App's texts in a language, from the bot's catalogs",
                "parameters": [
                    {
                        "name": "lang",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "examples": ["en", "ru"]},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "msgid -> translation (English for an unknown language)",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                }
                            }
                        },
                    }
                },
            }
        }
    }
}
