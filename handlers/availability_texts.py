"""What /addslots answers: slots opened, and what is left when a batch failed or the limit hit."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.slot_plan import MAX_OPEN_SLOTS
from bot.services.availability import AddedWindow


def added_text(added: AddedWindow, window: str) -> str:
    """How many slots /addslots opened, and what is left if a batch failed or the limit hit."""
    n = added.slots
    if not added.resumed:
        lines = [_("✅ Added {window}.").format(window=window)]
        lines.append(
            ngettext(
                "{n} slot is open for booking ({zone}).",
                "{n} slots are open for booking ({zone}).",
                n,
            ).format(n=n, zone=added.timezone)
        )
    else:
        lines = [_("These hours are already there: {window}.").format(window=window)]
        lines.append(
            ngettext(
                "{n} missing slot is now open ({zone}).",
                "{n} missing slots are now open ({zone}).",
                n,
            ).format(n=n, zone=added.timezone)
            if n
            else _("All their slots were already open.")
        )
    if added.unfinished:
        lines.append(
            ngettext(
                "{n} more slot could not be opened just now: send the same command again to "
                "open it (nothing is doubled).",
                "{n} more slots could not be opened just now: send the same command again to "
                "open them (nothing is doubled).",
                added.unfinished,
            ).format(n=added.unfinished)
        )
    if added.capped:
        lines.append(
            ngettext(
                "{n} more slot was not opened: you may have at most {limit} open slots.",
                "{n} more slots were not opened: you may have at most {limit} open slots.",
                added.capped,
            ).format(n=added.capped, limit=MAX_OPEN_SLOTS)
        )
    return "\n".join(lines)
