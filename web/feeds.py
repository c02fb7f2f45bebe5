"""GET /feeds/<secret>.ics: a teacher's or a student's lessons as a live iCalendar feed.

Calendar apps poll it (Google every few hours, Apple and Outlook more often), so it answers
304 to If-None-Match / If-Modified-Since when nothing changed. The secret is a path segment
the access log redacts (web/api/access_log.py); it is never logged here. Requests are
rate-limited per address, and misses (unknown or revoked addresses) per client, so nobody can
guess addresses at speed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime
from weakref import WeakKeyDictionary

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.security import looks_like_token
from bot.services import calendar_feeds
from bot.services.calendar_feeds import FeedContent
from web.api.context import API
from web.api.guard import RateLimits
from web.api.problems import Problem

routes = web.RouteTableDef()

CALENDAR = "text/calendar"


@dataclass
class FeedLimits:
    """Buckets of one web application (kept per application, so servers share nothing)."""

    per_feed: RateLimits = field(default_factory=lambda: RateLimits(30))  # polls per address
    misses: RateLimits = field(default_factory=lambda: RateLimits(10))  # unknown ones, per client


_LIMITS: WeakKeyDictionary[web.Application, FeedLimits] = WeakKeyDictionary()


def limits(app: web.Application) -> FeedLimits:
    """The application's feed buckets, made on its first feed request."""
    return _LIMITS.setdefault(app, FeedLimits())


def _refused(problem: Problem) -> web.Response:
    retry = problem.headers.get("Retry-After", str(math.ceil(60 / 30)))
    return web.Response(status=429, text="Too many requests\n", headers={"Retry-After": retry})


def _not_modified(request: web.Request, etag: str, content: FeedContent) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    wanted = request.headers.get("If-None-Match")
    if wanted is not None:
        tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    return moment.tzinfo is not None and content.changed_at.replace(microsecond=0) <= moment


def _render(request: web.Request, content: FeedContent) -> bytes:
    """The feed in its reader's language: lesson titles and the calendar's name."""
    i18n = request.app[API].i18n
    with i18n.context(), i18n.use_locale(i18n.pick(content.language)):
        if content.for_teacher:
            title, name = _("Lesson: {student} {subject}"), _("LessonLink lessons")
        else:
            title = _("Lesson with {teacher} {subject}")
            name = _("Lessons with {teacher}").format(teacher=content.teacher_name)
    return calendar_feeds.feed_bytes(content.lessons, title, name)


@routes.get("/feeds/{name}")
async def serve(request: web.Request) -> web.StreamResponse:
    """The feed behind a secret address, or 404; 304 when the caller has it already."""
    token = request.match_info["name"].removesuffix(".ics")
    ctx, buckets = request.app[API], limits(request.app)
    try:
        if not looks_like_token(token):
            await buckets.misses.check(f"miss:{request.app[API].client(request)}")
            raise web.HTTPNotFound()
        await buckets.per_feed.check(f"feed:{ctx.deps.vault.digest(token).hex()}")
        content = await calendar_feeds.feed_content(ctx.deps, token)
        if content is None:
            await buckets.misses.check(f"miss:{request.app[API].client(request)}")
            raise web.HTTPNotFound()
    except Problem as problem:
        return _refused(problem)
    body = _render(request, content)
    etag = calendar_feeds.entity_tag(body)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(content.changed_at, usegmt=True),
        "Cache-Control": "private, max-age=300",
    }
    if _not_modified(request, etag, content):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type=CALENDAR, charset="utf-8", headers=headers)
