"""Rules for what people type, shared by every command: numbers, control characters, zones."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from zoneinfo import available_timezones

# str.isdigit() accepts '²', '➅' and Arabic-Indic digits, and int() reads some of those but
# not others: a number we accept is plain ASCII digits, so the check is what is parsed.
_PLAIN_NUMBER = re.compile(r"[0-9]+")
MAX_DIGITS = 9  # fits a 32-bit column, and int() never meets a giant string

# Tab and newline are ordinary typing; every other C0/C1 control, the line and paragraph
# separators and lone surrogates are not, and NUL is refused outright by PostgreSQL text.
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})

# Names the zoneinfo machinery resolves that are not places: the host's own setting, the
# tz database's placeholder zone, and its template for POSIX rules.
NOT_PLACES = frozenset({"localtime", "factory", "posixrules"})


def plain_number(text: str, max_digits: int = MAX_DIGITS) -> int | None:
    """The value of 1..max_digits ASCII digits (no sign, no spaces), else None."""
    if len(text) > max_digits or not _PLAIN_NUMBER.fullmatch(text):
        return None
    return int(text)


def has_control_characters(text: str) -> bool:
    """Whether typed text holds a character no one means to type (NUL, escapes, ...)."""
    return any(
        ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in _REFUSED_CATEGORIES
        for ch in text
    )


@cache
def iana_zones() -> dict[str, str]:
    """Every real IANA zone name, keyed by its lower-case spelling."""
    return {name.lower(): name for name in available_timezones() if name.lower() not in NOT_PLACES}


def is_iana_zone(name: str) -> bool:
    """Whether name is spelt exactly as a real IANA zone (not a path, not 'localtime')."""
    return iana_zones().get(name.lower()) == name
