"""Random buttons and commands from a teacher never crash the bot (property-based).

LESSONLINK_FUZZ_EXAMPLES makes the run longer (see tests/steps/fuzz_steps.py).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.handlers.conftest import Harness
from tests.steps.fuzz_steps import (
    Tally,
    callback_number,
    check_no_crash,
    examples,
    hostile_word,
    huge_text,
    last_message_id,
    printable,
    recent,
    shown_callbacks,
    typed_text,
)
from tests.steps.teacher_steps import enroll, register
from views import calendar_callbacks, callbacks

TEACHER = 9500
# Every callback class of the codec, so a new one is fuzzed too.
CODEC = [
    cls
    for module in (callbacks, calendar_callbacks)
    for cls in vars(module).values()
    if isinstance(cls, type) and issubclass(cls, CallbackData) and cls is not CallbackData
]
CODES = [
    "e",
    "u",
    "x",
    "y",
    "m",
    "i",
    "rm",
    "ok",
    "no",
    "ask",
    "now",
    "qr",
    "regen",
    "revoke",
    "limits",
    "card",
    "link",
    "send",
    "archive",
    "archive_ok",
    "rename",
    "tz",
    "len",
    "remind",
    "agenda",
    "notify",
    "h",
    "w",
    "book",
    "mine",
    "home",
    "teachers",
    "en",
    "ru",
]
codes = st.one_of(
    st.sampled_from(CODES), st.text(alphabet="abcxyz019_-", max_size=6), st.text(max_size=4)
)


def _fields(cls: type[CallbackData]) -> st.SearchStrategy[str]:
    parts = [callback_number if f.annotation is int else codes for f in cls.model_fields.values()]
    return st.tuples(*parts).map(lambda vals: ":".join([cls.__prefix__, *map(str, vals)])[:64])


callback = st.one_of(*(_fields(cls) for cls in CODEC))
COMMANDS = [
    "/addslots",
    "/addstudent",
    "/availability",
    "/block",
    "/export",
    "/help",
    "/language",
    "/link",
    "/ops",
    "/schedule",
    "/settings",
    "/stats",
    "/students",
    "/teach",
    "/timezone",
    "/start",
    "/book",
    "/mybookings",
    "/unblock",
]

words = st.one_of(
    st.sampled_from(
        [
            "mon",
            "sun",
            "2026-12-05",
            "10:00-14:00",
            "10:00Z-12:00",
            "22:00-00:00",
            "60",
            "x3",
            "x0",
            "Math",
            "Anna",
            "2026-02-30",
            "..",
            "99:99-10:00",
            "2026-11-25",
            "2026-11-24..2026-11-26",
            "dentist",
        ]
    ),
    hostile_word,
    st.text(printable, max_size=12),
)
command = st.one_of(
    st.builds(
        lambda c, args: " ".join([c, *args])[:300],
        st.sampled_from(COMMANDS),
        st.lists(words, max_size=5),
    ),
    huge_text,
)


# A fuzz action: mutate a shown button (pick, field, value), press forged data, or type.
Action = tuple[str, Any]
action = st.one_of(
    st.tuples(
        st.just("mutate"),
        st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.one_of(callback_number, codes)),
    ),
    st.tuples(
        st.just("mutate"),
        st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.one_of(callback_number, codes)),
    ),
    st.tuples(st.just("codec"), callback),
    st.tuples(st.just("text"), command),
    st.tuples(st.just("text"), typed_text),
)


@settings(
    max_examples=examples(120),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(action, min_size=1, max_size=5))
async def test_random_teacher_input_never_crashes_the_bot(
    harness: Harness, tally: Tally, caplog: pytest.LogCaptureFixture, actions: list[Action]
) -> None:
    h = harness
    if not recent(h, TEACHER, 1):
        await register(h, TEACHER)
        await h.send(TEACHER, "/addslots wed 10:00-14:00 60 Math")
        await enroll(h, TEACHER, "Anna")
        await h.press(TEACHER, "⚙️ Expiry and uses")
    caplog.set_level(logging.ERROR)
    caplog.clear()
    for kind, value in actions:
        if kind == "text":
            await h.send(TEACHER, value)
            continue
        data = value
        shown = shown_callbacks(h, TEACHER)
        if kind == "mutate":  # a real button with one field changed: the likeliest forgery
            # Fixed-range draws mapped onto what is on screen now (which changes as we go).
            pick, at, replacement = value
            parts = shown[pick % len(shown)].split(":") if shown else ["win", "rm", "1"]
            if len(parts) > 1:
                parts[1 + at % (len(parts) - 1)] = replacement
            data = ":".join(parts)[:64]
        await h.press_data(TEACHER, last_message_id(h, TEACHER), data)
    await check_no_crash(h, caplog, tally)
    last = [m.content for m in recent(h, TEACHER, 5)]
    assert not any("Something went wrong" in text for text in last), last
