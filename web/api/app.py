"""Mount the API on the bot's aiohttp application, with problem details for every failure."""

from __future__ import annotations

import importlib
import logging

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.domain.errors import DomainError
from web import miniapp
from web.api import openapi
from web.api.auth import authenticate
from web.api.context import API, ApiContext
from web.api.guard import SECURITY_HEADERS, Handler, body_too_large
from web.api.problems import LANGUAGE, PROBLEM_TYPE, Problem, internal, not_found
from web.api.refusals import problem_of

log = logging.getLogger("lessonlink.api")

# Route modules, each with `routes` (a RouteTableDef); importing one adds its OpenAPI part.
ROUTE_MODULES: list[str] = [
    "web.api.booking",
    "web.api.me",
    "web.api.teacher",
    "web.feeds",  # calendar feeds: not under /api/, plain text/calendar answers
    "web.mail_unsubscribe",  # email's unsubscribe page: not under /api/, plain HTML
]


def language_of(request: web.Request) -> str:
    """The caller's language: as learnt from their account or initData, else Accept-Language."""
    known: str | None = request.get(LANGUAGE)
    if known:
        return known
    ctx = request.app[API]
    wanted = []
    for part in request.headers.get("Accept-Language", "").split(","):
        tag, _sep, weight = part.strip().partition(";q=")
        try:
            q = float(weight) if weight else 1.0
        except ValueError:
            continue
        if tag:
            wanted.append((q, tag))
    return ctx.i18n.pick(*(tag for _q, tag in sorted(wanted, key=lambda p: -p[0])))


def render(request: web.Request, problem: Problem) -> web.Response:
    """The problem as application/problem+json in the caller's language."""
    i18n = request.app[API].i18n
    with i18n.context(), i18n.use_locale(language_of(request)):
        body = problem.body()
    response = web.json_response(
        body, status=problem.status, content_type=PROBLEM_TYPE, headers=problem.headers
    )
    response.headers["Content-Language"] = language_of(request)
    return response


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every answer gets the header set, refusals raised as exceptions too (a 404, a redirect);
    API answers are never cached."""
    try:
        response = await handler(request)
    except web.HTTPException as raised:
        _protect(request, raised)
        raise
    _protect(request, response)
    return response


def _protect(request: web.Request, response: web.StreamResponse | web.HTTPException) -> None:
    response.headers.update(SECURITY_HEADERS)
    ancestors = request.app[API].frame_ancestors
    policy = SECURITY_HEADERS["Content-Security-Policy"].format(frame_ancestors=ancestors)
    response.headers["Content-Security-Policy"] = policy
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def problems(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer every API failure as problem details: refusals, unknown routes, our own bugs."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        ctx = request.app[API]
        await ctx.per_client.check(f"client:{ctx.client(request)}")
        authenticate(request)
        return await handler(request)
    except Problem as problem:
        return render(request, problem)
    except DomainError as refused:
        return render(request, problem_of(refused))
    except web.HTTPRequestEntityTooLarge:
        return render(request, body_too_large())
    except web.HTTPNotFound:
        return render(request, not_found())
    except web.HTTPMethodNotAllowed as exc:
        allowed = {"Allow": ",".join(sorted(exc.allowed_methods))}
        said = Problem(
            405,
            "method-not-allowed",
            lambda: _("This address does not take that method."),
            headers=allowed,
        )
        return render(request, said)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("API request %s %s failed", request.method, request.match_info.route.name)
        return render(request, internal())


def add_api(app: web.Application, ctx: ApiContext) -> None:
    """Install the API's context, middlewares and routes on an application not yet started."""
    app[API] = ctx
    app.middlewares.extend([security_headers, problems])
    for name in ROUTE_MODULES:
        app.router.add_routes(importlib.import_module(name).routes)
    app.router.add_get("/api/openapi.json", openapi.serve)
    miniapp.add_pages(app)
