"""Reading a time zone as a person types it: IANA names, cities, abbreviations, UTC offsets."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.errors import UnknownTimezone
from bot.domain.typed import iana_zones
from bot.domain.zone_names import (
    ABBREVIATIONS,
    fuzzy_pool,
    name_key,
    place_names,
    places,
    rank,
)

MAX_ZONE_NAME = 64
MAX_CHOICES = 5
# "UTC+3", "GMT -5", "+03:00", "UTC+5:30", "+0530", "MSK+1" (Russian habit: Moscow time plus
# hours). The sign is the one people mean: east of Greenwich is plus.
_OFFSET = re.compile(
    r"^(utc|gmt|msk|мск)?\s*([+\-−–])\s*([0-9]{1,2})(?:[:.]?([0-9]{2}))?$", re.IGNORECASE
)
_BASE_MINUTES = {"msk": 180, "мск": 180}
_LOWEST, _HIGHEST = -12 * 60, 14 * 60  # the offsets places on Earth use


@dataclass(frozen=True)
class ZoneReading:
    """What a typed zone means: one zone, or the choices to offer (possibly none).

    `offset` is the UTC offset typed (minutes east), `ambiguous` marks a known name with
    several zones; choices without either are close matches of an unknown name.
    """

    zone: str | None = None
    choices: tuple[str, ...] = ()
    offset: int | None = None
    ambiguous: bool = False


def read_zone(text: str, now: datetime) -> ZoneReading:
    """Read typed text as a zone; offsets are matched against the zones' offsets at `now`."""
    typed = " ".join(text.split())
    if not typed or len(typed) > MAX_ZONE_NAME:  # no zone is that long; spare difflib
        return ZoneReading()
    key = name_key(typed)
    if typed.casefold() in ABBREVIATIONS:
        return _one_or_choices(ABBREVIATIONS[typed.casefold()])
    offset = parse_offset(typed)
    if offset is not None:
        return ZoneReading(choices=zones_at_offset(offset, now), offset=offset)
    if _OFFSET.match(typed):  # an offset no place uses: guessing a name would mislead
        return ZoneReading()
    exact = exact_zone(typed)
    if exact is not None:
        return ZoneReading(zone=exact)
    found = place_names().get(key)
    if found:
        return _one_or_choices(found)
    return ZoneReading(choices=close_matches(key))


def resolve_timezone(name: str, now: datetime) -> str:
    """The one zone a person meant, or UnknownTimezone carrying the choices to offer."""
    reading = read_zone(name, now)
    if reading.zone is None:
        raise UnknownTimezone(
            name.strip(), list(reading.choices), reading.offset, reading.ambiguous
        )
    return reading.zone


def exact_zone(name: str) -> str | None:
    """A real IANA zone spelt in any case (spaces for underscores), else None."""
    found = iana_zones().get(name.strip().replace(" ", "_").lower())
    if found is None:
        return None
    try:
        ZoneInfo(found)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return found


def parse_offset(text: str) -> int | None:
    """A UTC offset in minutes as the person meant its sign ('GMT+3' -> 180), else None."""
    match = _OFFSET.match(text.strip())
    if match is None:
        return None
    base, sign, hours, minutes = match.groups()
    if int(minutes or 0) >= 60:
        return None
    value = int(hours) * 60 + int(minutes or 0)
    total = _BASE_MINUTES.get((base or "").lower(), 0) + (-value if sign != "+" else value)
    return total if _LOWEST <= total <= _HIGHEST else None


def fixed_zone(minutes: int) -> str | None:
    """The Etc zone of a whole-hour offset: its sign is inverted (UTC+3 is Etc/GMT-3)."""
    if minutes == 0:
        return "UTC"
    if minutes % 60:
        return None  # Etc has no half hours
    name = f"Etc/GMT{-minutes // 60:+d}"
    return name if name in iana_zones().values() else None


def zones_at_offset(minutes: int, now: datetime) -> tuple[str, ...]:
    """The fixed zone of that offset, then places at that offset now, best known first."""
    here = [z for z in places() if offset_minutes(z, now) == minutes and z != "UTC"]
    fixed = fixed_zone(minutes)
    first = [fixed] if fixed else []
    return tuple(first + here[: MAX_CHOICES - len(first)])


def close_matches(key: str) -> tuple[str, ...]:
    """Up to five zones whose names (in English or Russian) are close to the typed key."""
    pool = fuzzy_pool()
    found: list[str] = []
    for name in difflib.get_close_matches(key, pool.keys(), n=MAX_CHOICES * 2, cutoff=0.6):
        found += [z for z in pool[name] if z not in found]
    return tuple(found[:MAX_CHOICES])


def offset_minutes(zone: str, now: datetime) -> int:
    """The zone's offset from UTC at `now`, in minutes."""
    delta = now.astimezone(ZoneInfo(zone)).utcoffset() or timedelta()
    return int(delta.total_seconds()) // 60


def offset_label(minutes: int) -> str:
    """'UTC+3', 'UTC-5', 'UTC+5:30', 'UTC' for an offset in minutes."""
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone: str) -> str:
    """How a zone is shown: Etc/GMT-3 as 'UTC+3' (its real sign), any other by its name."""
    match = re.fullmatch(r"(?:Etc/)?GMT([+-][0-9]{1,2})", zone)
    if match is not None:
        return offset_label(-int(match.group(1)) * 60)
    if zone in ("Etc/UTC", "Etc/GMT", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "GMT"):
        return "UTC"
    return zone


@dataclass(frozen=True)
class ZoneNow:
    """A zone as a card shows it: its label, the local time now and the offset now."""

    label: str
    local: datetime
    offset: str


def zone_now(zone: str, now: datetime) -> ZoneNow:
    """The zone's label, local time and offset at `now`, so a wrong pick is visible."""
    return ZoneNow(
        zone_label(zone), now.astimezone(ZoneInfo(zone)), offset_label(offset_minutes(zone, now))
    )


def _one_or_choices(zones: tuple[str, ...]) -> ZoneReading:
    ranked = tuple(rank(zones))
    if len(ranked) == 1:
        return ZoneReading(zone=ranked[0])
    return ZoneReading(choices=ranked[:MAX_CHOICES], ambiguous=True)
