"""/place: where lessons take place (a meeting link or an address), by default, per set of
hours, and per lesson from /schedule. Typed places are checked by bot.domain.places."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services import places
from bot.services.context import Deps
from handlers.availability import window_text
from handlers.keyboards import Button, Row, button, markup
from handlers.navigation import nav_row, present
from handlers.navigation import show as show_in_place
from handlers.teacher_onboarding import TYPED
from views.formatting import when
from views.place_callbacks import PlaceAction, PlaceCb, PlaceTarget
from views.places import place_html

router = Router(name="places")


class PlaceForm(StatesGroup):
    """Waiting for a typed place; the state data names whose place (target, target_id)."""

    text = State()


def _shown(place: str | None) -> str:
    return place_html(place) if place else _("not set")


def _hint() -> str:
    return _(
        "Send a meeting link that starts with https:// or an address. "
        "Send <code>off</code> to remove it."
    )


def overview_screen(found: places.Overview, note: str = "") -> tuple[str, InlineKeyboardMarkup]:
    """The default place, every set of hours with its own place, and a button for each."""
    lines = [note, ""] if note else []
    lines += [
        _("📍 <b>Where your lessons take place</b>"),
        _("Students see it in the confirmation, the reminders, their lesson and calendar files."),
        "",
        _("Default: {place}").format(place=_shown(found.default)),
    ]
    own = [(w, p) for w, p in found.hours if p]
    if own:
        lines.append(_("Hours with a place of their own:"))
        lines += [f"• {window_text(w)}: {place_html(p)}" for w, p in own]
    lines += ["", _("A lesson's own place (set from /schedule) comes first, then its hours'.")]
    rows: list[Row] = [[_ask(_("✏️ Default place"), PlaceTarget.DEFAULT, 0)]]
    if found.default:
        rows[0].append(_clear(_("🗑 Remove"), PlaceTarget.DEFAULT, 0))
    for window, place in found.hours:
        label = "📍 " + html.unescape(window_text(window))  # a button label is plain text
        row = [_ask(label, PlaceTarget.HOURS, window.id)]
        if place:
            row.append(_clear(_("🗑 Use the default"), PlaceTarget.HOURS, window.id))
        rows.append(row)
    rows.append(nav_row())
    return "\n".join(lines), markup(rows)


def _ask(label: str, target: PlaceTarget, target_id: int) -> Button:
    return button(label, PlaceCb(action=PlaceAction.ASK, target=target, target_id=target_id))


def _clear(label: str, target: PlaceTarget, target_id: int) -> Button:
    return button(label, PlaceCb(action=PlaceAction.CLEAR, target=target, target_id=target_id))


def place_button(booking_id: int) -> Button:
    """📍, for one lesson of /schedule: see or change that lesson's place."""
    return _ask("📍", PlaceTarget.LESSON, booking_id)


def lesson_screen(found: places.LessonPlace, note: str = "") -> tuple[str, InlineKeyboardMarkup]:
    """One lesson's place as students see it, and how to change it for this lesson only."""
    lesson = found.lesson
    lines = [note, ""] if note else []
    lines += [
        _("📍 Lesson with {name} on {when}").format(
            name=html.escape(lesson.student_name),
            when=when(lesson.starts_at, lesson.ends_at, lesson.teacher_tz),
        ),
        _("Place: {place}").format(place=_shown(found.shown)),
    ]
    if found.shown and not found.own:
        lines.append(_("(the usual place of these hours or your default)"))
    lines += ["", _("Type a place for this lesson only.") + " " + _hint()]
    rows: list[Row] = []
    if found.own:
        rows.append([_clear(_("🗑 Use the usual place"), PlaceTarget.LESSON, lesson.booking_id)])
    return "\n".join(lines), markup([*rows, nav_row()])


@router.message(Command("place"))
async def show(message: Message, command: CommandObject, deps: Deps, state: FSMContext) -> None:
    """/place: the places; /place <link or address>: set the default at once."""
    assert message.from_user is not None
    await state.clear()
    note = ""
    if command.args:
        note = saved_note(await places.set_default(deps, message.from_user.id, command.args))
    text, keyboard = overview_screen(await places.overview(deps, message.from_user.id), note)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(PlaceCb.filter(F.action == PlaceAction.LIST))
async def list_places(query: CallbackQuery, deps: Deps, state: FSMContext) -> None:
    """◀ Back to the list of places."""
    await state.clear()
    await show_in_place(query, *overview_screen(await places.overview(deps, query.from_user.id)))


@router.callback_query(PlaceCb.filter(F.action == PlaceAction.ASK))
async def ask(query: CallbackQuery, callback_data: PlaceCb, deps: Deps, state: FSMContext) -> None:
    """Ask for the place to be typed; a lesson's screen shows its place now first."""
    target, target_id = callback_data.target, callback_data.target_id
    if target == PlaceTarget.LESSON:
        found = await places.lesson_place(deps, query.from_user.id, target_id)
        text, keyboard = lesson_screen(found)
    else:
        what = _("your default place")
        if target == PlaceTarget.HOURS:
            hours = (await places.overview(deps, query.from_user.id)).hours
            named = [window_text(w) for w, _own in hours if w.id == target_id]
            what = _("these hours") + (f" ({named[0]})" if named else "")
        text = _("Type the place for {what}.").format(what=what) + " " + _hint()
        back = PlaceCb(action=PlaceAction.LIST, target=PlaceTarget.DEFAULT)
        keyboard = markup([nav_row(back)])
    await state.set_state(PlaceForm.text)
    await state.update_data(place_target=target.value, place_target_id=target_id)
    await present(query, text, keyboard)


@router.callback_query(PlaceCb.filter(F.action == PlaceAction.CLEAR))
async def clear(
    query: CallbackQuery,
    callback_data: PlaceCb,
    deps: Deps,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    """Remove a place: the less specific one applies again."""
    await state.clear()
    text, keyboard = await _save(deps, query.from_user.id, callback_data, "off")
    await show_in_place(query, text, keyboard)
    callback_answer.text = _("Removed")


@router.message(StateFilter(PlaceForm.text), TYPED)
async def typed(message: Message, deps: Deps, state: FSMContext) -> None:
    """A typed place: saved if it is one, else one sentence says why (and we keep waiting)."""
    assert message.from_user is not None
    data = await state.get_data()
    try:
        target = PlaceTarget(str(data.get("place_target")))
        target_id = int(data.get("place_target_id", 0))
    except ValueError:
        await state.clear()
        await message.answer(_("I lost track of which place you were changing. Send /place."))
        return
    where = PlaceCb(action=PlaceAction.ASK, target=target, target_id=target_id)
    text, keyboard = await _save(deps, message.from_user.id, where, message.text or "")
    await state.clear()
    await message.answer(text, reply_markup=keyboard)


async def _save(
    deps: Deps, telegram_id: int, where: PlaceCb, text: str
) -> tuple[str, InlineKeyboardMarkup]:
    """Set or clear the place a button or prompt names; the screen that shows it now."""
    if where.target == PlaceTarget.LESSON:
        found = await places.set_lesson(deps, telegram_id, where.target_id, text)
        return lesson_screen(found, saved_note(found.told))
    if where.target == PlaceTarget.HOURS:
        told = await places.set_hours(deps, telegram_id, where.target_id, text)
    else:
        told = await places.set_default(deps, telegram_id, text)
    return overview_screen(await places.overview(deps, telegram_id), saved_note(told))


def saved_note(told: int) -> str:
    """'✅ Saved.', and how many students with coming lessons are told of the new place."""
    if not told:
        return _("✅ Saved.")
    return (
        _("✅ Saved.")
        + " "
        + ngettext(
            "{n} student with coming lessons is told.",
            "{n} students with coming lessons are told.",
            told,
        ).format(n=told)
    )
