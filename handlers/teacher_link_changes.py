"""Regenerate and Revoke on the link card: say what the student loses, ask, then do it."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services import links
from bot.services.context import Deps
from handlers.keyboards import button, markup
from handlers.mini_app import MiniApp
from handlers.navigation import show
from handlers.teacher_links import send_card
from views.teacher_callbacks import LinkAction, LinkCb

router = Router(name="teacher_link_changes")
# Regenerate and Revoke ask first; their Yes button carries the confirmed action.
CONFIRMED = {
    LinkAction.REGENERATE: LinkAction.REGENERATE_CONFIRMED,
    LinkAction.REVOKE: LinkAction.REVOKE_CONFIRMED,
}


def stake_lines(stake: links.LinkStake, regenerate: bool) -> list[str]:
    """What regenerating (else revoking) the link means for the student, in sentences."""
    name, n = html.escape(stake.student.name), stake.booked
    if regenerate:
        access = (
            _(
                "{name} will lose access to the old link; whoever opens the new link "
                "first becomes {name}."
            )
            if stake.bound
            else _("The old link will stop working.")
        )
        booked = ngettext(
            "{name}'s {n} booked lesson stays booked; its reminders go to whoever opens the "
            "new link.",
            "{name}'s {n} booked lessons stay booked; their reminders go to whoever opens the "
            "new link.",
            n,
        )
    else:
        access = (
            _("{name} will lose access: the link stops working and no new one is made.")
            if stake.bound
            else _("The link will stop working.")
        )
        booked = ngettext(
            "{name}'s {n} booked lesson stays booked and reminded; cancel it in /schedule if "
            "needed.",
            "{name}'s {n} booked lessons stay booked and reminded; cancel them in /schedule if "
            "needed.",
            n,
        )
    if n == 0:
        booked = _("{name} has no booked lessons.")
    return [access.format(name=name), booked.format(name=name, n=n)]


@router.callback_query(LinkCb.filter(F.action.in_(CONFIRMED)))
async def ask_change(query: CallbackQuery, callback_data: LinkCb, deps: Deps) -> None:
    """Regenerate and Revoke cut a student off: say what happens and ask first."""
    stake = await links.stake(deps, query.from_user.id, callback_data.student_id)
    name = html.escape(stake.student.name)
    regen = callback_data.action == LinkAction.REGENERATE
    title = _("🔄 Make a new link for {name}?") if regen else _("⛔ Turn off the link of {name}?")
    yes = _("Yes, make a new link") if regen else _("Yes, turn it off")
    sid = callback_data.student_id
    yes_no = [
        button(yes, LinkCb(action=CONFIRMED[callback_data.action], student_id=sid)),
        button(_("Keep the link"), LinkCb(action=LinkAction.KEEP, student_id=sid)),
    ]
    assert query.message is not None
    text = "\n".join([title.format(name=name), *stake_lines(stake, regen)])
    await query.message.answer(text, reply_markup=markup([yes_no]))


@router.callback_query(LinkCb.filter(F.action.in_(CONFIRMED.values())))
async def change(
    query: CallbackQuery,
    callback_data: LinkCb,
    deps: Deps,
    bot_username: str,
    mini_app: MiniApp,
    mail: bool = False,
) -> None:
    """Confirmed: regenerate (the old link stops at once) or revoke; say what happened."""
    regen = callback_data.action == LinkAction.REGENERATE_CONFIRMED
    action = links.regenerate if regen else links.revoke
    changed = await action(deps, query.from_user.id, callback_data.student_id)
    name = html.escape(changed.stake.student.name)
    done = (
        _("🔄 {name} has a new link; the old one no longer works.")
        if regen
        else _("⛔ The link of {name} is turned off.")
    ).format(name=name)
    n = changed.stake.booked
    booked = ngettext("{n} booked lesson stays booked.", "{n} booked lessons stay booked.", n)
    # In place of the question: its buttons are answered and must not change the link again.
    await show(query, done + (" " + booked.format(n=n) if n else ""))
    await send_card(query, changed.card, bot_username, mini_app, mail)


@router.callback_query(LinkCb.filter(F.action == LinkAction.KEEP))
async def keep(query: CallbackQuery) -> None:
    """Change of mind: the link stays as it is."""
    await show(query, _("Nothing was changed."))
