"""/teach: register as a teacher (name, then time zone), the teacher command menu, /help."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import BaseFilter, Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from aiogram.utils.i18n import gettext as _

from bot.domain.errors import UnknownTimezone
from bot.domain.model import Teacher
from bot.domain.teacher_settings import Setting
from bot.services import teachers
from bot.services.accounts import Identity
from bot.services.context import Deps
from handlers.keyboards import button, markup, rows_of
from handlers.mini_app import MiniApp, set_chat_menu
from handlers.zone_screens import suggestions_screen, zone_with_time
from views.callbacks import ZoneFlow, ZonePickCb
from views.formatting import sentence
from views.teacher_callbacks import SettingCb, ZoneCb

router = Router(name="teacher_onboarding")

COMMON_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "Europe/Kyiv",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)


class TeachForm(StatesGroup):
    """The /teach conversation."""

    name = State()
    zone = State()


class IsTeacher(BaseFilter):
    """Matches updates from registered teachers (identity comes from AccountMiddleware)."""

    async def __call__(self, event: TelegramObject, identity: Identity | None = None) -> bool:
        """Whether the sender is a teacher."""
        return identity is not None and identity.is_teacher


TYPED = F.text & ~F.text.startswith("/")


def zone_keyboard(default_zone: str) -> InlineKeyboardMarkup:
    """Buttons for common zones, the configured default first."""
    zones = [default_zone, *(z for z in COMMON_ZONES if z != default_zone)]
    buttons = [button(z, ZoneCb(index=_zone_index(z))) for z in zones if _zone_index(z) >= 0]
    return markup(rows_of(buttons, 2))


def _zone_index(zone: str) -> int:
    return COMMON_ZONES.index(zone) if zone in COMMON_ZONES else -1


def teacher_commands() -> list[BotCommand]:
    """The teacher's command menu, in the current locale."""
    return [
        BotCommand(command="menu", description=_("Your home: today, students, settings")),
        BotCommand(command="schedule", description=_("Your coming lessons")),
        BotCommand(command="students", description=_("Your students and their links")),
        BotCommand(command="addstudent", description=_("Enroll a student: /addstudent Anna")),
        BotCommand(command="link", description=_("Show a student's link: /link Anna")),
        BotCommand(command="addslots", description=_("Add hours: /addslots mon 10:00-14:00 60")),
        BotCommand(command="availability", description=_("Your weekly and one-day hours")),
        BotCommand(command="place", description=_("Where lessons take place: link or address")),
        BotCommand(command="block", description=_("Take time off: /block 2026-12-24")),
        BotCommand(command="unblock", description=_("Remove time off: /unblock 2026-12-24")),
        BotCommand(command="stats", description=_("Your numbers: bookings, cancellations, links")),
        BotCommand(command="export", description=_("Bookings as CSV, lessons as a calendar")),
        BotCommand(command="busycalendar", description=_("Your own calendar blocks your hours")),
        BotCommand(command="settings", description=_("Time zone, notice, links, reminders")),
        BotCommand(command="language", description=_("Change the language")),
        BotCommand(command="help", description=_("What each command does")),
    ]


def teacher_help() -> str:
    """One line per teacher command."""
    lines = [_("<b>Your teacher commands</b>")]
    lines += [f"/{c.command} — {html.escape(c.description)}" for c in teacher_commands()]
    return "\n".join(lines)


@router.message(Command("teach"))
async def teach(message: Message, state: FSMContext, deps: Deps) -> None:
    """Start registration: refused at once for accounts not on TEACHER_IDS."""
    assert message.from_user is not None
    await teachers.check_may_teach(deps, message.from_user.id)
    await state.set_state(TeachForm.name)
    await message.answer(_ask_name())


def _ask_name() -> str:
    return _("Welcome! What name should your students see? Type it, e.g. Anna Smith.")


@router.message(StateFilter(TeachForm.name), TYPED)
async def teach_name(message: Message, state: FSMContext, deps: Deps) -> None:
    """Take the display name, then ask for the time zone."""
    name = teachers.check_name(message.text or "")
    await state.update_data(name=name)
    await state.set_state(TeachForm.zone)
    thanks = sentence(_("Thanks, {name}").format(name=html.escape(name)))
    which = _(
        "Which time zone do you teach in? Pick one, or type a city such as "
        "Berlin, a zone such as Europe/Berlin or an offset such as UTC+3."
    )
    await message.answer(thanks + " " + which, reply_markup=zone_keyboard(deps.default_timezone))


@router.callback_query(StateFilter(TeachForm.zone), ZoneCb.filter())
async def teach_zone_button(
    query: CallbackQuery,
    callback_data: ZoneCb,
    state: FSMContext,
    deps: Deps,
    bot: Bot,
    mini_app: MiniApp,
) -> None:
    """A common zone was picked."""
    zone = COMMON_ZONES[callback_data.index % len(COMMON_ZONES)]
    await _finish(query.from_user.id, zone, state, deps, bot, mini_app)


@router.callback_query(StateFilter(TeachForm.zone), ZonePickCb.filter(F.flow == ZoneFlow.TEACH))
async def teach_zone_suggested(
    query: CallbackQuery,
    callback_data: ZonePickCb,
    state: FSMContext,
    deps: Deps,
    bot: Bot,
    mini_app: MiniApp,
) -> None:
    """A zone suggested for what was typed was picked."""
    await _finish(query.from_user.id, callback_data.zone, state, deps, bot, mini_app)


@router.message(StateFilter(TeachForm.zone), TYPED)
async def teach_zone_typed(
    message: Message, state: FSMContext, deps: Deps, bot: Bot, mini_app: MiniApp
) -> None:
    """A zone was typed; what it may mean comes back as buttons (and we keep asking)."""
    assert message.from_user is not None
    try:
        await _finish(message.from_user.id, message.text or "", state, deps, bot, mini_app)
    except UnknownTimezone as error:
        if not error.suggestions:
            raise
        text, keyboard = suggestions_screen(error, ZoneFlow.TEACH, deps.clock.now())
        await message.answer(text, reply_markup=keyboard)


async def _finish(
    user_id: int, zone: str, state: FSMContext, deps: Deps, bot: Bot, mini_app: MiniApp
) -> None:
    data: dict[str, Any] = await state.get_data()
    name = data.get("name")
    if not isinstance(name, str) or not name:
        # The state lost the name (a /teach sent meanwhile): ask for it again, not forever
        # refuse the zone as a bad name.
        await state.set_state(TeachForm.name)
        await bot.send_message(user_id, _ask_name())
        return
    teacher = await teachers.register(deps, user_id, name, zone)
    await state.clear()
    await bot.set_my_commands(teacher_commands(), scope=BotCommandScopeChat(chat_id=user_id))
    await set_chat_menu(bot, mini_app, user_id, teacher=True)  # the menu opens the panel
    text, keyboard = registered_screen(teacher, deps.clock.now())
    await bot.send_message(user_id, text, reply_markup=keyboard)


def registered_screen(teacher: Teacher, now: datetime) -> tuple[str, InlineKeyboardMarkup]:
    """What a new teacher reads: done, the zone with its time now, the next two steps."""
    text = _(
        "✅ You are registered as <b>{name}</b>, time zone {zone}.\n\n"
        "Next: add your hours, e.g. <code>/addslots mon 10:00-14:00 60 Math</code>, then "
        "enroll a student with <code>/addstudent Anna</code> to get their link. /help lists "
        "everything."
    ).format(
        name=html.escape(teacher.display_name), zone=zone_with_time(teacher.settings.timezone, now)
    )
    change = button(_("🔄 Change time zone"), SettingCb(setting=Setting.TIMEZONE))
    return text, markup([[change]])


@router.message(Command("help"), IsTeacher())
async def help_teacher(message: Message, bot: Bot) -> None:
    """The teacher's commands, one line each; the chat's command menu is brought up to date."""
    assert message.from_user is not None
    # A menu registered before a command was added lacks it: /help is where a teacher looks.
    scope = BotCommandScopeChat(chat_id=message.from_user.id)
    await bot.set_my_commands(teacher_commands(), scope=scope)
    await message.answer(teacher_help())
