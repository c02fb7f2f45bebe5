"""What the property-based fuzzers of both sides share: hostile input, run length, crash checks.

`LESSONLINK_FUZZ_EXAMPLES` sets how many examples each fuzzer runs (every example sends
one to five updates); without it the runs stay short enough for CI. Each fuzz test
prints the number of updates it sent and how they ended, so a long run can be reported.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass, field

import pytest
from aiogram.types import Update
from hypothesis import strategies as st

from sandbox.world import ChatMessage
from tests.steps import student_steps as steps
from tests.steps.harness import Harness

EXAMPLES_ENV = "LESSONLINK_FUZZ_EXAMPLES"


def examples(default: int) -> int:
    """How many examples a fuzzer runs: LESSONLINK_FUZZ_EXAMPLES, or its CI default."""
    raw = os.environ.get(EXAMPLES_ENV, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise pytest.UsageError(f"{EXAMPLES_ENV} must be a positive whole number, not {raw!r}")
    return int(raw)


# --- hostile input ---------------------------------------------------------------------------

NON_ASCII_DIGITS = [
    "➅",
    "²",
    "٣",
    "١٢",
    "٠٨:٠٠",
    "𝟔𝟎",
    "①",
    "x²",
    "x٣",
    "١٠:٠٠-١٢:٠٠",
    "➅:00-08:00",
]
EXTREME_DATES = [
    "9999-12-31",
    "0001-01-01",
    "9999-12-30..9999-12-31",
    "0001-01-01..0001-01-02",
    "2026-12-30..9999-12-31",
    "9999-12-31..0001-01-01",
    "2026-02-30",
    "2026-W49-6",
    "20261205",
]
BAD_HOURS = ["18:00-08:00", "10:00-10:00", "25:00-26:00", "10:00-", "10-12", "22:00-00:00"]
CONTROL = ["\x00", "\x1b[31m", "\x07", "\x7f", "\x85", "\u2028", "\r\n", "\t"]
ZONES = ["localtime", "Factory", "posixrules", "../", "UTC/../..", "Europe/Berlin", "utc"]

# Mostly printable, so most texts get past the control-character guard to the parsers.
printable = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))
hostile_word = st.one_of(
    st.sampled_from(NON_ASCII_DIGITS + EXTREME_DATES + BAD_HOURS + CONTROL + ZONES),
    st.builds(
        lambda a, c, b: a + c + b,
        st.text(printable, max_size=4),
        st.sampled_from(CONTROL),
        st.text(printable, max_size=4),
    ),
)
# Texts at and around Telegram's 4096-character limit, made of what a reply might repeat.


def _telegram_sized(text: str) -> str:
    """Cut to the 4096 UTF-16 code units a Telegram message may hold."""
    while len(text.encode("utf-16-le")) > 2 * 4096:
        text = text[: -max(1, (len(text.encode("utf-16-le")) // 2 - 4096) // 2)]
    return text


huge_text = st.builds(
    lambda prefix, unit, size: _telegram_sized(prefix + unit * size),
    st.sampled_from(
        [
            "",
            "/addslots mon ",
            "/addslots ",
            "/block ",
            "/timezone ",
            "/link ",
            "/addstudent ",
            "/stats ",
            "/start ",
        ]
    ),
    st.sampled_from(["9", "<", "&", "\x00", "➅", "é", "a b ", "🙂"]),
    st.integers(min_value=3990, max_value=4096),
)
plain_text = st.text(printable, min_size=1, max_size=200)
typed_text = st.one_of(
    plain_text,
    plain_text,
    st.text(min_size=1, max_size=50),
    hostile_word,
    huge_text,
    st.lists(st.one_of(hostile_word, plain_text), min_size=1, max_size=4).map(" ".join),
)
# Numbers for callback data: real-looking, huge, and everything str.isdigit() accepts.
callback_number = st.one_of(
    st.integers(min_value=-3, max_value=12).map(str),  # real ids are small in a fresh database
    st.sampled_from(["2147483647", "2147483648", str(2**63), str(10**12), str(-(10**12))]),
    st.sampled_from(
        [
            *NON_ASCII_DIGITS,
            "+3",
            " 3",
            "3_0",
            "3.0",
            "1_000_000_000_000",
            "0x1",
            "1e3",
            "",
            "-0",
            "00000000001",
            "\x00",
        ]
    ),
)


# --- counting updates and crashes -----------------------------------------------------------


@dataclass
class Tally:
    """Every update the bot handled during a fuzz run, by outcome."""

    outcomes: Counter[str] = field(default_factory=Counter)

    def __call__(self, update: Update, outcome: str, seconds: float) -> None:
        """Tracker listener: count one handled update."""
        self.outcomes[outcome] += 1

    @property
    def updates(self) -> int:
        """How many updates were handled."""
        return sum(self.outcomes.values())

    def crashes(self) -> dict[str, int]:
        """Outcomes the error handler gave to unexpected failures (not refusals)."""
        return {k: n for k, n in self.outcomes.items() if k.startswith(("error:", "unhandled"))}


async def check_no_crash(h: Harness, caplog: pytest.LogCaptureFixture, tally: Tally) -> None:
    """After an example: every update finished, nothing unhandled logged, no crash outcome."""
    await steps.settle(h)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors
    assert not tally.crashes(), tally.crashes()


def recent(h: Harness, user_id: int, count: int = 30) -> list[ChatMessage]:
    """The bot's newest messages in a chat, read in place.

    Harness.chat copies the whole chat on every call; a fuzz run of thousands of updates
    would spend its time copying, so this reads only the tail.
    """
    found: list[ChatMessage] = []
    for record in reversed(h.server.world.chats.get(user_id, [])):
        if record.view.from_bot:
            found.append(record.view)
            if len(found) == count:
                break
    return found[::-1]


def shown_callbacks(h: Harness, user_id: int) -> list[str]:
    """The callback data of the buttons on the bot's recent messages to this user."""
    return [
        b.callback_data
        for m in recent(h, user_id)
        for row in m.buttons
        for b in row
        if b.callback_data
    ]


def last_message_id(h: Harness, user_id: int) -> int:
    """The id of the bot's newest message to this user."""
    [last] = recent(h, user_id, 1)
    return last.message_id
