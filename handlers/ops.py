"""/ops for ADMIN_IDS: updates handled, handling time, errors by kind, outbox backlog."""

from __future__ import annotations

import time

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.services import ops
from bot.services.context import Deps
from handlers.middlewares import UpdateTracker
from views.formatting import clock_time, day_label, local

router = Router(name="ops")


def admin_only(message: Message, deps: Deps) -> bool:
    """Only admins reach /ops; everyone else falls through to the unknown-command answer."""
    return message.from_user is not None and ops.is_admin(deps, message.from_user.id)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def window_text(title: str, w: ops.WindowFigures) -> str:
    """One window's lines."""
    errors = ", ".join(f"{kind} {n}" for kind, n in w.errors.items()) or _("none")
    return "\n".join(
        [
            f"<b>{title}</b>",
            _("Updates handled: {n}").format(n=w.handled),
            _("Handling time: median {median}, 95th percentile {p95}").format(
                median=_ms(w.median_ms), p95=_ms(w.p95_ms)
            ),
            _("Not ok, by kind: {errors}").format(errors=errors),
        ]
    )


def ops_text(o: ops.Operations) -> str:
    """The operations view in UTC."""
    oldest = (
        f"{day_label(local(o.oldest_due, 'UTC').date())} {clock_time(o.oldest_due, 'UTC')} UTC"
        if o.oldest_due
        else "—"
    )
    return "\n\n".join(
        [
            window_text(_("Last hour"), o.hour),
            window_text(_("Last 24 hours"), o.day),
            _("<b>Outbox</b>\nDue and waiting: {n} · oldest due: {oldest}").format(
                n=o.backlog, oldest=oldest
            ),
            _("Unconfirmed in the last 24 hours (timed out once sent, not repeated): {n}").format(
                n=o.unconfirmed_day
            ),
            _("(from the last {n} updates kept in memory since the bot started)").format(
                n=o.samples_kept
            ),
        ]
    )


@router.message(Command("ops"), admin_only)
async def show(message: Message, deps: Deps, tracker: UpdateTracker) -> None:
    """The operations view."""
    assert message.from_user is not None
    view = await ops.operations(deps, message.from_user.id, list(tracker.samples), time.time())
    await message.answer(ops_text(view))
