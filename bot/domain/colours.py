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


# The palette's hues for screens that draw colour (the Mini App, charts): a name and an RGB
# per emoji, in COLOURS order. Squares and hearts share their circle's hue, a shade apart,
# so two students never share an exact colour below the palette's size.
_HUES = (
    ("red", ("#e53935", "#b71c1c", "#ef9a9a")),
    ("orange", ("#fb8c00", "#e65100", "#ffcc80")),
    ("yellow", ("#fdd835", "#f9a825", "#fff59d")),
    ("green", ("#43a047", "#1b5e20", "#a5d6a7")),
    ("blue", ("#1e88e5", "#0d47a1", "#90caf9")),
    ("purple", ("#8e24aa", "#4a148c", "#ce93d8")),
    ("brown", ("#6d4c41", "#3e2723", "#bcaaa4")),
    ("black", ("#212121", "#000000", "#757575")),
)


def colour_name(index: int) -> str:
    """The hue's English name for a colour index (a CSS-like word, not shown to people)."""
    return _HUES[index % len(_HUES)][0]


def colour_hex(index: int) -> str:
    """An RGB colour (#rrggbb) for a colour index, matching its emoji's hue."""
    shade = (index // len(_HUES)) % 3
    return _HUES[index % len(_HUES)][1][shade]
