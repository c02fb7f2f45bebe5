"""Inputs that used to crash a handler get one clear sentence; nothing reaches the error log."""

from __future__ import annotations

import logging

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey

from handlers.teacher_settings import SettingsForm
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps
from tests.steps.teacher_steps import enroll, register, told

TEACHER = 9300
STUDENT = 9301
GENERIC = "Something went wrong"


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def _quiet(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    """Every update finished, no unhandled exception logged, no generic failure shown."""
    await steps.settle(h)
    assert not _errors(caplog), _errors(caplog)
    assert not any(GENERIC in m.content for m in h.server.bot_messages(TEACHER))


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/addslots mon 10:00-14:00 ➅ Math", "minutes is not possible"),
        ("/addslots mon 10:00-14:00 ² Math", "minutes is not possible"),
        ("/addslots mon 10:00-14:00 ٦٠ Math", "minutes is not possible"),
        ("/addslots mon 10:00-14:00 x² Math", "is not a group size"),
        ("/addslots mon 10:00-14:00 60 x" + "9" * 5000, "is not a group size"),
        ("/addslots mon 10:00-14:00 " + "9" * 5000, "minutes is not possible"),
        ("/addslots mon ١٠:٠٠-١٤:٠٠", "is not a time range"),
    ],
)
async def test_numbers_in_other_digits_are_refused_clearly(
    harness: Harness, caplog: pytest.LogCaptureFixture, command: str, answer: str
) -> None:
    h = harness
    await register(h, TEACHER)
    caplog.set_level(logging.ERROR)
    await h.send(TEACHER, command)
    await told(h, TEACHER, answer)
    await _quiet(h, caplog)
    await h.send(TEACHER, "/availability")
    assert "No hours yet" in h.last(TEACHER).content


@pytest.mark.parametrize("value", ["²", "➅", "٣", "9" * 5000])
async def test_link_uses_in_other_digits_are_refused_clearly(
    harness: Harness, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    await h.press(TEACHER, "🔗 Link uses: unlimited")
    await h.press(TEACHER, "✏️ Type another value")
    caplog.set_level(logging.ERROR)
    await h.send(TEACHER, value)
    await told(h, TEACHER, "is not a valid value here")
    await _quiet(h, caplog)
    await h.send(TEACHER, "/settings")
    assert "🔗 Link uses: unlimited" in h.last(TEACHER).button_texts()


@pytest.mark.parametrize(
    "data", ["win:rm:²:0", "lim:1:u:➅", "lim:1:e:٣", "win:rm:𝟙:0", "win:rm:1_000_000_000_000:0"]
)
async def test_forged_buttons_with_other_digits_are_refused_as_unknown(
    harness: Harness, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/addslots mon 10:00-14:00")
    await enroll(h, TEACHER, "Anna")
    caplog.set_level(logging.ERROR)
    update = h.server.press_forged(TEACHER, h.last(TEACHER).message_id, data)
    await h.app.tracker.wait_handled(update)
    await steps.settle(h)
    answer = h.server.callback_answer_for(update)
    assert answer is not None and "no longer valid" in (answer.text or ""), answer
    await _quiet(h, caplog)


@pytest.mark.parametrize(
    "command",
    [
        "/addstudent Ann\x00a",
        "/addslots mon 10:00-14:00 60 Ma\x00th",
        "/block 2026-12-24 den\x00tist",
        "/addstudent \x1b[31mAnna",
        "/link Ann\x00a",
        "/stats Ann\x00a",
    ],
)
async def test_control_characters_in_typed_text_are_refused_clearly(
    harness: Harness, caplog: pytest.LogCaptureFixture, command: str
) -> None:
    h = harness
    await register(h, TEACHER)
    caplog.set_level(logging.ERROR)
    await h.send(TEACHER, command)
    await told(h, TEACHER, "invisible control characters")
    await _quiet(h, caplog)
    async with h.app.deps.uow() as uow:  # nothing was stored
        teacher = await uow.teachers.by_telegram(TEACHER)
        assert teacher is not None
        assert await uow.students.colours_in_use(teacher.id) == set()
        assert await uow.availability.windows(teacher.id) == []
        assert await uow.availability.time_off(teacher.id, h.clock.now()) == []


async def test_a_name_with_a_nul_is_refused_during_registration_and_the_question_stays(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    h.user(TEACHER, "Smith")
    await h.send(TEACHER, "/teach")
    caplog.set_level(logging.ERROR)
    await h.send(TEACHER, "Ms\x00 Smith")
    await told(h, TEACHER, "invisible control characters")
    await h.send(TEACHER, "Ms Smith")  # still asked for the name: nothing was lost
    assert "Which time zone" in h.last(TEACHER).content
    await _quiet(h, caplog)


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/addslots mon " + "9" * 4000, "is not a time range"),
        ("/addslots " + "<" * 4000 + " 10:00-12:00", "is not a weekday or date"),
        ("/block " + "2" * 4000, "is not a usable date"),
        ("/timezone " + "x" * 4000, "I don't know the time zone"),
    ],
)
async def test_a_refusal_repeating_a_huge_input_is_short_and_delivered(
    harness: Harness, caplog: pytest.LogCaptureFixture, command: str, answer: str
) -> None:
    h = harness
    await register(h, TEACHER)
    caplog.set_level(logging.ERROR)
    await h.send(TEACHER, command)
    await told(h, TEACHER, answer)
    reply = h.last(TEACHER).content
    assert len(reply) < 400 and "…" in reply, reply
    await _quiet(h, caplog)


async def test_a_huge_setting_value_is_refused_in_a_short_message(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    await h.press(TEACHER, "⏰ Advance notice: 2 h")
    await h.press(TEACHER, "✏️ Type another value")
    caplog.set_level(logging.ERROR)
    await h.send(TEACHER, "&" * 4000)
    await told(h, TEACHER, "is not a valid value here")
    assert len(h.last(TEACHER).content) < 400
    await _quiet(h, caplog)


@pytest.mark.parametrize("data", [{}, {"setting": None}, {"setting": "bogus"}])
async def test_a_settings_answer_whose_question_is_gone_shows_the_settings_again(
    harness: Harness, caplog: pytest.LogCaptureFixture, data: dict[str, object]
) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    await h.press(TEACHER, "⏰ Advance notice: 2 h")
    await h.press(TEACHER, "✏️ Type another value")
    # What a concurrent /settings leaves behind: still in the prompt, its data cleared.
    key = StorageKey(bot_id=h.app.bot.id, chat_id=TEACHER, user_id=TEACHER)
    state = FSMContext(storage=h.app.dispatcher.fsm.storage, key=key)
    assert await state.get_state() == SettingsForm.value.state
    await state.set_data(data)
    caplog.set_level(logging.ERROR)
    await h.send(TEACHER, "3h")
    await told(h, TEACHER, "please pick it again")
    assert "⏰ Advance notice: 2 h" in h.last(TEACHER).button_texts()  # the list, unchanged
    assert await state.get_state() is None
    await _quiet(h, caplog)


async def test_a_teacher_zone_that_is_not_a_real_place_is_refused(harness: Harness) -> None:
    h = harness
    h.user(TEACHER, "Smith")
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, "Ms Smith")
    await h.send(TEACHER, "localtime")
    await told(h, TEACHER, "I don't know the time zone localtime")
    await h.send(TEACHER, "Factory")
    await told(h, TEACHER, "I don't know the time zone Factory")
    await h.send(TEACHER, "Europe/Berlin")
    assert "time zone Europe/Berlin" in h.last(TEACHER).content
    await h.send(TEACHER, "/settings")
    await h.press(TEACHER, "🌍 Time zone: Europe/Berlin")
    await h.send(TEACHER, "posixrules")
    await told(h, TEACHER, "I don't know the time zone posixrules")
    await h.send(TEACHER, "/settings")
    assert "🌍 Time zone: Europe/Berlin" in h.last(TEACHER).button_texts()


async def test_a_student_zone_that_is_not_a_real_place_is_refused(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.student(h, tutor, STUDENT, "Sam")
    await h.send(STUDENT, "/timezone localtime")
    await told(h, STUDENT, "I don't know the time zone localtime")
    await h.send(STUDENT, "/timezone Factory")
    await told(h, STUDENT, "I don't know the time zone Factory")
    async with h.app.deps.uow() as uow:
        account = await uow.accounts.get(STUDENT)
    assert account is not None and account.timezone is None


async def test_a_zone_answer_whose_name_is_gone_asks_for_the_name_again(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    from handlers.teacher_onboarding import TeachForm

    h = harness
    h.user(TEACHER, "Smith")
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, "Ms Smith")
    key = StorageKey(bot_id=h.app.bot.id, chat_id=TEACHER, user_id=TEACHER)
    state = FSMContext(storage=h.app.dispatcher.fsm.storage, key=key)
    assert await state.get_state() == TeachForm.zone.state
    await state.set_data({})  # what a /teach sent meanwhile leaves behind
    caplog.set_level(logging.ERROR)
    await h.send(TEACHER, "Europe/Berlin")
    assert "What name should your students see" in h.last(TEACHER).content
    await h.send(TEACHER, "Ms Smith")
    await h.send(TEACHER, "Europe/Berlin")
    assert "registered as Ms Smith, time zone Europe/Berlin" in h.last(TEACHER).content
    await _quiet(h, caplog)
