"""The student's note when booking: 📝 Add a note on the confirmation card, typed, then shown
on the card, whose Confirm books with it (the teacher reads it in the booking notice)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.domain.notes import MAX_NOTE_CHARS, clean_note
from bot.services import student_calendar as calendar
from bot.services.accounts import Identity
from bot.services.context import Deps
from bot.services.student_calendar import Offer
from handlers import student_views as views
from handlers.navigation import present
from handlers.student_calendar import outcome_screen
from handlers.teacher_onboarding import TYPED
from views.calendar_callbacks import SlotCb, cursor_fields
from views.note_callbacks import NoteCb, NotedConfirmCb, note_key

router = Router(name="booking_note")

# State-data keys: the card the note is for (a packed NoteCb) and the note typed for it.
CARD, NOTE = "booking_note_card", "booking_note"


class BookingNoteForm(StatesGroup):
    """Waiting for the student's note to the teacher (the card it is for in the data)."""

    text = State()


async def card_screen(
    deps: Deps, identity: Identity, card: NoteCb, note: str
) -> tuple[str, views.Keyboard]:
    """The slot's confirmation card as it is now, with the note (or why it cannot be had)."""
    outcome = await calendar.offer(deps, identity, card.cursor, card.slot_id)
    return (
        views.offer_card(outcome, note) if isinstance(outcome, Offer) else outcome_screen(outcome)
    )


@router.callback_query(NoteCb.filter())
async def ask(query: CallbackQuery, callback_data: NoteCb, state: FSMContext) -> None:
    """Ask for the note in place of the card; ◀ Back shows the card again, without one."""
    await state.set_state(BookingNoteForm.text)
    await state.update_data({CARD: callback_data.pack()})
    cb = callback_data
    back = SlotCb(**cursor_fields(cb.cursor), slot_id=cb.slot_id)
    text = _(
        "📝 Type a short note for your teacher, e.g. “I'd like to go over chapter 3” "
        "(up to {limit} characters)."
    ).format(limit=MAX_NOTE_CHARS)
    keyboard = views.Keyboard(inline_keyboard=[[views.button(_("◀ Back"), back)]])
    await views.show(query, text, keyboard)


@router.message(StateFilter(BookingNoteForm.text), TYPED)
async def typed(message: Message, deps: Deps, identity: Identity, state: FSMContext) -> None:
    """The note typed: the card again below it, showing the note, with Confirm to book."""
    data = await state.get_data()
    if CARD not in data:  # the state's data was lost (a restart with memory storage)
        await state.set_state(None)
        await message.answer(_("Your note was not kept. Please add it again, then confirm."))
        return
    card = NoteCb.unpack(str(data[CARD]))
    # Too long: one sentence (handlers/refusal_texts.py) and the question stays open.
    note = clean_note(message.text or "")
    await state.set_state(None)
    await state.update_data({NOTE: note})
    await present(message, *await card_screen(deps, identity, card, note))


@router.callback_query(NotedConfirmCb.filter())
async def confirm(
    query: CallbackQuery,
    callback_data: NotedConfirmCb,
    deps: Deps,
    identity: Identity,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    """Confirm on a card showing a note: book with that very note. A note no longer kept (or
    changed since) books nothing: the card comes back without it, and the alert says so."""
    cb = callback_data
    data = await state.get_data()
    note = str(data.get(NOTE, ""))
    card = NoteCb(**cursor_fields(cb.cursor), slot_id=cb.slot_id)
    if data.get(CARD) != card.pack() or not note or note_key(note) != cb.note_key:
        callback_answer.text = _("Your note was not kept. Please add it again, then confirm.")
        callback_answer.show_alert = True
        await views.show(query, *await card_screen(deps, identity, card, ""))
        return
    # The note stays in the state: a second tap shows the lesson it booked, not "not kept".
    outcome = await calendar.confirm(deps, identity, cb.cursor, cb.slot_id, note)
    await views.show(query, *outcome_screen(outcome))
