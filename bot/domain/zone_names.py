"""The names people use for time zones: abbreviations, cities and countries (en, ru), ranked."""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from bot.domain.typed import iana_zones

# Abbreviations as people use them, not as the tz database spells its legacy zones: the
# IANA zone "MST" is Arizona-like fixed UTC-7 and "EST" never has summer time, while a person
# typing them means Denver or New York. Ambiguous ones (IST, CST, ...) take the meaning the
# issue asks for; each abbreviation maps to exactly the zones listed, and none is ever a
# fuzzy guess (so "MSK" can never turn into "MST").
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "utc": ("UTC",),
    "gmt": ("UTC",),
    "z": ("UTC",),
    "zulu": ("UTC",),
    "wet": ("Europe/Lisbon",),
    "west": ("Europe/Lisbon",),
    "bst": ("Europe/London",),
    "cet": ("Europe/Berlin",),
    "cest": ("Europe/Berlin",),
    "met": ("Europe/Berlin",),
    "mest": ("Europe/Berlin",),
    "eet": ("Europe/Kyiv", "Europe/Helsinki", "Europe/Athens", "Europe/Bucharest"),
    "eest": ("Europe/Kyiv", "Europe/Helsinki", "Europe/Athens", "Europe/Bucharest"),
    "msk": ("Europe/Moscow",),
    "мск": ("Europe/Moscow",),
    "msd": ("Europe/Moscow",),
    "samt": ("Europe/Samara",),
    "yekt": ("Asia/Yekaterinburg",),
    "omst": ("Asia/Omsk",),
    "novt": ("Asia/Novosibirsk",),
    "krat": ("Asia/Krasnoyarsk",),
    "irkt": ("Asia/Irkutsk",),
    "yakt": ("Asia/Yakutsk",),
    "vlat": ("Asia/Vladivostok",),
    "magt": ("Asia/Magadan",),
    "pett": ("Asia/Kamchatka",),
    "trt": ("Europe/Istanbul",),
    "gst": ("Asia/Dubai",),
    "pkt": ("Asia/Karachi",),
    "ist": ("Asia/Kolkata",),
    "sgt": ("Asia/Singapore",),
    "hkt": ("Asia/Hong_Kong",),
    "jst": ("Asia/Tokyo",),
    "kst": ("Asia/Seoul",),
    "awst": ("Australia/Perth",),
    "acst": ("Australia/Adelaide",),
    "acdt": ("Australia/Adelaide",),
    "aest": ("Australia/Sydney",),
    "aedt": ("Australia/Sydney",),
    "nzst": ("Pacific/Auckland",),
    "nzdt": ("Pacific/Auckland",),
    "hst": ("Pacific/Honolulu",),
    "akst": ("America/Anchorage",),
    "akdt": ("America/Anchorage",),
    "pst": ("America/Los_Angeles",),
    "pdt": ("America/Los_Angeles",),
    "pt": ("America/Los_Angeles",),
    "mst": ("America/Denver",),
    "mdt": ("America/Denver",),
    "mt": ("America/Denver",),
    "cst": ("America/Chicago",),
    "cdt": ("America/Chicago",),
    "ct": ("America/Chicago",),
    "est": ("America/New_York",),
    "edt": ("America/New_York",),
    "et": ("America/New_York",),
    "ast": ("America/Halifax",),
    "adt": ("America/Halifax",),
    "nst": ("America/St_Johns",),
    "ndt": ("America/St_Johns",),
    "brt": ("America/Sao_Paulo",),
    "art": ("America/Argentina/Buenos_Aires",),
}

# Well-known places first when several zones fit (an offset, a country, a typo): the order in
# which suggestions are offered. Zones not listed follow in alphabetical order.
WELL_KNOWN = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Moscow",
    "Europe/Kyiv",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Dubai",
    "Australia/Sydney",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Warsaw",
    "Europe/Helsinki",
    "Europe/Athens",
    "Europe/Istanbul",
    "Europe/Minsk",
    "Europe/Samara",
    "Asia/Tbilisi",
    "Asia/Yerevan",
    "Asia/Baku",
    "Asia/Yekaterinburg",
    "Asia/Tashkent",
    "Asia/Karachi",
    "Asia/Almaty",
    "Asia/Omsk",
    "Asia/Dhaka",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Irkutsk",
    "Asia/Seoul",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "Pacific/Auckland",
    "Pacific/Fiji",
    "Pacific/Tongatapu",
    "Pacific/Kiritimati",
    "Asia/Kathmandu",
    "Asia/Tehran",
    "Asia/Kabul",
    "Asia/Colombo",
    "Asia/Yangon",
    "Australia/Adelaide",
    "Australia/Darwin",
    "Australia/Brisbane",
    "Australia/Perth",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Jerusalem",
    "Asia/Riyadh",
    "Atlantic/Azores",
    "Atlantic/Cape_Verde",
    "America/Noronha",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/St_Johns",
    "America/Halifax",
    "America/Caracas",
    "America/Toronto",
    "America/Mexico_City",
    "America/Phoenix",
    "America/Vancouver",
    "America/Anchorage",
    "Pacific/Honolulu",
    "Pacific/Pago_Pago",
    "Pacific/Marquesas",
    "Pacific/Chatham",
    "Australia/Eucla",
)
_RANK = {zone: i for i, zone in enumerate(WELL_KNOWN)}
REGIONS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
LANGUAGES = ("en", "ru")


def name_key(text: str) -> str:
    """How a typed name is compared: case, accents, ё/й, '-', '_' and extra spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for mark in "_-'’.,()":
        plain = plain.replace(mark, " ")
    return " ".join(plain.split())


def rank(zones: set[str] | list[str] | tuple[str, ...]) -> list[str]:
    """Zones without repeats, well-known ones first, then alphabetical."""
    return sorted(set(zones), key=lambda z: (_RANK.get(z, len(_RANK)), z))


def canonical(zone: str) -> str:
    """The current name of a zone ('Europe/Kiev' -> 'Europe/Kyiv'), if zoneinfo has it."""
    current = get_global("zone_aliases").get(zone, zone)
    return current if current in iana_zones().values() else zone


@cache
def places() -> tuple[str, ...]:
    """The current zones of real places (no Etc, no legacy or backward names), ranked."""
    found = {canonical(z) for z in iana_zones().values() if z.split("/", 1)[0] in REGIONS}
    return tuple(rank({z for z in found if z.split("/", 1)[0] in REGIONS} | {"UTC"}))


@cache
def place_names() -> dict[str, tuple[str, ...]]:
    """Every name key of a place (IANA city, CLDR city and country in en and ru) -> zones."""
    names: dict[str, set[str]] = {}

    def add(name: str, zone: str) -> None:
        key = name_key(name)
        if key:
            names.setdefault(key, set()).add(zone)

    for zone in iana_zones().values():
        if zone.split("/", 1)[0] not in REGIONS:
            continue
        current = canonical(zone)
        add(zone.rsplit("/", 1)[-1], current)  # the IANA city, old spellings too ('Kiev')
        for language in LANGUAGES:
            add(get_timezone_location(zone, locale=language, return_city=True), current)
    for territory, zones in get_global("territory_zones").items():
        known = [canonical(z) for z in zones if z in iana_zones().values()]
        for language in LANGUAGES:
            country = Locale(language).territories.get(territory)
            if country and known:
                for zone in known:
                    add(country, zone)
    return {key: tuple(rank(zones)) for key, zones in names.items()}


@cache
def fuzzy_pool() -> dict[str, tuple[str, ...]]:
    """What close matches are drawn from: place names and full IANA names of places.

    Abbreviations and Etc/GMT±N are left out on purpose: a near miss of "MSK" must not
    become "MST", nor "GMT+3" the inverted Etc/GMT+3.
    """
    pool = dict(place_names())
    for zone in places():
        pool.setdefault(name_key(zone), (zone,))
    return pool
