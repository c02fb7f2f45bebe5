"""🔑 API keys in /settings: create one (shown once), see the list, revoke one (asked first)."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.domain.api_keys import ApiKey, TooManyApiKeys
from bot.services import api_keys
from bot.services.context import Deps
from handlers.keyboards import Row, button, markup
from handlers.navigation import nav_row
from handlers.navigation import show as show_in_place
from views.formatting import day_label, day_time, local
from views.teacher_callbacks import ApiKeyAction, ApiKeyCb, SettingsNav, SettingsNavCb

router = Router(name="api_keys")
LIST = ApiKeyCb(action=ApiKeyAction.LIST)


def _line(key: ApiKey, zone: str) -> str:
    created = day_label(local(key.created_at, zone).date())
    used = day_time(key.last_used_at, zone) if key.last_used_at else _("never")
    return _("• <b>{label}</b>: created {created}, last used {used}").format(
        label=html.escape(key.label), created=created, used=used
    )


def keys_screen(found: api_keys.KeyList, note: str = "") -> tuple[str, InlineKeyboardMarkup]:
    """The teacher's live keys with a revoke button each, and a button for a new one."""
    lines = [
        "🔑 " + _("<b>API keys</b>"),
        _("A key lets your own tools read your students, links and schedule through the API."),
    ]
    lines += [_line(k, found.zone) for k in found.keys] or [_("You have no API keys.")]
    rows: list[Row] = [[button("➕ " + _("New key"), ApiKeyCb(action=ApiKeyAction.NEW))]]
    for key in found.keys:
        revoke = ApiKeyCb(action=ApiKeyAction.REVOKE, key_id=key.id)
        rows.append([button("🗑 " + _("Revoke {label}").format(label=key.label), revoke)])
    rows.append(nav_row(SettingsNavCb(to=SettingsNav.LIST)))
    text = "\n".join(lines)
    return (note + "\n\n" + text if note else text), markup(rows)


def new_key_screen(made: api_keys.NewKey) -> tuple[str, InlineKeyboardMarkup]:
    """The new key, this once, with how to use it."""
    text = "\n".join(
        [
            "🔑 "
            + _("<b>{label}</b> is ready. Copy it now: it is shown only this once.").format(
                label=html.escape(made.key.label)
            ),
            f"<code>{made.secret}</code>",
            _("Send it with each request as the header <code>Authorization: Bearer KEY</code>."),
            _("Anyone holding it can act as you; if it leaks, revoke it here."),
        ]
    )
    return text, markup([[button("🔑 " + _("API keys"), LIST)]])


def confirm_screen(key: ApiKey) -> tuple[str, InlineKeyboardMarkup]:
    """Ask before revoking a key."""
    text = _("Revoke <b>{label}</b>? Tools using it are refused from the next request.").format(
        label=html.escape(key.label)
    )
    yes = ApiKeyCb(action=ApiKeyAction.REVOKE_CONFIRMED, key_id=key.id)
    return text, markup([[button(_("Yes, revoke it"), yes), button(_("Keep it"), LIST)]])


@router.message(Command("apikeys"))
async def command(message: Message, deps: Deps) -> None:
    """/apikeys: the list, as a new message."""
    assert message.from_user is not None
    text, keyboard = keys_screen(await api_keys.listing(deps, message.from_user.id))
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(ApiKeyCb.filter(F.action == ApiKeyAction.LIST))
async def listing(query: CallbackQuery, deps: Deps) -> None:
    """The list, in place (the shown key, if any, is gone from the chat)."""
    await show_in_place(query, *keys_screen(await api_keys.listing(deps, query.from_user.id)))


@router.callback_query(ApiKeyCb.filter(F.action == ApiKeyAction.NEW))
async def new(query: CallbackQuery, deps: Deps) -> None:
    """➕ New key: made and shown once, in place."""
    try:
        made = await api_keys.create(deps, query.from_user.id)
    except TooManyApiKeys as full:
        note = _("You have {n} keys, the most allowed: revoke one first.").format(n=full.limit)
        found = await api_keys.listing(deps, query.from_user.id)
        await show_in_place(query, *keys_screen(found, note))
        return
    await show_in_place(query, *new_key_screen(made))


@router.callback_query(ApiKeyCb.filter(F.action == ApiKeyAction.REVOKE))
async def ask_revoke(query: CallbackQuery, callback_data: ApiKeyCb, deps: Deps) -> None:
    """🗑 Revoke: asks first."""
    key = await api_keys.key_of(deps, query.from_user.id, callback_data.key_id)
    await show_in_place(query, *confirm_screen(key))


@router.callback_query(ApiKeyCb.filter(F.action == ApiKeyAction.REVOKE_CONFIRMED))
async def revoke(
    query: CallbackQuery, callback_data: ApiKeyCb, deps: Deps, callback_answer: CallbackAnswer
) -> None:
    """Yes, revoke it: refused from now on; the list again."""
    key = await api_keys.revoke(deps, query.from_user.id, callback_data.key_id)
    note = _("{label} is revoked.").format(label=html.escape(key.label))
    await show_in_place(query, *keys_screen(await api_keys.listing(deps, query.from_user.id), note))
    callback_answer.text = _("Revoked")
