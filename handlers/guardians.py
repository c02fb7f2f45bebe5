"""Guardians: /start with a guardian link, a guardian's /start, and the teacher's guardians
screen of a student (who is connected, a new guardian link, remove, the may-book switch)."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.colours import colour_mark
from bot.domain.errors import NotAStudent
from bot.services import guardians
from bot.services.accounts import Identity, Role
from bot.services.context import Deps
from bot.services.student_home import Home
from handlers.keyboards import Row, button, markup
from handlers.mini_app import MiniApp
from handlers.navigation import nav_row, show
from handlers.start import greeting
from handlers.student_access import answer_arrival
from handlers.student_home import help_text
from handlers.student_views import Keyboard, home_card, home_row
from handlers.teacher_links import deep_link
from views.formatting import long_day
from views.guardian_callbacks import GuardianAction, GuardianCb
from views.teacher_callbacks import StudentAction, StudentCb

router = Router(name="guardians")
# Plain /start of a guardian: just before the generic greeting, so flows of other routers
# (a teacher registering, a student) keep their /start.
returning = Router(name="guardians_start")


def is_newcomer(_: object, identity: Identity | None = None) -> bool:
    """Whether the sender is neither a teacher nor a student (a guardian, or someone new)."""
    return identity is None or identity.role == Role.NEWCOMER


@router.message(CommandStart(deep_link=True, magic=F.args.func(guardians.is_guardian_token)))
async def open_guardian_link(
    message: Message,
    command: CommandObject,
    deps: Deps,
    bot: Bot,
    mini_app: MiniApp,
    identity: Identity | None = None,
) -> None:
    """Open a guardian link: the followed student's home card; a refusal is one sentence."""
    assert message.from_user is not None
    user = message.from_user
    access, home = await guardians.arrive(deps, user.id, user.first_name, command.args or "")
    hello = _(
        "👪 You now follow <b>{student}</b>, a student of <b>{teacher}</b>: you will get their "
        "confirmations, reminders, cancellations and moves here."
    ).format(student=html.escape(access.student_name), teacher=html.escape(access.teacher_name))
    menu = access.first_time and is_newcomer(None, identity)
    await answer_arrival(message, bot, mini_app, hello, home, student_menu=menu)


@returning.message(CommandStart(deep_link=False), is_newcomer)
async def guardian_start(
    message: Message, deps: Deps, mini_app: MiniApp, identity: Identity | None = None
) -> None:
    """A guardian comes back: the followed student's home card; anyone else, the greeting."""
    home = await _followed(message, deps, identity)
    if home is None:
        return
    text, keyboard = home_card(home, mini_app)
    await message.answer(text, reply_markup=keyboard)


@returning.message(Command("help"), is_newcomer)
async def guardian_help(message: Message, deps: Deps, identity: Identity | None = None) -> None:
    """A guardian's /help: what they can do for the student they follow; anyone else, the
    greeting."""
    home = await _followed(message, deps, identity)
    if home is None:
        return
    keyboard = Keyboard(inline_keyboard=[home_row(home.student_id)])
    await message.answer(help_text(), reply_markup=keyboard)


async def _followed(message: Message, deps: Deps, identity: Identity | None) -> Home | None:
    """The home of the student the sender follows; None once anyone else got the greeting."""
    assert message.from_user is not None
    try:
        return await guardians.home_of(deps, message.from_user.id)
    except NotAStudent:
        await message.answer(greeting(identity))
        return None


def guardians_button(student_id: int) -> Row:
    """The student card's row that opens the guardians screen."""
    data = GuardianCb(action=GuardianAction.CARD, student_id=student_id)
    return [button(_("👪 Guardians"), data)]


def connected_view(
    seen: guardians.Connected, bot_username: str
) -> tuple[str, InlineKeyboardMarkup]:
    """Who is connected to the student (the student, each guardian), links not yet opened,
    the switch, and the buttons to add, remove and switch."""
    s, sid = seen.student, seen.student.id
    lines = [
        _("👪 <b>{name}</b>: who is connected").format(
            name=f"{colour_mark(s.colour)} {html.escape(s.name)}"
        ),
        "• "
        + (
            _("{name} (student): connected").format(name=html.escape(s.name))
            if s.telegram_id
            else _("{name} (student): link not opened yet").format(name=html.escape(s.name))
        ),
    ]
    rows = [[button(_("➕ Guardian link"), GuardianCb(action=GuardianAction.NEW, student_id=sid))]]
    for g in seen.guardians:
        if g.telegram_id is not None and g.id in seen.expired:
            line = _("{name} (guardian): link expired, no notices").format(
                name=html.escape(g.name or "?")
            )
            label = _("✖ Remove {name}").format(name=g.name or "?")
        elif g.telegram_id is not None:
            since = long_day(g.bound_at.date()) if g.bound_at else ""
            line = _("{name} (guardian): connected since {day}").format(
                name=html.escape(g.name or "?"), day=since
            )
            label = _("✖ Remove {name}").format(name=g.name or "?")
        elif g.id in seen.unopened:
            link = deep_link(bot_username, seen.unopened[g.id])
            line = _("Guardian link not opened yet: {link}").format(link=link)
            label = _("✖ Remove unopened link")
        else:
            line = _("Guardian link expired before anyone opened it")
            label = _("✖ Remove unopened link")
        lines.append("• " + line)
        remove = GuardianCb(action=GuardianAction.REMOVE, student_id=sid, guardian_id=g.id)
        rows.append([button(label, remove)])
    if seen.may_act:
        lines.append(_("Guardians may book, cancel and move lessons for the student."))
        switch = button(
            _("🔒 Guardians may only follow"),
            GuardianCb(action=GuardianAction.DENY, student_id=sid),
        )
    else:
        lines.append(_("Guardians see lessons and get notices; they may not book."))
        switch = button(
            _("✅ Let guardians book"), GuardianCb(action=GuardianAction.ALLOW, student_id=sid)
        )
    rows.append([switch])
    if seen.token:
        lines.append(
            _("New guardian link (it connects the first account that opens it):\n{link}").format(
                link=deep_link(bot_username, seen.token)
            )
        )
    rows.append(nav_row(back=StudentCb(action=StudentAction.CARD, student_id=sid)))
    return "\n".join(lines), markup(rows)


@router.callback_query(GuardianCb.filter())
async def guardians_screen(
    query: CallbackQuery, callback_data: GuardianCb, deps: Deps, bot_username: str
) -> None:
    """The guardians screen, after the pressed action (each checked and audited by the service)."""
    uid, sid = query.from_user.id, callback_data.student_id
    match callback_data.action:
        case GuardianAction.NEW:
            seen = await guardians.new_link(deps, uid, sid)
        case GuardianAction.ALLOW | GuardianAction.DENY:
            allowed = callback_data.action == GuardianAction.ALLOW
            seen = await guardians.allow(deps, uid, sid, allowed)
        case GuardianAction.REMOVE:
            seen = await guardians.remove(deps, uid, sid, callback_data.guardian_id)
        case _:
            seen = await guardians.connected(deps, uid, sid)
    await show(query, *connected_view(seen, bot_username))
