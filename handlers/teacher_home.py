"""The teacher's home card (/start, /menu) and every teacher screen reached from it, in place."""

from __future__ import annotations

import html
from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.colours import colour_mark
from bot.services import availability, schedule, stats, students, teachers
from bot.services.analytics import PeriodKey
from bot.services.context import Deps
from bot.services.teacher_home import HomeLesson, TeacherHome, home
from handlers import exports as export_views
from handlers import stats as stats_views
from handlers.availability import hours_screen
from handlers.keyboards import button, markup, rows_of
from handlers.mini_app import MiniApp, calendar_button
from handlers.navigation import nav_row, show, with_nav
from handlers.schedule import week_view
from handlers.settings_screens import settings_screen
from handlers.teacher_links import send_card
from handlers.teacher_onboarding import TYPED, IsTeacher
from handlers.teacher_students import roster_view
from views.formatting import day_label, local, time_range
from views.teacher_callbacks import HomeCb, HomeScreen

router = Router(name="teacher_home")
router.message.filter(IsTeacher())
router.callback_query.filter(IsTeacher())

# The home card's buttons, two a row.
BUTTONS = tuple(screen for screen in HomeScreen if screen != HomeScreen.HOME)
PROMPT_MESSAGE = "home_prompt_message"  # state key: the message that asked for a name


class AddForm(StatesGroup):
    """Waiting for the name of a student to enroll from the home card."""

    name = State()


def _labels() -> dict[HomeScreen, str]:
    """The home card's button labels in the current language."""
    return {
        HomeScreen.SCHEDULE: _("📅 Schedule"),
        HomeScreen.STUDENTS: _("👥 Students"),
        HomeScreen.ADD: _("➕ Add student"),
        HomeScreen.HOURS: _("🕒 Hours & time off"),
        HomeScreen.SETTINGS: _("⚙️ Settings"),
        HomeScreen.STATS: _("📊 Stats"),
        HomeScreen.EXPORT: _("📤 Export"),
    }


def _lesson(lesson: HomeLesson, zone: str, with_day: bool) -> str:
    day = f"{day_label(local(lesson.starts_at, zone).date())}, " if with_day else ""
    subject = f" · {html.escape(lesson.subject)}" if lesson.subject else ""
    times = time_range(lesson.starts_at, lesson.ends_at, zone)
    name = html.escape(lesson.student_name)
    return f"• {day}{times} {colour_mark(lesson.colour)} {name}{subject}"


def _names(names: list[str]) -> str:
    return ", ".join(html.escape(n) for n in names)


def attention_lines(data: TeacherHome) -> list[str]:
    """What needs the teacher: refused link openings, unreachable students, links to renew."""
    lines = []
    if data.refused:
        refused = ngettext(
            "{n} refused attempt to open your links in the last 7 days",
            "{n} refused attempts to open your links in the last 7 days",
            data.refused,
        )
        lines.append("⛔ " + refused.format(n=data.refused))
    if data.unreachable:
        blocked = _("Blocked the bot, cannot be reached: {names}")
        lines.append("📵 " + blocked.format(names=_names(data.unreachable)))
    if data.unopened:
        lines.append("🔗 " + _("Link not opened yet: {names}").format(names=_names(data.unopened)))
    for item in data.expiring:
        day = day_label(local(item.expires_at, data.timezone).date())
        expires = _("The link of {name} expires on {day}")
        lines.append("⏳ " + expires.format(name=html.escape(item.student_name), day=day))
    return lines


def home_screen(data: TeacherHome, mini_app: MiniApp) -> tuple[str, InlineKeyboardMarkup]:
    """The teacher's home: today, the next lessons, what needs attention, and the menu."""
    zone = data.timezone
    lines = [_("🏠 <b>{name}</b> · {zone}").format(name=html.escape(data.teacher_name), zone=zone)]
    lines.append("\n" + _("<b>Today</b>"))
    lines += [_lesson(x, zone, False) for x in data.today] or [_("No lessons today.")]
    if data.upcoming:
        lines.append("\n" + _("<b>Next lessons</b>"))
        lines += [_lesson(x, zone, True) for x in data.upcoming]
    if data.needs_attention:
        lines.append("\n" + _("<b>Needs your attention</b>"))
        lines += attention_lines(data)
    if not data.students:
        lines.append("\n" + _("Enroll a student with ➕ to get their booking link."))
    labels = _labels()
    buttons = [button(labels[screen], HomeCb(screen=screen)) for screen in BUTTONS]
    if mini_app.enabled:
        buttons.append(calendar_button(mini_app.teacher_url()))
    return "\n".join(lines), markup(rows_of(buttons, 2))


@router.message(CommandStart(deep_link=False))
@router.message(Command("menu"))
async def start(message: Message, deps: Deps, state: FSMContext, mini_app: MiniApp) -> None:
    """A teacher's /start or /menu: the home card, as a new message (the current screen)."""
    assert message.from_user is not None
    await state.clear()
    text, keyboard = home_screen(await home(deps, message.from_user.id), mini_app)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(HomeCb.filter(F.screen == HomeScreen.ADD))
async def ask_name(query: CallbackQuery, state: FSMContext) -> None:
    """➕ Add student: the home message asks for the name (a prompt; Back leaves it)."""
    await state.set_state(AddForm.name)
    assert query.message is not None
    await state.update_data({PROMPT_MESSAGE: query.message.message_id})
    text = _("➕ Type the new student's name, e.g. Anna.")
    await show(query, text, markup([nav_row()]))


@router.message(StateFilter(AddForm.name), TYPED)
async def add_student(
    message: Message,
    state: FSMContext,
    deps: Deps,
    bot: Bot,
    bot_username: str,
    mini_app: MiniApp,
    mail: bool = False,
) -> None:
    """Enroll: the link card comes as a new message (to forward); the prompt turns home again."""
    assert message.from_user is not None
    card = await students.enroll(deps, message.from_user.id, message.text or "")
    prompt = int((await state.get_data()).get(PROMPT_MESSAGE, 0))
    await state.clear()
    await send_card(message, card, bot_username, mini_app, mail)
    if prompt:
        text, keyboard = home_screen(await home(deps, message.from_user.id), mini_app)
        with suppress(TelegramBadRequest):  # the prompt is gone: the link card is what matters
            await bot.edit_message_text(
                text, chat_id=message.chat.id, message_id=prompt, reply_markup=keyboard
            )


@router.callback_query(HomeCb.filter())
async def navigate(
    query: CallbackQuery, callback_data: HomeCb, deps: Deps, mini_app: MiniApp
) -> None:
    """Home and every screen of its menu, shown in the pressed message from current data."""
    uid, to = query.from_user.id, callback_data.screen
    if to == HomeScreen.SCHEDULE:
        text, keyboard = week_view(await schedule.week(deps, uid))
    elif to == HomeScreen.STUDENTS:
        text, keyboard = roster_view(await students.roster(deps, uid))
    elif to == HomeScreen.HOURS:
        text, keyboard = hours_screen(await availability.list_windows(deps, uid))
        text += "\n\n" + _("Take time off: /block 2026-12-24")
    elif to == HomeScreen.SETTINGS:
        text, keyboard = settings_screen((await teachers.get(deps, uid)).settings)
    elif to == HomeScreen.STATS:
        figures = await stats.teacher_stats(deps, uid)
        text, keyboard = (
            stats_views.figures_text(figures),
            stats_views.period_keyboard(PeriodKey.WEEK),
        )
    elif to == HomeScreen.EXPORT:
        text, keyboard = _("What would you like to export?"), export_views.choices_keyboard()
    else:  # HOME (ADD has a handler of its own)
        await show(query, *home_screen(await home(deps, uid), mini_app))
        return
    await show(query, text, with_nav(keyboard))
