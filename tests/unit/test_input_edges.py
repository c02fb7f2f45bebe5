"""Typed input at the edges: hour ranges, extreme dates, non-ASCII digits, zones, long echoes."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.domain.errors import InvalidInput, UnknownTimezone
from bot.domain.links import LinkLimit
from bot.domain.model import TeacherSettings
from bot.domain.teacher_settings import Setting, apply_setting
from bot.domain.timeslots import block_hours
from bot.domain.typed import has_control_characters, is_iana_zone, plain_number
from bot.domain.windows import block_bounds, parse_block_args, parse_window_args
from bot.domain.zones import resolve_timezone
from handlers.middlewares import forged_number
from handlers.refusal_texts import describe
from views.formatting import shorten
from views.i18n import make_i18n
from views.teacher_callbacks import LinkLimitCb, WindowAction, WindowCb

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    "hours",
    [
        "18:00-08:00",  # end before start: would block the whole day
        "10:00-10:00",  # empty
        "25:00-26:00",
        "10:00-",
        "-12:00",
        "10-12",
        "10:00",
        "10:00Z-12:00",
        "10:00–",
        "9am-11am",
        "➅:00-08:00",
        "١٠:٠٠-١٢:٠٠",  # Arabic-Indic digits: int() reads them, the rule does not
        "10:00-12:00-14:00",
    ],
)
def test_block_hours_that_cannot_be_read_are_refused_not_taken_as_a_reason(hours: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_block_args(f"2026-12-24 {hours} dentist")
    assert (refused.value.what, refused.value.value) == ("hours", hours)


ZONE_NOW = datetime(2026, 12, 1, 11, 5, tzinfo=UTC)


def test_only_the_text_after_valid_hours_is_a_reason() -> None:
    spec = parse_block_args("2026-12-24 10:00-12:30 dentist, then school")
    assert spec.hours == (time(10), time(12, 30))
    assert spec.reason == "dentist, then school"
    whole_day = parse_block_args("2026-12-24 holidays abroad")
    assert (whole_day.hours, whole_day.reason) == (None, "holidays abroad")


@pytest.mark.parametrize("word", ["dentist", "covid", "re:", "Reason:", "x3", "-", "…"])
def test_a_reason_that_does_not_look_like_hours_stays_a_reason(word: str) -> None:
    assert block_hours(word) is None


def test_hours_until_midnight_block_to_the_end_of_the_day() -> None:
    spec = parse_block_args("2026-12-24 22:00-00:00")
    start, end = block_bounds(spec, BERLIN)
    assert (start, end) == (
        datetime(2026, 12, 24, 21, 0, tzinfo=UTC),
        datetime(2026, 12, 24, 23, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "args",
    [
        "9999-12-31",
        "0001-01-01",
        "9999-12-31 10:00-12:00",
        "0001-01-01 00:00-01:00",
        "9999-12-30..9999-12-31",
        "1999-12-31",
        "3000-01-01",
    ],
)
def test_dates_far_from_now_are_refused_before_any_arithmetic(args: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        block_bounds(parse_block_args(args), BERLIN)
    assert refused.value.what == "date"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_one_day_window_far_from_now_is_refused(day: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_window_args(f"{day} 10:00-12:00")
    assert refused.value.what == "date"


@pytest.mark.parametrize("length", ["➅", "²", "٦٠", "𝟔𝟎", "9" * 5000])
def test_a_length_in_other_digits_is_refused_as_a_length(length: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_window_args(f"mon 10:00-14:00 {length} Math")
    assert refused.value.what == "length"


@pytest.mark.parametrize("seats", ["x²", "x٣", "x" + "9" * 5000])
def test_seats_in_other_digits_are_refused_as_a_group_size(seats: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_window_args(f"mon 10:00-14:00 60 {seats}")
    assert refused.value.what == "capacity"


@pytest.mark.parametrize("text", ["١٠:٠٠-١٢:٠٠", "➀0:00-12:00"])
def test_hours_in_other_digits_are_not_a_time_range(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_window_args(f"mon {text}")


@pytest.mark.parametrize(
    ("key", "text"),
    [
        (Setting.LINK_USES, "²"),
        (Setting.LINK_USES, "➅"),
        (Setting.LINK_USES, "٣"),
        (Setting.LINK_USES, "9" * 5000),
        (Setting.HORIZON, "٢٨"),
        (Setting.REMINDERS, "²h"),
        (Setting.AGENDA, "٠٨:٠٠"),
        (Setting.SLOT_MINUTES, "𝟒𝟓"),
    ],
)
def test_settings_take_plain_digits_only(key: Setting, text: str) -> None:
    with pytest.raises(InvalidInput):
        apply_setting(TeacherSettings(), key, text)


def test_plain_numbers_are_ascii_digits_within_a_bound() -> None:
    assert plain_number("0042") == 42
    assert [plain_number(t) for t in ("²", "٣", "-1", "+1", " 1", "1_0", "", "1" * 10)] == [
        None
    ] * 8


@pytest.mark.parametrize(
    "data", ["win:rm:²:0", "win:rm:➅:0", "lim:1:u:٣", "win:rm:𝟙:0", "lim:²:e:1"]
)
def test_forged_non_ascii_digits_are_not_a_crash_in_the_guard(data: str) -> None:
    assert forged_number(data) is False  # not a number to the guard; the codec refuses it


@pytest.mark.parametrize(
    "data",
    [
        "win:rm:²:0",
        "win:rm:٣:0",
        "win:rm:+3:0",
        "win:rm: 3:0",
        "win:rm:3_0:0",
        "win:rm:3.0:0",
        "win:rm:1_000_000_000_000:0",
        "win:rm:99999999999.0:0",
        "win:rm:2147483648:0",
    ],
)
def test_the_codec_reads_only_plain_ascii_numbers_in_range(data: str) -> None:
    with pytest.raises(ValueError):
        WindowCb.unpack(data)


def test_the_codec_still_reads_what_it_packs() -> None:
    window = WindowCb(action=WindowAction.REMOVE, window_id=12, lessons=3)
    for packed in (window, LinkLimitCb(student_id=7, limit=LinkLimit.EXPIRY, value=0)):
        assert type(packed).unpack(packed.pack()) == packed
    assert WindowCb.unpack("win:ok:-1:0").window_id == -1


@pytest.mark.parametrize(
    "text",
    ["Ann\x00a", "\x1b[31mred", "tab\x7f", "C1\x85", "bell\x07", "lone\ud800", "line\u2028sep"],
)
def test_control_characters_are_found(text: str) -> None:
    assert has_control_characters(text)


@pytest.mark.parametrize(
    "text", ["Anna Smith", "two\nlines", "tab\tbed", "👩‍🏫 Lehrerin", "مرحبا", "Zoë", "עברית"]
)
def test_ordinary_text_has_no_control_characters(text: str) -> None:
    assert not has_control_characters(text)


@pytest.mark.parametrize(
    "name",
    [
        "localtime",
        "LOCALTIME",
        "Factory",
        "factory",
        "posixrules",
        "../",
        "UTC/../..",
        "",
        "posix/Europe/Berlin",
        "right/UTC",
        "Europe/../UTC",
        "/usr/share/zoneinfo/UTC",
        " ",
    ],
)
def test_only_real_iana_zones_are_time_zones(name: str) -> None:
    assert not is_iana_zone(name)
    with pytest.raises(UnknownTimezone):
        resolve_timezone(name, ZONE_NOW)


@pytest.mark.parametrize("name", ["Europe/Berlin", "UTC", "Etc/GMT+5", "America/Argentina/Salta"])
def test_real_zones_are_accepted(name: str) -> None:
    assert is_iana_zone(name) and resolve_timezone(name, ZONE_NOW) == name


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules"])
def test_the_default_time_zone_takes_the_same_check(
    zone: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValidationError, match="IANA time zone"):
        Settings(bot_token="123:abc", default_timezone=zone)  # type: ignore[arg-type]
    assert Settings(bot_token="123:abc", default_timezone="Europe/Berlin")  # type: ignore[arg-type]


def test_an_echo_of_typed_input_is_shortened() -> None:
    assert shorten("Math") == "Math"
    long = shorten("9" * 4000)
    assert len(long) <= 101 and long.endswith("…")
    assert shorten("a\nb " * 10, 8) == "a b a b…"


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_a_refusal_repeating_a_huge_input_stays_short(locale: str) -> None:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale(locale):
        for error in (
            InvalidInput("time", "9" * 4000),
            InvalidInput("hours", "9" * 4000),
            InvalidInput("setting:uses", "<" * 4000),
            UnknownTimezone("x" * 4000),
            UnknownTimezone("&" * 4000, ["Europe/Berlin"]),
        ):
            assert len(html.unescape(describe(error))) < 400, error  # as Telegram shows it


def test_no_date_typed_anywhere_reaches_date_arithmetic_unbounded() -> None:
    # The bounds: anything parse_block_args accepts can be turned into UTC in any zone.
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin"):
        for args in ("2000-01-01", "2999-12-31", "2999-12-31 23:00-00:00"):
            block_bounds(parse_block_args(args), ZoneInfo(zone))
    assert parse_block_args("2999-12-31").first == date(2999, 12, 31)


def test_only_a_locked_or_conflicting_database_counts_as_busy() -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError

    from storage.engine import database_busy

    assert database_busy(OperationalError("x", {}, Exception("database is locked")))
    assert database_busy(OperationalError("x", {}, Exception("could not serialize access")))
    assert database_busy(OperationalError("x", {}, Exception("deadlock detected")))
    assert not database_busy(IntegrityError("x", {}, Exception("UNIQUE constraint failed")))
    assert not database_busy(RuntimeError("database is locked"))  # not from the database
