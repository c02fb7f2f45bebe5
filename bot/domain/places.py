"""Where a lesson takes place: a meeting link (https only) or an address, and which one wins.

A teacher sets a default place, may set another for a set of hours, and another for one
lesson; the most specific one wins (`effective`). Typed places are read by `parse_place`,
the one place that decides what may be stored, so every screen can trust a stored value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from bot.domain.errors import InvalidInput
from bot.domain.typed import has_control_characters

MAX_PLACE = 300  # a long meeting link with its passcode fits; an essay does not
CLEAR_WORDS = frozenset({"off", "none", "no", "-", "clear", "default"})
# What reads as "scheme:" at the start of typed text. "Room 5: first floor" does not (a space
# comes before the colon); "Office:3" does, so only a scheme followed by // or one of these
# well-known schemes makes the text a link rather than an address.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_LINK_SCHEMES = frozenset(
    {"http", "https", "javascript", "vbscript", "data", "file", "ftp", "blob", "about", "webcal"}
)
_HOST = re.compile(r"^[A-Za-z0-9\-.\u00a1-\uffff]+\.[A-Za-z0-9\-\u00a1-\uffff]{2,}$")


class PlaceLevel:
    """Where a lesson's place comes from, most specific first (names for the audit trail)."""

    LESSON = "lesson"
    HOURS = "hours"
    DEFAULT = "default"


@dataclass(frozen=True)
class PlaceChoice:
    """One level's place and when it was last changed."""

    place: str
    changed_at: datetime


@dataclass(frozen=True)
class Candidates:
    """The places that could apply to one lesson, each level's own (None: not set there)."""

    lesson: PlaceChoice | None = None
    hours: PlaceChoice | None = None
    default: PlaceChoice | None = None


def effective(candidates: Candidates) -> PlaceChoice | None:
    """The lesson's place: its own, else its hours', else the teacher's default."""
    return candidates.lesson or candidates.hours or candidates.default


def is_link(place: str) -> bool:
    """Whether a stored place is a meeting link (only checked https links are ever stored)."""
    return place.startswith("https://")


def parse_place(text: str) -> str | None:
    """A typed place: an https link or a one-line address; None for 'off' (clear it).

    Refused with InvalidInput: another scheme (http, javascript, ...) as `place_scheme`, a
    link that is not a usable https address as `place_link`, anything empty, too long or with
    control characters as `place`.
    """
    typed = text.strip()
    if typed.lower() in CLEAR_WORDS:
        return None
    if not typed or has_control_characters(typed):
        raise InvalidInput("place", typed[:MAX_PLACE])
    if typed.lower().startswith("www.") and not any(ch.isspace() for ch in typed):
        typed = "https://" + typed  # what people paste from a browser's address bar
    found = _SCHEME.match(typed)
    if found and (typed[found.end() :].startswith("//") or found.group(1).lower() in _LINK_SCHEMES):
        return _link(typed, found.group(1).lower())
    place = " ".join(typed.split())  # an address on one line, whatever was pasted
    if len(place) > MAX_PLACE:
        raise InvalidInput("place", place[:MAX_PLACE])
    return place


def _link(typed: str, scheme: str) -> str:
    """An https link as typed, if it is one a student can safely open."""
    if scheme != "https":
        raise InvalidInput("place_scheme", scheme)
    if len(typed) > MAX_PLACE or any(ch.isspace() for ch in typed):
        raise InvalidInput("place_link", typed[:MAX_PLACE])
    try:
        parts = urlsplit(typed)
        host = parts.hostname or ""
        port = parts.port  # reading it checks it: a port that is not a number raises
    except ValueError:
        raise InvalidInput("place_link", typed) from None
    # user:password@ before the host makes a link look like another site's: refused.
    if "@" in parts.netloc or not _HOST.match(host) or port == 0:
        raise InvalidInput("place_link", typed)
    return "https" + typed[len(scheme) :]  # HTTPS:// stored as https://, which is_link knows
