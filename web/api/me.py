"""GET /api/me: who opened the Mini App, and which portals are theirs."""

from __future__ import annotations

from aiohttp import web

from bot.services import portal
from web.api import booking_schema
from web.api.auth import mini_app_user, unauthorized
from web.api.context import API

routes = web.RouteTableDef()


@routes.get("/api/me")
async def me(request: web.Request) -> web.Response:
    """The Mini App's user, their teacher record, and their student portals (tma only)."""
    user = mini_app_user(request)
    if user is None:
        raise unauthorized()
    ctx = request.app[API]
    told = user.language_code.split("-")[0].lower() if user.language_code else None
    found = await portal.me(ctx.deps, user.id, user.first_name, told)
    teacher = found.teacher
    return web.json_response(
        {
            "user": {
                "id": found.telegram_id,
                "first_name": found.first_name,
                "language": ctx.i18n.pick(found.language, told),
            },
            "teacher": None
            if teacher is None
            else {
                "id": teacher.id,
                "name": teacher.display_name,
                "zone": teacher.settings.timezone,
            },
            "portals": [
                {
                    "teacher": {"id": p.teacher.id, "name": p.teacher.display_name},
                    "student": {"id": p.student.id, "name": p.student.name},
                    "token": p.token,
                }
                for p in found.portals
            ],
        }
    )


booking_schema.register_me()
