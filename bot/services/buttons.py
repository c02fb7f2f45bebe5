"""Buttons nobody recognises: recorded, because forged callback data is worth knowing about."""

from __future__ import annotations

from bot.services.context import Deps, audit

MAX_SHOWN = 80


async def unknown_button(deps: Deps, telegram_id: int, data: str) -> None:
    """Audit a press whose data matched no button (stale, tampered or malformed)."""
    # repr() escapes control and NUL characters, which a JSON column would refuse.
    shown = repr(data)[:MAX_SHOWN]
    async with deps.uow() as uow:
        await uow.audit.add(
            audit("callback.unknown", "refused:unknown_button", deps, actor=telegram_id, data=shown)
        )
        await uow.commit()
