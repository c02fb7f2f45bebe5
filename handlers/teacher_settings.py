"""/settings: the teacher's settings with a button each; typed values are validated."""

from __future__ import annotations

import html
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.model import TeacherSettings
from bot.domain.teacher_settings import TOGGLES, Setting
from bot.services import teachers
from bot.services.context import Deps
from handlers.callbacks import SettingCb, ZoneCb
from handlers.formatting import days
from handlers.teacher_onboarding import COMMON_ZONES, TYPED, zone_keyboard

router = Router(name="teacher_settings")


class SettingsForm(StatesGroup):
    """Waiting for a typed value of the setting kept in the state data."""

    value = State()


def _duration(minutes: int) -> str:
    if minutes and minutes % (24 * 60) == 0:
        return _("{n} d").format(n=minutes // (24 * 60))
    if minutes and minutes % 60 == 0:
        return _("{n} h").format(n=minutes // 60)
    return _("{n} min").format(n=minutes)


def _on_off(value: bool) -> str:
    return _("on") if value else _("off")


def rows(s: TeacherSettings) -> list[tuple[Setting, str, str]]:
    """(setting, label, current value) for every line of the settings card."""
    leads = ", ".join(_duration(m) for m in s.reminder_leads_minutes) or _("off")
    return [
        (Setting.TIMEZONE, _("Time zone"), s.timezone),
        (Setting.SLOT_MINUTES, _("Default lesson length"), _duration(s.slot_minutes)),
        (Setting.ADVANCE_NOTICE, _("Advance notice"), _duration(s.advance_notice_minutes)),
        (Setting.HORIZON, _("Booking horizon"), days(s.horizon_days)),
        (Setting.CANCEL_WINDOW, _("Cancellation window"), _duration(s.cancel_window_minutes)),
        (Setting.LINK_EXPIRY, _("Link expiry"),
         days(s.link_expiry_days) if s.link_expiry_days else _("never")),
        (Setting.LINK_USES, _("Link uses"),
         str(s.link_max_uses) if s.link_max_uses else _("unlimited")),
        (Setting.REMINDERS, _("Reminders"), leads),
        (Setting.AGENDA, _("Daily agenda"), s.agenda_time.strftime("%H:%M") if s.agenda_time
         else _("off")),
        (Setting.NOTIFICATIONS, _("Notifications"), _on_off(s.notifications_enabled)),
        (Setting.TEACHER_REMINDERS, _("Reminders to you"), _on_off(s.teacher_reminders)),
        (Setting.INACTIVE_AFTER, _("Inactive after"), days(s.inactive_after_days)),
    ]  # fmt: skip


def settings_card(s: TeacherSettings) -> tuple[str, InlineKeyboardMarkup]:
    """The settings text and one button per setting."""
    lines = [_("<b>Settings</b>")] + [
        f"{label}: <b>{html.escape(v)}</b>" for _k, label, v in rows(s)
    ]
    buttons = [
        InlineKeyboardButton(text=label, callback_data=SettingCb(key=key.value).pack())
        for key, label, _v in rows(s)
    ]
    keyboard = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=keyboard)


def prompt(key: Setting) -> str:
    """What to type for a setting, with an example."""
    return {
        Setting.TIMEZONE: _("Pick a time zone or type one such as Europe/Berlin."),
        Setting.SLOT_MINUTES: _("Type the default lesson length, e.g. 45 or 1h."),
        Setting.ADVANCE_NOTICE: _("Type the minimum notice before a lesson, e.g. 2h or 90m."),
        Setting.HORIZON: _("Type how many days ahead students may book, e.g. 28."),
        Setting.CANCEL_WINDOW: _("Type how late students may still cancel, e.g. 24h."),
        Setting.LINK_EXPIRY: _("Type how many days new links last, e.g. 30, or never."),
        Setting.LINK_USES: _("Type how many times a new link may be opened, or unlimited."),
        Setting.REMINDERS: _("Type reminder times before a lesson, e.g. 24h, 1h, or off."),
        Setting.AGENDA: _("Type when your daily agenda arrives, e.g. 08:00, or off."),
        Setting.INACTIVE_AFTER: _(
            "Type after how many days without activity a student counts as inactive, e.g. 30."
        ),
    }.get(key, "")


@router.message(Command("settings"))
async def show(message: Message, deps: Deps, state: FSMContext) -> None:
    """The settings card."""
    assert message.from_user is not None
    teacher = await teachers.get(deps, message.from_user.id)
    await state.clear()
    text, keyboard = settings_card(teacher.settings)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(SettingCb.filter(F.key.in_({t.value for t in TOGGLES})))
async def toggle(query: CallbackQuery, callback_data: SettingCb, deps: Deps) -> None:
    """Flip a switch and show the card again."""
    teacher = await teachers.change_setting(deps, query.from_user.id, Setting(callback_data.key))
    text, keyboard = settings_card(teacher.settings)
    if query.message is not None:
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text, chat_id=query.from_user.id, message_id=query.message.message_id,
            reply_markup=keyboard,
        )  # fmt: skip


@router.callback_query(SettingCb.filter(F.key.in_({s.value for s in Setting})))
async def ask(
    query: CallbackQuery, callback_data: SettingCb, state: FSMContext, deps: Deps
) -> None:
    """Ask for a new value of one setting (zones: the teacher's own first)."""
    await state.set_state(SettingsForm.value)
    await state.update_data(setting=callback_data.key)
    markup = None
    if callback_data.key == Setting.TIMEZONE.value:
        teacher = await teachers.get(deps, query.from_user.id)
        markup = zone_keyboard(teacher.settings.timezone)
    assert query.message is not None
    await query.message.answer(prompt(Setting(callback_data.key)), reply_markup=markup)


@router.callback_query(StateFilter(SettingsForm.value), ZoneCb.filter())
async def zone_picked(
    query: CallbackQuery, callback_data: ZoneCb, state: FSMContext, deps: Deps
) -> None:
    """A common zone was picked from the settings prompt."""
    zone = COMMON_ZONES[callback_data.index % len(COMMON_ZONES)]
    teacher = await teachers.change_setting(deps, query.from_user.id, Setting.TIMEZONE, zone)
    await state.clear()
    text, keyboard = settings_card(teacher.settings)
    assert query.message is not None
    await query.message.answer(_("Saved.") + "\n\n" + text, reply_markup=keyboard)


@router.message(StateFilter(SettingsForm.value), TYPED)
async def typed(message: Message, state: FSMContext, deps: Deps) -> None:
    """A typed value: saved if valid, otherwise one sentence says why (and we keep waiting)."""
    assert message.from_user is not None
    key = _asked_setting(await state.get_data())
    if key is None:
        # The question is gone (a /settings sent meanwhile cleared it): start over, honestly.
        await state.clear()
        text, keyboard = settings_card((await teachers.get(deps, message.from_user.id)).settings)
        lost = _("I lost track of which setting you were changing; please pick it again.")
        await message.answer(lost + "\n\n" + text, reply_markup=keyboard)
        return
    teacher = await teachers.change_setting(deps, message.from_user.id, key, message.text or "")
    await state.clear()
    text, keyboard = settings_card(teacher.settings)
    await message.answer(_("Saved.") + "\n\n" + text, reply_markup=keyboard)


def _asked_setting(data: dict[str, Any]) -> Setting | None:
    """The setting the prompt asked for, if the conversation state still says which."""
    try:
        return Setting(str(data.get("setting")))
    except ValueError:
        return None
