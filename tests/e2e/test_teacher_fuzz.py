"""Random buttons and commands from a teacher never crash the bot (property-based)."""

from __future__ import annotations

import logging

import pytest
from aiogram.filters.callback_data import CallbackData
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers import callbacks
from tests.e2e import student_steps as steps
from tests.e2e.conftest import Harness
from tests.e2e.teacher_steps import enroll, register

TEACHER = 9500
# Every callback class of the codec, so a new one is fuzzed too.
CODEC = [
    cls
    for cls in vars(callbacks).values()
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
numbers = st.one_of(
    st.integers(min_value=-3, max_value=12),  # real ids are small in a fresh database
    st.sampled_from([2**31, 2**63, 10**12, -(10**12)]),
)
codes = st.one_of(st.sampled_from(CODES), st.text(alphabet="abcxyz019_-", max_size=6))


def _fields(cls: type[CallbackData]) -> st.SearchStrategy[str]:
    parts = [numbers if f.annotation is int else codes for f in cls.model_fields.values()]
    return st.tuples(*parts).map(lambda vals: ":".join([cls.__prefix__, *map(str, vals)])[:64])


callback = st.one_of(*(_fields(cls) for cls in CODEC))
COMMANDS = [
    "/addslots", "/addstudent", "/availability", "/block", "/export", "/help", "/language",
    "/link", "/ops", "/schedule", "/settings", "/stats", "/students", "/teach", "/timezone",
]  # fmt: skip

words = st.one_of(
    st.sampled_from(["mon", "sun", "2026-12-05", "10:00-14:00", "10:00Z-12:00", "22:00-00:00",
                     "60", "x3", "x0", "Math", "Anna", "2026-02-30", "..", "99:99-10:00"]),
    st.text(max_size=12),
)  # fmt: skip
command = st.builds(
    lambda c, args: " ".join([c, *args])[:300], st.sampled_from(COMMANDS),
    st.lists(words, max_size=5),
)  # fmt: skip

plain_text = st.text(min_size=1, max_size=200)


def _shown_callbacks(h: Harness) -> list[str]:
    """The callback data of every button the teacher has been shown."""
    return [
        b.callback_data
        for m in h.server.bot_messages(TEACHER)
        for row in m.buttons
        for b in row
        if b.callback_data
    ]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_random_teacher_input_never_crashes_the_bot(
    harness: Harness, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    h = harness
    if not h.server.bot_messages(TEACHER):
        await register(h, TEACHER)
        await h.send(TEACHER, "/addslots wed 10:00-14:00 60 Math")
        await enroll(h, TEACHER, "Anna")
        await h.press(TEACHER, "⚙️ Expiry and uses")
    caplog.set_level(logging.ERROR)
    caplog.clear()
    for _ in range(data.draw(st.integers(min_value=1, max_value=5))):
        kind = data.draw(st.sampled_from(["mutate", "mutate", "codec", "command", "text"]))
        if kind == "mutate":  # a real button with one field changed: the likeliest forgery
            # Fixed-range draws mapped onto what is on screen now (which changes as we go).
            shown = _shown_callbacks(h)
            parts = shown[data.draw(st.integers(0, 10_000)) % len(shown)].split(":")
            if len(parts) > 1:
                at = 1 + data.draw(st.integers(0, 8)) % (len(parts) - 1)
                parts[at] = data.draw(st.one_of(numbers.map(str), codes))
            await h.press_data(TEACHER, h.last(TEACHER).message_id, ":".join(parts)[:64])
        elif kind == "codec":
            await h.press_data(TEACHER, h.last(TEACHER).message_id, data.draw(callback))
        else:
            await h.send(TEACHER, data.draw(command if kind == "command" else plain_text))
    await steps.settle(h)
    crashes = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not crashes, [r.getMessage() for r in crashes]
    shown = [m.content for m in h.server.bot_messages(TEACHER)[-5:]]
    assert not any("Something went wrong" in text for text in shown), shown
