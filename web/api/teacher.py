"""The teacher endpoints (/api/teacher/...): students, their links, analytics, the schedule.

Each route parses, calls one teacher panel service and renders JSON; the services are the
chat's own, so a link regenerated here is regenerated in the chat too, audited the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import TypeVar

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.domain.colours import colour_hex, colour_name
from bot.domain.model import Student
from bot.services import teacher_panel as panel
from bot.services import teacher_panel_figures as figures
from bot.services.context import Deps
from handlers.teacher_links import deep_link, qr_png
from web.api import openapi, teacher_openapi
from web.api.booking import EARLIEST, LATEST
from web.api.context import API, ApiContext
from web.api.guard import json_body, path_id
from web.api.problems import Problem, Sentence, invalid
from web.api.teacher_auth import refusals, teacher_account

routes = web.RouteTableDef()
LINK_PATH = "/api/teacher/students/{student_id:\\d+}/share-link"
Json = dict[str, object]
Figures = TypeVar("Figures")


def iso(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 UTC with Z, or None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _student(student: Student) -> Json:
    return {"id": student.id, "name": student.name, "colour": colour_hex(student.colour)}


def link_state(view: panel.LinkView) -> Json:
    """A link without its addresses (the students list shows this)."""
    link = view.link
    return {
        "student_id": view.student.id,
        "state": view.state.value,
        "bound": view.bound,
        "uses": link.use_count,
        "max_uses": link.max_uses,
        "expires_at": iso(link.expires_at),
        "created_at": iso(link.created_at),
        "last_opened_at": iso(link.last_used_at),
    }


def link_json(ctx: ApiContext, view: panel.LinkView) -> Json:
    """A link with the addresses a student may be sent (null once it no longer opens)."""
    token, bot = view.token, ctx.bot_username()
    url = deep_link(bot, token) if token else None
    app_url = None
    if token and ctx.mini_app_name:
        app_url = f"https://t.me/{bot}/{ctx.mini_app_name}?startapp={token}"
    browser_url = None
    if token and view.browser and ctx.public_url:
        browser_url = f"{ctx.public_url}/book/{view.student.teacher_id}/{token}"
    return {**link_state(view), "url": url, "app_url": app_url, "browser_url": browser_url}


def _student_id(request: web.Request) -> int:
    return path_id(request, "student_id")


def _days(request: web.Request, default: int, most: int) -> int:
    raw = request.query.get("days", str(default))
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= most:
        raise invalid("days", lambda: _("Choose from 1 to {n} days.").format(n=most))
    return int(raw)


def _from(request: web.Request) -> date | None:
    raw = request.query.get("from")
    if raw is None:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:  # far dates overflow the zone arithmetic
        raise invalid("from", lambda: _("Use a date such as 2026-12-01."))
    return day


def _limit(body: Json, field: str, most: int, said: Sentence) -> int | None:
    """A limit from the body: absent None (the default), null 0 (none), 1..most as given."""
    if field not in body:
        return None
    value = body[field]
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise invalid(field, lambda: said().format(n=most))
    return value


async def _limits(request: web.Request) -> panel.NewLimits | None:
    if not request.body_exists:
        return None
    body = await json_body(request)
    days = _limit(
        body,
        "expires_in_days",
        panel.MAX_EXPIRY_DAYS,
        lambda: _("Use a whole number of days from 1 to {n}, or null for never."),
    )
    uses = _limit(
        body,
        "max_uses",
        panel.MAX_USES,
        lambda: _("Use a whole number of uses from 1 to {n}, or null for unlimited."),
    )
    return panel.NewLimits(days, uses)


@routes.get("/api/teacher/students")
async def students(request: web.Request) -> web.Response:
    """GET: the teacher's active students with link state, openings and coming lessons."""
    account = await teacher_account(request)
    with refusals():
        found = await panel.students(request.app[API].deps, account)
    listed = [
        {
            **_student(s.student),
            "colour_name": colour_name(s.student.colour),
            "link": link_state(s.link) if s.link else None,
            "upcoming": s.upcoming,
            "last_opened_at": iso(s.last_opened_at),
            "openings": s.openings,
        }
        for s in found.students
    ]
    return web.json_response({"zone": found.zone, "students": listed})


async def _link_answer(
    request: web.Request, action: Callable[[Deps, int, int], Awaitable[panel.LinkView]]
) -> web.Response:
    """Run one link action for the teacher's student and answer with the link."""
    account = await teacher_account(request)
    ctx = request.app[API]
    with refusals():
        view = await action(ctx.deps, account, _student_id(request))
    return web.json_response(link_json(ctx, view))


@routes.get(LINK_PATH)
async def share_link(request: web.Request) -> web.Response:
    """GET: the student's current link."""
    return await _link_answer(request, panel.link)


@routes.post(LINK_PATH)
async def regenerate(request: web.Request) -> web.Response:
    """POST: a new link replacing the old one (as the chat's Regenerate), optional limits."""
    account = await teacher_account(request)
    ctx = request.app[API]
    limits = await _limits(request)
    with refusals():
        view = await panel.regenerate(ctx.deps, account, _student_id(request), limits)
    return web.json_response(link_json(ctx, view), status=201)


@routes.delete(LINK_PATH)
async def revoke(request: web.Request) -> web.Response:
    """DELETE: the student's link stops working (as the chat's Revoke)."""
    return await _link_answer(request, panel.revoke)


@routes.get(LINK_PATH + "/qr.png")
async def qr(request: web.Request) -> web.Response:
    """GET: the link as a QR code (the chat's own image); 404 once the link no longer opens."""
    account = await teacher_account(request)
    ctx = request.app[API]
    with refusals():
        view = await panel.link(ctx.deps, account, _student_id(request))
    if view.token is None:
        raise Problem(404, "not-found", lambda: _("This link no longer opens."))
    image = qr_png(deep_link(ctx.bot_username(), view.token))
    return web.Response(body=image, content_type="image/png")


async def _analytics(
    request: web.Request, figure: Callable[[Deps, int, int], Awaitable[Figures]]
) -> Figures:
    """One analytics figure for the asking teacher over ?days= (30 unless given)."""
    account = await teacher_account(request)
    days = _days(request, 30, figures.MAX_DAYS)
    with refusals():
        return await figure(request.app[API].deps, account, days)


@routes.get("/api/teacher/analytics/token-usage")
async def token_usage(request: web.Request) -> web.Response:
    """GET: link openings and refusals per student and per day."""
    got = await _analytics(request, figures.token_usage)
    totals = {
        "openings": got.openings,
        "refused": got.refused,
        "students_opened": got.students_opened,
        "students_never": got.students_never,
    }
    links = [
        {
            "student_id": k.student.id,
            "name": k.student.name,
            "colour": colour_hex(k.student.colour),
            "openings": k.openings,
            "refused": k.refused,
            "last_opened_at": iso(k.last_opened_at),
        }
        for k in got.links
    ]
    daily = [{"date": d.isoformat(), "openings": o, "refused": r} for d, o, r in got.daily]
    body = {"zone": got.zone, "days": got.days, "totals": totals, "links": links, "daily": daily}
    return web.json_response(body)


@routes.get("/api/teacher/analytics/bookings")
async def bookings(request: web.Request) -> web.Response:
    """GET: bookings, cancellations by whom, moves, and the weekday x hour heatmap."""
    got = await _analytics(request, figures.bookings)
    c = got.counts
    body = {
        "zone": got.zone,
        "days": got.days,
        "bookings": c.made,
        "cancellations": {
            "by_student": c.cancelled_by_student,
            "by_teacher": c.cancelled_by_teacher,
        },
        "rescheduled": c.reschedules,
        "heatmap": [{"weekday": d, "hour": h, "lessons": n} for d, h, n in got.heat],
    }
    return web.json_response(body)


@routes.get("/api/teacher/schedule")
async def schedule(request: web.Request) -> web.Response:
    """GET: lessons and free slots over a few days, in the teacher's zone."""
    account = await teacher_account(request)
    first = _from(request)
    days = _days(request, 7, figures.MAX_SCHEDULE_DAYS)
    with refusals():
        got = await figures.schedule(request.app[API].deps, account, first, days)
    lessons = [
        {
            "booking_id": x.booking_id,
            "slot_id": x.slot_id,
            "starts_at": iso(x.starts_at),
            "ends_at": iso(x.ends_at),
            "subject": x.subject,
            "student": _student(x.student),
        }
        for x in got.lessons
    ]
    free = [
        {
            "slot_id": f.slot_id,
            "starts_at": iso(f.starts_at),
            "ends_at": iso(f.ends_at),
            "subject": f.subject,
            "seats": f.seats,
            "booked": f.booked,
        }
        for f in got.free
    ]
    body = {
        "zone": got.zone,
        "from": got.first.isoformat(),
        "days": got.days,
        "lessons": lessons,
        "free": free,
    }
    return web.json_response(body)


openapi.PARTS.append(teacher_openapi.PART)
