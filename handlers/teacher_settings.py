"""/settings: one message, edited in place: the list, one screen per setting, typed values."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.domain.errors import UnknownTimezone
from bot.domain.model import Teacher
from bot.domain.teacher_settings import MULTI_CHOICE, TOGGLES, Setting
from bot.services import teachers
from bot.services.context import Deps
from handlers.navigation import show as show_in_place
from handlers.prompts import OPENED_BY
from handlers.settings_screens import entry_screen, settings_screen, typed_screen
from handlers.teacher_onboarding import COMMON_ZONES, TYPED, zone_keyboard
from handlers.zone_screens import suggestions_screen, zone_line
from views.callbacks import ZoneFlow, ZonePickCb
from views.teacher_callbacks import SettingCb, SettingsNav, SettingsNavCb, SettingValueCb, ZoneCb

router = Router(name="teacher_settings")


class SettingsForm(StatesGroup):
    """Waiting for a typed value of the setting kept in the state data."""

    value = State()


def prompt(key: Setting) -> str:
    """What to type for a setting, with an example."""
    return {
        Setting.TIMEZONE: _("Pick a time zone or type one such as Europe/Berlin."),
        Setting.SLOT_MINUTES: _("Type the default lesson length, e.g. 45 or 1h."),
        Setting.ADVANCE_NOTICE: _("Type the minimum notice before a lesson, e.g. 2h or 90m."),
        Setting.HORIZON: _("Type how many days ahead students may book, e.g. 28."),
        Setting.CANCEL_WINDOW: _("Type how late students may still cancel, e.g. 24h."),
        Setting.GRACE: _(
            "Type for how many minutes after booking students may still undo it, even inside "
            "the cancellation window, e.g. 10 (at most 60), or 0 for none."
        ),
        Setting.BUFFER: _(
            "Type how many minutes to keep free before and after each lesson, e.g. 10 "
            "(at most 120), or 0 for none. Lessons already booked stay as they are."
        ),
        Setting.LINK_EXPIRY: _("Type how many days new links last, e.g. 30, or never."),
        Setting.LINK_USES: _("Type how many times a new link may be opened, or unlimited."),
        Setting.REMINDERS: _("Type reminder times before a lesson, e.g. 24h, 1h, or off."),
        Setting.AGENDA: _("Type when your daily agenda arrives, e.g. 08:00, or off."),
        Setting.INACTIVE_AFTER: _(
            "Type after how many days without activity a student counts as inactive, e.g. 30."
        ),
        Setting.SERIES: _(
            "Type the most weeks a student may book every week at one time, e.g. 26 (at most "
            "104), or off to offer single lessons only."
        ),
        Setting.WAITLIST_HOLD: _(
            "Type how long a freed seat is held for the next student in line before it goes "
            "to the one after, e.g. 15m or 1h (5 minutes to 24 hours)."
        ),
    }.get(key, "")


@router.message(Command("settings"))
async def show(message: Message, deps: Deps, state: FSMContext) -> None:
    """The settings list, as a new message."""
    assert message.from_user is not None
    teacher = await teachers.get(deps, message.from_user.id)
    await state.clear()
    text, keyboard = settings_screen(teacher.settings)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(SettingsNavCb.filter(F.to == SettingsNav.LIST))
async def back_to_list(query: CallbackQuery, deps: Deps) -> None:
    """◀ Back from a setting: the list again, with the values as stored now."""
    teacher = await teachers.get(deps, query.from_user.id)
    await show_in_place(query, *settings_screen(teacher.settings))


@router.callback_query(SettingCb.filter(F.setting == Setting.TIMEZONE))
async def ask_zone(query: CallbackQuery, state: FSMContext, deps: Deps) -> None:
    """The time zone keeps its own question (zone buttons, or a typed zone), as a new message."""
    await state.set_state(SettingsForm.value)
    await state.update_data(setting=Setting.TIMEZONE.value)
    teacher = await teachers.get(deps, query.from_user.id)
    assert query.message is not None
    markup = zone_keyboard(teacher.settings.timezone)
    await query.message.answer(prompt(Setting.TIMEZONE), reply_markup=markup)


@router.callback_query(SettingCb.filter())
async def open_entry(query: CallbackQuery, callback_data: SettingCb, deps: Deps) -> None:
    """One setting's screen: its value now and the common choices (a switch: the list)."""
    key = callback_data.setting
    teacher = await teachers.get(deps, query.from_user.id)
    # A switch has no screen of its own; a press from a message older than these screens
    # does not say which way to flip, so it only shows the values as they are.
    if key in TOGGLES:
        await show_in_place(query, *settings_screen(teacher.settings))
    else:
        await show_in_place(query, *entry_screen(teacher.settings, key))


@router.callback_query(SettingValueCb.filter())
async def choose(
    query: CallbackQuery, callback_data: SettingValueCb, deps: Deps, callback_answer: CallbackAnswer
) -> None:
    """A value pressed: saved, then the list (a multi-choice setting stays on its screen)."""
    key = callback_data.setting
    teacher = await teachers.choose_setting(deps, query.from_user.id, key, callback_data.value)
    if key in MULTI_CHOICE:
        await show_in_place(query, *entry_screen(teacher.settings, key))
    else:
        await show_in_place(query, *settings_screen(teacher.settings))
    callback_answer.text = _("Saved")


@router.callback_query(SettingsNavCb.filter((F.to == SettingsNav.TYPE) & F.setting))
async def ask(query: CallbackQuery, callback_data: SettingsNavCb, state: FSMContext) -> None:
    """✏️ Type another value: the message becomes the question; the typed answer is read next."""
    key = callback_data.setting
    assert key is not None  # the filter asks for one
    await state.set_state(SettingsForm.value)
    await state.update_data(setting=key.value)
    await show_in_place(query, *typed_screen(key, prompt(key)))


@router.callback_query(StateFilter(SettingsForm.value), ZoneCb.filter())
async def zone_picked(
    query: CallbackQuery, callback_data: ZoneCb, state: FSMContext, deps: Deps
) -> None:
    """A common zone was picked from the settings prompt."""
    zone = COMMON_ZONES[callback_data.index % len(COMMON_ZONES)]
    teacher = await teachers.change_setting(deps, query.from_user.id, Setting.TIMEZONE, zone)
    await state.clear()
    text, keyboard = _saved(teacher, Setting.TIMEZONE, deps)
    assert query.message is not None
    await query.message.answer(text, reply_markup=keyboard)


@router.callback_query(ZonePickCb.filter(F.flow == ZoneFlow.SETTINGS))
async def zone_suggested(
    query: CallbackQuery, callback_data: ZonePickCb, state: FSMContext, deps: Deps
) -> None:
    """A zone suggested for what was typed was picked (the button says which zone)."""
    teacher = await teachers.change_setting(
        deps, query.from_user.id, Setting.TIMEZONE, callback_data.zone
    )
    await state.clear()
    text, keyboard = _saved(teacher, Setting.TIMEZONE, deps)
    assert query.message is not None
    await query.message.answer(text, reply_markup=keyboard)


@router.message(StateFilter(SettingsForm.value), TYPED)
async def typed(message: Message, state: FSMContext, deps: Deps, bot: Bot) -> None:
    """A typed value: saved if valid, otherwise one sentence says why (and we keep waiting)."""
    assert message.from_user is not None
    data = await state.get_data()
    key = _asked_setting(data)
    if key is None:
        # The question is gone (a /settings sent meanwhile cleared it): start over, honestly.
        await state.clear()
        teacher = await teachers.get(deps, message.from_user.id)
        lost = _("I lost track of which setting you were changing; please pick it again.")
        text, keyboard = settings_screen(teacher.settings, note=lost)
        await message.answer(text, reply_markup=keyboard)
        return
    try:
        teacher = await teachers.change_setting(deps, message.from_user.id, key, message.text or "")
    except UnknownTimezone as error:
        if not error.suggestions:
            raise
        # What the typed zone may mean, as buttons; the question stays open for typing.
        text, keyboard = suggestions_screen(error, ZoneFlow.SETTINGS, deps.clock.now())
        await message.answer(text, reply_markup=keyboard)
        return
    await state.clear()
    await _retire_question(bot, message.from_user.id, data)
    text, keyboard = _saved(teacher, key, deps)
    await message.answer(text, reply_markup=keyboard)


def _saved(teacher: Teacher, key: Setting, deps: Deps) -> tuple[str, InlineKeyboardMarkup]:
    """The list under 'Saved.' and, for a zone, its local time now (a wrong pick shows)."""
    note = _("Saved.")
    if key == Setting.TIMEZONE:
        note += "\n" + zone_line(teacher.settings.timezone, deps.clock.now())
    return settings_screen(teacher.settings, note=note)


async def _retire_question(bot: Bot, chat_id: int, data: dict[str, Any]) -> None:
    """Take the buttons off the answered question, so only the new list below is live."""
    message_id = int(data.get(OPENED_BY) or 0)
    if message_id:
        with suppress(TelegramBadRequest):
            await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)


def _asked_setting(data: dict[str, Any]) -> Setting | None:
    """The setting the prompt asked for, if the conversation state still says which."""
    try:
        return Setting(str(data.get("setting")))
    except ValueError:
        return None
