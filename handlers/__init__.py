"""aiogram routers: each parses an update, calls one service and renders the result."""

from __future__ import annotations

from aiogram import Router

from handlers import errors, fallback, start


def build_router() -> Router:
    """Every feature router, in the order they get a chance to match; fallback last."""
    root = Router(name="lessonlink")
    root.include_routers(errors.router, start.router, fallback.router)
    return root
