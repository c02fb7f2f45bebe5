"""Forged, replayed and random input: refused neutrally, audited, nothing changed or crashed.

LESSONLINK_FUZZ_EXAMPLES makes the random run longer (see tests/steps/fuzz_steps.py).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.model import BookingStatus
from bot.services.student_calendar_model import Cursor
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps
from tests.steps.fuzz_steps import (
    Tally,
    callback_number,
    check_no_crash,
    examples,
    hostile_word,
    last_message_id,
    printable,
    recent,
    shown_callbacks,
    typed_text,
)
from views.calendar_callbacks import ConfirmCb, SlotCb, WeekCb, cursor_fields
from views.callbacks import HomeAction, LessonAction, MyLessonCb, StudentHomeCb

ANA, BEN = 841, 842
NEUTRAL = "That is not available any more."
WED_10_UTC = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
# A fuzz action: press forged data, mutate a shown button (pick, field, value), or type.
Action = tuple[str, Any]


async def _scene(h: Harness) -> tuple[int, int, int, int]:
    """Ana holds a lesson; Ben is another student; another teacher has a slot of their own."""
    tutor = await steps.teacher(h)
    other = await steps.teacher(h, telegram_id=7100)
    await steps.slots(h, tutor, WED_10_UTC, count=1)
    [foreign_slot] = await steps.slots(h, other, WED_10_UTC)
    ana = await steps.student(h, tutor, ANA, "Ana")
    ben = await steps.student(h, tutor, BEN, "Ben")
    await h.send(ANA, "/start")
    await h.press(ANA, "📝 Book a lesson")
    await h.press(ANA, "Wed, 25 Nov · 1 free")
    await h.press(ANA, "🟢 11:00–12:00 Math")
    await h.press(ANA, "✅ Confirm")
    [(booking, _)] = await steps.bookings_of(h, ana)
    await h.send(BEN, "/start")
    return ana, ben, booking.id, foreign_slot.id


def _lesson(action: LessonAction, booking_id: int) -> MyLessonCb:
    return MyLessonCb(action=action, booking_id=booking_id)


def _as(student_id: int, moving: int = 0) -> dict[str, Any]:
    """A calendar button's fields for a student record (and a booking being moved)."""
    return cursor_fields(Cursor(student_id, moving=moving))


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda a, b, bk, fs: _lesson(LessonAction.CANCEL, bk), id="cancel-anothers"),
        pytest.param(lambda a, b, bk, fs: _lesson(LessonAction.MOVE, bk), id="move-anothers"),
        pytest.param(
            lambda a, b, bk, fs: _lesson(LessonAction.CALENDAR_FILE, bk), id="ics-anothers"
        ),
        pytest.param(lambda a, b, bk, fs: ConfirmCb(**_as(b), slot_id=fs), id="foreign-slot"),
        pytest.param(
            lambda a, b, bk, fs: ConfirmCb(**_as(b, moving=bk), slot_id=1), id="move-into"
        ),
        pytest.param(lambda a, b, bk, fs: SlotCb(**_as(b), slot_id=987654), id="made-up-slot"),
        pytest.param(lambda a, b, bk, fs: _lesson(LessonAction.CANCEL, 555), id="made-up-booking"),
        pytest.param(lambda a, b, bk, fs: WeekCb.at(Cursor(a)), id="anothers-record"),
        pytest.param(
            lambda a, b, bk, fs: StudentHomeCb(action=HomeAction.MINE, student_id=a),
            id="anothers-list",
        ),
    ],
)
async def test_forged_ids_are_refused_neutrally_and_audited(harness: Harness, forge) -> None:  # type: ignore[no-untyped-def]
    h = harness
    ana, ben, booking_id, foreign_slot = await _scene(h)
    before = await steps.bookings_of(h, ana), await steps.bookings_of(h, ben)
    refusals = await steps.refusals_of(h, BEN)
    data = forge(ana, ben, booking_id, foreign_slot).pack()
    screen = h.last(BEN)
    answer = await h.press_data(BEN, screen.message_id, data)
    # Refused as the press's one answer: nothing of Ana's shows, the chat is unchanged.
    assert answer is not None and answer.text == NEUTRAL
    assert h.last(BEN) == screen
    # What the bot said to Ben (his own /start carries a random token that may spell "Ana").
    assert "Ana" not in "".join(m.content for m in h.chat(BEN) if m.from_bot)
    assert (await steps.bookings_of(h, ana), await steps.bookings_of(h, ben)) == before
    assert before[0][0][0].status == BookingStatus.CONFIRMED
    assert await steps.refusals_of(h, BEN) == refusals + 1


@pytest.mark.parametrize("data", ["cc:1:x:0:0:0", "ml:y", "\x00\xff\x01", "sh:book:99:9", "zz"])
async def test_malformed_callback_data_is_refused_and_audited(harness: Harness, data: str) -> None:
    h = harness
    ana, _, _, _ = await _scene(h)
    before = await steps.bookings_of(h, ana)
    update = h.server.press_forged(ANA, h.last(ANA).message_id, data)
    await h.app.tracker.wait_handled(update)
    await steps.settle(h)
    answer = h.server.callback_answer_for(update)
    assert answer is not None and "no longer valid" in (answer.text or "")
    assert await steps.bookings_of(h, ana) == before
    assert await steps.refusals_of(h, ANA) == 1


PREFIXES = ["sh", "sz", "cw", "cm", "cd", "co", "cb", "ml", "tz", "stu", "lnk", "lang", ""]
field = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    callback_number,
    st.sampled_from(["book", "mine", "tz", "help", "home", "teachers", "x", "y", "m", "i"]),
    st.text(max_size=8),
)
callback = st.one_of(
    st.builds(
        lambda p, f: ":".join([p, *f])[:64], st.sampled_from(PREFIXES), st.lists(field, max_size=6)
    ),
    st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
)
STUDENT_COMMANDS = ["/start", "/book", "/mybookings", "/timezone", "/language", "/help", "/teach"]
command = st.builds(
    lambda c, args: " ".join([c, *args]),
    st.sampled_from(STUDENT_COMMANDS),
    st.lists(st.one_of(hostile_word, st.text(printable, max_size=12)), max_size=3),
)
action = st.one_of(
    st.tuples(st.just("press"), callback),
    st.tuples(
        st.just("mutate"),
        st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.one_of(callback_number, field)),
    ),
    st.tuples(st.just("text"), st.one_of(typed_text, command)),
)


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(action, min_size=1, max_size=4))
async def test_random_buttons_and_text_never_crash_the_bot(
    harness: Harness, tally: Tally, caplog: pytest.LogCaptureFixture, actions: list[Action]
) -> None:
    h = harness
    if not recent(h, ANA, 1):
        await _scene(h)
    caplog.set_level(logging.ERROR)
    caplog.clear()
    for kind, value in actions:
        if kind == "text":
            await h.send(ANA, value)
            continue
        data = value
        if kind == "mutate":  # a real button of Ana's with one field changed
            pick, at, replacement = value
            shown = shown_callbacks(h, ANA)
            parts = shown[pick % len(shown)].split(":") if shown else ["sh", "book", "1"]
            parts[1 + at % (len(parts) - 1) if len(parts) > 1 else 0] = replacement
            data = ":".join(parts)[:64]
        await h.press_data(ANA, last_message_id(h, ANA), data)
    await check_no_crash(h, caplog, tally)
