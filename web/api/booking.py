"""The student endpoints: /api/booking/{token}/... (the booking portal on the chat's services)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TypeVar

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.domain.errors import InvalidInput, LinkRefused, NoteTooLong
from bot.domain.notes import clean_note
from bot.domain.series import ONGOING
from bot.services import portal, portal_booking
from bot.services.portal import Caller
from bot.services.student_calendar_model import Part
from handlers.refusal_texts import describe
from web.api import booking_schema
from web.api.auth import mini_app_user
from web.api.context import API
from web.api.guard import json_body, path_id
from web.api.json import booking_json, iso, portal_json, slot_json
from web.api.problems import LANGUAGE, invalid

routes = web.RouteTableDef()
PARTS = {"morning": Part.MORNING, "afternoon": Part.AFTERNOON, "evening": Part.EVENING}
MAX_DAYS = 42
EARLIEST, LATEST = date(2000, 1, 1), date(9000, 1, 1)
T = TypeVar("T")


def caller_of(request: web.Request) -> Caller:
    """The Mini App's proven account, or a plain browser (no initData)."""
    user = mini_app_user(request)
    return Caller(user.id, user.first_name) if user else Caller(None)


async def through_link(request: web.Request, use: Callable[[str, Caller], Awaitable[T]]) -> T:
    """Run a use of the path's link under its rate limits; a browser's refusals are counted.

    The per-token bucket is keyed by a hash of the token, so no token sits in memory as a key.
    """
    ctx = request.app[API]
    token = request.match_info["token"]
    caller = caller_of(request)
    digest = hashlib.sha256(token.encode()).hexdigest()[:32]
    await ctx.per_credential.check(f"link:{digest}")
    client = f"client:{request.app[API].client(request)}"
    if caller.telegram_id is None and ctx.refused_links.exhausted(client):
        raise ctx.refused_links.retry_after()
    try:
        return await use(token, caller)
    except LinkRefused:
        if caller.telegram_id is None:
            await ctx.refused_links.check(client)
        raise


def _slot_id(body: dict[str, object]) -> int:
    """The body's slot_id: a positive integer."""
    value = body.get("slot_id")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise invalid("slot_id", lambda: _("Pick a time from the calendar."))
    return value


def _weeks(body: dict[str, object]) -> int | None:
    """The body's weeks: null (this lesson only), a number of weeks, or "ongoing"."""
    value = body.get("weeks")
    if value is None:
        return None
    if value == "ongoing":
        return ONGOING
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 520:
        raise invalid("weeks", lambda: _("Choose how many weeks, or “ongoing”."))
    return value


def _note(body: dict[str, object]) -> str:
    """The body's note: absent, or text the note rule accepts (the chat's sentence if not)."""
    value = body.get("note", "")
    if not isinstance(value, str):
        raise invalid("note", lambda: _("Type the note as text."))
    try:
        return clean_note(value)
    except (NoteTooLong, InvalidInput) as refused:
        error = refused  # the name `refused` ends with the except block; the sentence is said later
        raise invalid("note", lambda: describe(error)) from None


def _calendar_query(request: web.Request) -> tuple[date | None, int, str, Part]:
    """from, days, subject and part from the query string, or 422 naming the wrong one."""
    query = request.query
    start = None
    if query.get("from"):
        try:
            start = date.fromisoformat(query["from"])
        except ValueError:
            start = date.min
        if not EARLIEST <= start <= LATEST:  # far dates would overflow the zone arithmetic
            raise invalid("from", lambda: _("Use a date like 2026-12-05."))
    days_text = query.get("days", "7")
    if not days_text.isascii() or not days_text.isdigit() or not 1 <= int(days_text) <= MAX_DAYS:
        raise invalid("days", lambda: _("Ask for 1 to 42 days."))
    part = query.get("part", "")
    if part and part not in PARTS:
        raise invalid("part", lambda: _("Use morning, afternoon or evening."))
    return start, int(days_text), query.get("subject", ""), PARTS.get(part, Part.ANY)


@routes.get("/api/booking/{token}")
async def open_portal(request: web.Request) -> web.Response:
    """The portal's first screen: the student, the teacher, the rules, the subjects."""
    opened = await through_link(
        request, lambda token, caller: portal.open_portal(request.app[API].deps, token, caller)
    )
    if opened.entry.language:
        request[LANGUAGE] = request.app[API].i18n.pick(opened.entry.language)
    from web.api.app import language_of  # app imports this module

    return web.json_response(portal_json(opened, language_of(request)))


def _summary(request: web.Request) -> str:
    """The calendar entry's title in the caller's language, as the chat words it."""
    from web.api.app import language_of  # app imports this module

    i18n = request.app[API].i18n
    with i18n.context(), i18n.use_locale(language_of(request)):
        return _("Lesson with {teacher}")


@routes.get("/api/booking/{token}/calendar")
async def calendar(request: web.Request) -> web.Response:
    """Slots of some days in the viewer's zone: available, booked or mine."""
    start, days, subject, part = _calendar_query(request)
    deps = request.app[API].deps
    page = await through_link(
        request,
        lambda token, caller: portal_booking.calendar(
            deps, token, caller, start, days, subject, part
        ),
    )
    return web.json_response(
        {
            "zone": page.zone,
            "from": page.start.isoformat(),
            "days": page.days,
            "slots": [slot_json(s) for s in page.slots],
        }
    )


@routes.post("/api/booking/{token}/book")
async def book(request: web.Request) -> web.Response:
    """Book a slot, or a weekly series from it, with the student's note if any."""
    body = await json_body(request)
    slot_id, weeks, note = _slot_id(body), _weeks(body), _note(body)
    deps = request.app[API].deps
    made = await through_link(
        request,
        lambda token, caller: portal_booking.book(deps, token, caller, slot_id, weeks, note),
    )
    answer = {
        "zone": made.zone,
        "booking": booking_json(made.lesson),
        "skipped": [iso(at) for at in made.skipped],
    }
    return web.json_response(answer, status=201)


@routes.get("/api/booking/{token}/my-bookings")
async def my_bookings(request: web.Request) -> web.Response:
    """The student's lessons to come and the last few past ones."""
    deps = request.app[API].deps
    zone, upcoming, past = await through_link(
        request, lambda token, caller: portal_booking.my_bookings(deps, token, caller)
    )
    return web.json_response(
        {
            "zone": zone,
            "upcoming": [booking_json(o) for o in upcoming],
            "past": [booking_json(o) for o in past],
        }
    )


@routes.post("/api/booking/{token}/cancel/{booking_id}")
async def cancel(request: web.Request) -> web.Response:
    """Cancel one of the student's lessons."""
    booking_id = path_id(request, "booking_id")
    deps = request.app[API].deps
    made = await through_link(
        request, lambda token, caller: portal_booking.cancel(deps, token, caller, booking_id)
    )
    return web.json_response({"zone": made.zone, "booking": booking_json(made.lesson)})


@routes.post("/api/booking/{token}/reschedule/{booking_id}")
async def reschedule(request: web.Request) -> web.Response:
    """Move one of the student's lessons to another slot."""
    booking_id = path_id(request, "booking_id")
    slot_id = _slot_id(await json_body(request))
    deps = request.app[API].deps
    made = await through_link(
        request,
        lambda token, caller: portal_booking.reschedule(deps, token, caller, booking_id, slot_id),
    )
    return web.json_response({"zone": made.zone, "booking": booking_json(made.lesson)})


@routes.get("/api/booking/{token}/bookings/{booking_id}/calendar.ics")
async def calendar_file(request: web.Request) -> web.Response:
    """The lesson as an iCalendar file, the same the chat's Add to calendar sends."""
    booking_id = path_id(request, "booking_id")
    deps = request.app[API].deps
    summary = _summary(request)
    name, data = await through_link(
        request,
        lambda token, caller: portal_booking.calendar_file(
            deps, token, caller, booking_id, summary
        ),
    )
    return web.Response(
        body=data,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


booking_schema.register()
