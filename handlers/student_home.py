"""The student's home card, /start for a bound student, /book, /mybookings, /timezone."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.errors import UnknownTimezone
from bot.domain.zones import zone_label
from bot.services import student_bookings, student_home
from bot.services.accounts import Identity, Role
from bot.services.context import Deps
from bot.services.student_calendar_model import Cursor
from handlers import student_views as views
from handlers.mini_app import MiniApp
from handlers.student_bookings import bookings_screen, week_at
from handlers.zone_screens import suggestions_screen, zone_line
from views.callbacks import HomeAction, StudentHomeCb, StudentZoneCb, ZoneFlow, ZonePickCb

router = Router(name="student_home")


def is_student(_: object, identity: Identity | None = None) -> bool:
    """Whether the sender is a student (and not a teacher, whose menu comes first)."""
    return identity is not None and identity.role == Role.STUDENT


def help_text() -> str:
    """What a student can do."""
    return "\n".join(
        [
            _("<b>How to book</b>: press 📝 Book a lesson, pick a day, pick a time, confirm."),
            _("/book: the calendar"),
            _("/mybookings: your lessons, to cancel, reschedule or add to your calendar"),
            _("/waitlist: the fully booked times you wait for, and your place in line"),
            _("/timezone City: show times in your zone, e.g. /timezone Tokyo or /timezone UTC+3"),
            _("/start: your home card"),
        ]
    )


def zone_picker(home: student_home.Home) -> tuple[str, views.Keyboard]:
    """The student's zone, common zones as buttons, and how to type any other."""
    text = _(
        "🌍 Times are shown in <b>{zone}</b>. Pick your time zone, or send "
        "/timezone followed by its name, e.g. /timezone Asia/Tokyo."
    ).format(zone=zone_label(home.zone))
    zones = student_home.STUDENT_ZONES
    rows = [
        [views.button(zones[i + k], StudentZoneCb(index=i + k)) for k in (0, 1)]
        for i in range(0, len(zones), 2)
    ]
    rows.append([views.button(_("Use my teacher's time zone"), StudentZoneCb(index=-1))])
    rows.append(views.home_row(home.student_id))
    return text, views.Keyboard(inline_keyboard=rows)


@router.message(CommandStart(deep_link=False), is_student)
async def start(message: Message, deps: Deps, mini_app: MiniApp) -> None:
    """A bound student comes back: their home card."""
    assert message.from_user is not None
    home = await student_home.home(deps, message.from_user.id)
    text, keyboard = views.home_card(home, mini_app)
    await message.answer(text, reply_markup=keyboard)


@router.message(Command("help"), is_student)
async def help_command(message: Message, deps: Deps) -> None:
    """The student's commands."""
    assert message.from_user is not None
    home = await student_home.home(deps, message.from_user.id)
    keyboard = views.Keyboard(inline_keyboard=[views.home_row(home.student_id)])
    await message.answer(help_text(), reply_markup=keyboard)


@router.message(Command("book"))
async def book_command(message: Message, deps: Deps, identity: Identity) -> None:
    """The week view of the remembered teacher."""
    text, keyboard = await week_at(deps, identity, Cursor())
    await message.answer(text, reply_markup=keyboard)


@router.message(Command("mybookings"))
async def my_bookings_command(message: Message, deps: Deps) -> None:
    """The student's lessons."""
    assert message.from_user is not None
    found = await student_bookings.my_bookings(deps, message.from_user.id)
    text, keyboard = bookings_screen(found)
    await message.answer(text, reply_markup=keyboard)


@router.message(Command("timezone"))
async def timezone_command(
    message: Message, command: CommandObject, deps: Deps, mini_app: MiniApp
) -> None:
    """/timezone City sets the student's zone (several meanings: buttons); alone, the picker."""
    assert message.from_user is not None
    if command.args:
        try:
            home = await student_home.set_timezone(deps, message.from_user.id, command.args)
        except UnknownTimezone as error:
            if not error.suggestions:
                raise
            text, keyboard = suggestions_screen(error, ZoneFlow.STUDENT, deps.clock.now())
            await message.answer(text, reply_markup=keyboard)
            return
        text, keyboard = zone_set_card(home, deps, mini_app)
    else:
        text, keyboard = zone_picker(await student_home.home(deps, message.from_user.id))
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(StudentHomeCb.filter(F.action == HomeAction.HOME))
async def home_button(
    query: CallbackQuery, callback_data: StudentHomeCb, deps: Deps, mini_app: MiniApp
) -> None:
    """Back to the home card of this student record (and remember its teacher)."""
    home = await student_home.home(deps, query.from_user.id, callback_data.student_id)
    await views.show(query, *views.home_card(home, mini_app))


@router.callback_query(StudentHomeCb.filter(F.action == HomeAction.BOOK))
async def book_button(
    query: CallbackQuery, callback_data: StudentHomeCb, deps: Deps, identity: Identity
) -> None:
    """Book a lesson: the week view from today."""
    cursor = Cursor(student_id=callback_data.student_id)
    await views.show(query, *await week_at(deps, identity, cursor))


@router.callback_query(StudentHomeCb.filter(F.action == HomeAction.MINE))
async def mine_button(query: CallbackQuery, callback_data: StudentHomeCb, deps: Deps) -> None:
    """My bookings."""
    found = await student_bookings.my_bookings(deps, query.from_user.id, callback_data.student_id)
    await views.show(query, *bookings_screen(found))


@router.callback_query(StudentHomeCb.filter(F.action == HomeAction.ZONE))
async def zone_button(query: CallbackQuery, callback_data: StudentHomeCb, deps: Deps) -> None:
    """The time zone picker."""
    home = await student_home.home(deps, query.from_user.id, callback_data.student_id)
    await views.show(query, *zone_picker(home))


@router.callback_query(StudentHomeCb.filter(F.action == HomeAction.HELP))
async def help_button(query: CallbackQuery, callback_data: StudentHomeCb, deps: Deps) -> None:
    """What a student can do."""
    home = await student_home.home(deps, query.from_user.id, callback_data.student_id)
    keyboard = views.Keyboard(inline_keyboard=[views.home_row(home.student_id)])
    await views.show(query, help_text(), keyboard)


@router.callback_query(StudentHomeCb.filter(F.action == HomeAction.TEACHERS))
async def switch_teacher(query: CallbackQuery, deps: Deps) -> None:
    """Which teacher to book with, when the account studies with several."""
    choices = await student_home.teachers(deps, query.from_user.id)
    rows = [[views.home_button(c.teacher_name, HomeAction.HOME, c.student_id)] for c in choices]
    await views.show(query, _("Which teacher?"), views.Keyboard(inline_keyboard=rows))


@router.callback_query(StudentZoneCb.filter())
async def pick_zone(
    query: CallbackQuery, callback_data: StudentZoneCb, deps: Deps, mini_app: MiniApp
) -> None:
    """A zone button: set it and show the home card in the new zone."""
    home = await student_home.choose_zone(deps, query.from_user.id, callback_data.index)
    await views.show(query, *zone_set_card(home, deps, mini_app))


@router.callback_query(ZonePickCb.filter(F.flow == ZoneFlow.STUDENT))
async def pick_suggested_zone(
    query: CallbackQuery, callback_data: ZonePickCb, deps: Deps, mini_app: MiniApp
) -> None:
    """A zone suggested for what /timezone was given: set it, home card in the new zone."""
    home = await student_home.set_timezone(deps, query.from_user.id, callback_data.zone)
    await views.show(query, *zone_set_card(home, deps, mini_app))


def zone_set_card(
    home: student_home.Home, deps: Deps, mini_app: MiniApp
) -> tuple[str, views.Keyboard]:
    """The home card under the chosen zone with its time now (🌍 Time zone changes it)."""
    text, keyboard = views.home_card(home, mini_app)
    return zone_line(home.zone, deps.clock.now()) + "\n\n" + text, keyboard
