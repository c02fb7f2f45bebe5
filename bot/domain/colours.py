"""A distinct, stable colour mark per student so a week reads at a glance."""

from __future__ import annotations

COLOURS = (
    "🔴",
    "🟠",
    "🟡",
    "🟢",
    "🔵",
    "🟣",
    "🟤",
    "⚫",
    "🟥",
    "🟧",
    "🟨",
    "🟩",
    "🟦",
    "🟪",
    "🟫",
    "⬛",
    "❤️",
    "🧡",
    "💛",
    "💚",
    "💙",
    "💜",
    "🤎",
    "🖤",
)


def colour_mark(index: int) -> str:
    """The emoji for a colour index; past the palette, two marks combine."""
    n = len(COLOURS)
    if index < n:
        return COLOURS[index]
    return COLOURS[index % n] + COLOURS[(index // n) % n]


def next_colour(used: set[int]) -> int:
    """The lowest colour index not worn by an active student."""
    index = 0
    while index in used:
        index += 1
    return index
