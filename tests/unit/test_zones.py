"""Time zones as people type them: names, cities in two languages, abbreviations, offsets."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import UnknownTimezone
from bot.domain.zones import (
    fixed_zone,
    parse_offset,
    read_zone,
    resolve_timezone,
    zone_label,
    zone_now,
)

WINTER = datetime(2026, 12, 1, 11, 5, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 11, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("europe/berlin", "Europe/Berlin"),
        ("EUROPE/MOSCOW", "Europe/Moscow"),
        ("Москва", "Europe/Moscow"),
        ("москва", "Europe/Moscow"),
        ("Moscow", "Europe/Moscow"),
        ("Yekaterinburg", "Asia/Yekaterinburg"),
        ("Екатеринбург", "Asia/Yekaterinburg"),
        ("Kyiv", "Europe/Kyiv"),
        ("Kiev", "Europe/Kyiv"),
        ("Киев", "Europe/Kyiv"),
        ("Нью-Йорк", "America/New_York"),
        ("New York", "America/New_York"),
        ("new_york", "America/New_York"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("berlin", "Europe/Berlin"),
        ("  Berlin  ", "Europe/Berlin"),
        ("Новосибирск", "Asia/Novosibirsk"),
    ],
)
def test_names_and_cities_in_english_and_russian_resolve(typed: str, zone: str) -> None:
    assert resolve_timezone(typed, WINTER) == zone


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("MSK", "Europe/Moscow"),
        ("msk", "Europe/Moscow"),
        ("МСК", "Europe/Moscow"),
        ("CET", "Europe/Berlin"),
        ("CEST", "Europe/Berlin"),
        ("GMT", "UTC"),
        ("UTC", "UTC"),
        ("BST", "Europe/London"),
        ("IST", "Asia/Kolkata"),
        ("PST", "America/Los_Angeles"),
        ("PDT", "America/Los_Angeles"),
        ("EST", "America/New_York"),
        ("EDT", "America/New_York"),
        ("CST", "America/Chicago"),
        ("MST", "America/Denver"),
        ("JST", "Asia/Tokyo"),
        ("KST", "Asia/Seoul"),
        ("AEST", "Australia/Sydney"),
        ("AEDT", "Australia/Sydney"),
    ],
)
def test_abbreviations_mean_what_people_mean(typed: str, zone: str) -> None:
    assert resolve_timezone(typed, WINTER) == zone


def test_msk_never_suggests_mst_and_eet_offers_its_places() -> None:
    assert read_zone("MSK", WINTER).zone == "Europe/Moscow"
    eet = read_zone("EET", WINTER)
    assert eet.zone is None and eet.ambiguous and "Europe/Kyiv" in eet.choices
    for typo in ("MSKK", "MKS", "MSC"):
        offered = set(read_zone(typo, WINTER).choices)
        assert not {"MST", "America/Denver", "America/Phoenix"} & offered


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("GMT+3", 180),
        ("UTC+3", 180),
        ("+3", 180),
        ("+03:00", 180),
        ("UTC-5", -300),
        ("UTC+5:30", 330),
        ("+0530", 330),
        ("utc −5", -300),
        ("MSK+1", 240),
        ("UTC+0", 0),
    ],
)
def test_offsets_keep_the_sign_people_mean(typed: str, minutes: int) -> None:
    assert parse_offset(typed) == minutes
    reading = read_zone(typed, WINTER)
    assert reading.zone is None and reading.offset == minutes and reading.choices
    for zone in reading.choices:
        assert WINTER.astimezone(ZoneInfo(zone)).utcoffset().total_seconds() == minutes * 60  # type: ignore[union-attr]


def test_gmt_plus_3_offers_utc_plus_3_and_moscow_never_etc_gmt_plus_3() -> None:
    choices = read_zone("GMT+3", WINTER).choices
    assert choices[0] == "Etc/GMT-3" and zone_label(choices[0]) == "UTC+3"
    assert "Europe/Moscow" in choices and "Etc/GMT+3" not in choices
    with pytest.raises(UnknownTimezone) as caught:
        resolve_timezone("GMT+3", WINTER)
    assert caught.value.offset == 180 and caught.value.suggestions == list(choices)


def test_half_hours_offer_cities_only_and_the_season_counts() -> None:
    assert read_zone("UTC+5:30", WINTER).choices[0] == "Asia/Kolkata"
    assert fixed_zone(330) is None
    assert "Europe/Berlin" in read_zone("UTC+1", WINTER).choices
    assert "Europe/Berlin" in read_zone("UTC+2", SUMMER).choices
    assert "Europe/Berlin" not in read_zone("UTC+2", WINTER).choices


@pytest.mark.parametrize("hours", range(-12, 15))
def test_every_offset_from_minus_12_to_plus_14_has_the_right_sign(hours: int) -> None:
    typed = f"UTC{hours:+d}"
    choices = read_zone(typed, WINTER).choices
    assert choices, typed
    expected = "UTC" if hours == 0 else f"UTC{hours:+d}"
    assert zone_label(choices[0]) == expected
    assert zone_now(choices[0], WINTER).offset == expected
    for zone in choices:
        assert zone_now(zone, WINTER).offset == expected, zone


@pytest.mark.parametrize("typed", ["UTC+15", "UTC-13", "+3:75", "GMT+99"])
def test_offsets_no_place_uses_are_not_offered(typed: str) -> None:
    assert read_zone(typed, WINTER).choices == ()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Europe/Berln", "Europe/Berlin"),
        ("Berlni", "Europe/Berlin"),
        ("Масква", "Europe/Moscow"),
        ("Ekaterinburg", "Asia/Yekaterinburg"),
        ("Екатеринбур", "Asia/Yekaterinburg"),
        ("Nw York", "America/New_York"),
    ],
)
def test_typos_get_up_to_five_close_suggestions(typed: str, expected: str) -> None:
    reading = read_zone(typed, WINTER)
    assert reading.zone is None and not reading.ambiguous and reading.offset is None
    assert expected in reading.choices and 1 <= len(reading.choices) <= 5
    assert not any(z.startswith("Etc/") for z in reading.choices)


@pytest.mark.parametrize("typed", ["localtime", "Factory", "posixrules", "Mars/Olympus", ""])
def test_not_places_stay_refused(typed: str) -> None:
    assert read_zone(typed, WINTER).zone is None


def test_a_country_with_several_zones_offers_its_best_known_first() -> None:
    reading = read_zone("Россия", WINTER)
    assert reading.ambiguous and reading.choices[0] == "Europe/Moscow"


def test_exact_iana_names_stay_as_typed() -> None:
    for name in ("Etc/GMT+5", "Europe/Kiev", "America/Argentina/Salta", "EST5EDT"):
        assert resolve_timezone(name, WINTER) == name


def test_the_card_shows_label_local_time_and_offset() -> None:
    moscow = zone_now("Europe/Moscow", WINTER)
    assert (moscow.label, moscow.local.strftime("%H:%M"), moscow.offset) == (
        "Europe/Moscow",
        "14:05",
        "UTC+3",
    )
    fixed = zone_now("Etc/GMT+5", WINTER)
    assert (fixed.label, fixed.local.strftime("%H:%M"), fixed.offset) == ("UTC-5", "06:05", "UTC-5")
    assert zone_now("Asia/Kolkata", WINTER).offset == "UTC+5:30"
