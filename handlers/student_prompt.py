"""Prompts about one student: the card's Rename, Email and Extra lesson ask for typed text.

The student id rides in the state data between the question and the typed answer; one key,
read and written here, so the three flows cannot drift apart.
"""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery

STUDENT = "student_id"  # state-data key; ownership is checked when the answer is saved


async def ask_about(state: FSMContext, prompt: State, student_id: int) -> None:
    """Wait for typed text about this student."""
    await state.set_state(prompt)
    await state.update_data({STUDENT: student_id})


async def ask_in_chat(
    query: CallbackQuery, state: FSMContext, prompt: State, student_id: int, question: str
) -> None:
    """Wait for typed text about this student, the question sent as a new message."""
    await ask_about(state, prompt, student_id)
    assert query.message is not None
    await query.message.answer(question)


async def asked_about(state: FSMContext) -> int:
    """The student the pending prompt is about (0 when the state data lost it)."""
    return int((await state.get_data()).get(STUDENT, 0))
