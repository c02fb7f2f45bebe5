"""Small things a new teacher reads: weekday words, month periods, plurals, punctuation, events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.errors import ConfirmationNeeded, InvalidInput
from bot.domain.model import Account, Booking, BookingStatus, Slot
from bot.domain.notices import BookingRescheduled
from bot.domain.outgoing import Outgoing
from bot.domain.windows import parse_day, parse_window_args
from bot.services import analytics as a
from handlers.refusal_texts import describe
from handlers.student_stats import event_phrase
from handlers.teacher_links import opened_text
from tests.sample_notices import lesson
from views.formatting import days, sentence
from views.i18n import make_i18n
from views.notifications import render

MOSCOW = "Europe/Moscow"  # UTC+3 all year


@pytest.fixture
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test inside the catalog of the locale it is parametrised with."""
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale(request.param):
        yield request.param


@pytest.mark.parametrize(
    ("word", "weekday"),
    [
        ("пн", 0),
        ("ВТ", 1),
        ("Среда", 2),
        ("четверг", 3),
        ("ПЯТНИЦА", 4),
        ("сб", 5),
        ("воскресенье", 6),
        ("Monday", 0),
        ("sunday", 6),
        ("MON", 0),
        ("вс", 6),
    ],
)
def test_russian_and_full_weekday_names_are_read_in_any_case(word: str, weekday: int) -> None:
    assert parse_day(word) == (weekday, None)
    assert parse_window_args(f"{word} 10:00-12:00").weekday == weekday


@pytest.mark.parametrize("word", ["понед", "mond", "пнд", "m", "вос"])
def test_a_word_that_is_no_weekday_is_refused(word: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_day(word)
    assert refused.value.what == "weekday"


def test_a_typed_length_of_zero_stays_zero_for_the_length_check() -> None:
    assert parse_window_args("mon 10:00-14:00 0").slot_minutes == 0
    assert parse_window_args("mon 10:00-14:00").slot_minutes is None


def _lesson(start: datetime) -> tuple[Booking, Slot]:
    booking = Booking(1, 1, 1, BookingStatus.CONFIRMED, start - timedelta(days=1))
    return booking, Slot(1, 1, start, start + timedelta(hours=1), 1, 1, "Math")


def test_this_month_holds_this_week_when_the_week_runs_into_the_next_month() -> None:
    # Mon 30 Nov, 23:00 in Moscow: a new teacher's four lessons are Tue to Fri, in December.
    now = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    lessons = [_lesson(datetime(2026, 12, d, 7, 0, tzinfo=UTC)) for d in (1, 2, 3, 4)]
    week = a.period_of("week", now, MOSCOW)
    month = a.period_of("month", now, MOSCOW, month_holds_week=True)
    assert (month.first_day, month.last_day) == (date(2026, 11, 1), date(2026, 12, 6))
    assert month.start == datetime(2026, 10, 31, 21, 0, tzinfo=UTC)  # Moscow midnight
    assert month.end == week.end == datetime(2026, 12, 6, 21, 0, tzinfo=UTC)

    def made(p: a.Period) -> int:
        return a.count([r for r in lessons if p.start <= r[1].starts_at < p.end], now).made

    assert made(week) == made(month) == 4


def test_this_month_starts_on_the_monday_of_a_week_begun_last_month() -> None:
    # Tue 1 Dec, 00:30 in Moscow, still 30 Nov in UTC: the month is December's, in Moscow.
    now = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)
    month = a.period_of("month", now, MOSCOW, month_holds_week=True)
    assert (month.first_day, month.last_day) == (date(2026, 11, 30), date(2026, 12, 31))
    assert month.end == datetime(2026, 12, 31, 21, 0, tzinfo=UTC)


def test_in_mid_month_this_month_is_the_calendar_month() -> None:
    mid_december = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)
    month = a.period_of("month", mid_december, MOSCOW, month_holds_week=True)
    assert (month.first_day, month.last_day) == (date(2026, 12, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Anna", "Anna."),
        ("Anna B.", "Anna B."),
        ("thanks!", "thanks!"),
        ("Who?", "Who?"),
        ("Long nam…", "Long nam…"),
    ],
)
def test_a_sentence_ending_in_typed_text_gets_one_full_stop(typed: str, shown: str) -> None:
    assert sentence(typed) == shown


@pytest.mark.parametrize("lang", ["en", "ru"], indirect=True)
def test_a_name_ending_the_refusal_is_not_followed_by_a_second_stop(lang: str) -> None:
    from bot.domain.errors import UnknownStudent

    text = describe(UnknownStudent("Anna B."))
    assert "Anna B.." not in text and "Anna B. " in text


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("en", {1: "Opened 1 time · no limit", 0: "Opened 0 times · no limit"}),
        (
            "ru",
            {
                1: "Открыта 1 раз · без ограничений",
                3: "Открыта 3 раза · без ограничений",
                0: "Открыта 0 раз · без ограничений",
            },
        ),
    ],
    indirect=["lang"],
)
def test_unlimited_uses_read_naturally(lang: str, counts: dict[int, str]) -> None:
    for n, text in counts.items():
        assert opened_text(n, None) == text
        assert "∞" not in opened_text(n, 0)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Opened 0 of 1 time", "Opened 2 of 5 times"]),
        ("ru", ["Открыта 0 из 1 раза", "Открыта 2 из 5 раз"]),
    ],
    indirect=["lang"],
)
def test_limited_uses_take_the_plural_of_the_limit(lang: str, expected: list[str]) -> None:
    assert [opened_text(0, 1), opened_text(2, 5)] == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["1 day", "2 days", "5 days", "21 days"]),
        ("ru", ["1 день", "2 дня", "5 дней", "21 день"]),
    ],
    indirect=["lang"],
)
def test_days_take_their_plural_form(lang: str, expected: list[str]) -> None:
    assert [days(n) for n in (1, 2, 5, 21)] == expected


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [
        ("en", "cancel 1 booked lesson.", "cancel 2 booked lessons."),
        ("ru", "отменено 1 забронированное занятие", "отменены 2 забронированных занятия"),
    ],
    indirect=["lang"],
)
def test_the_confirmation_counts_lessons_in_the_right_form(lang: str, one: str, two: str) -> None:
    assert one in describe(ConfirmationNeeded(affected=1))
    assert two in describe(ConfirmationNeeded(affected=2))


@pytest.mark.parametrize(
    ("lang", "zero", "one"),
    [
        ("en", "A lesson of 0 minutes is not possible", "A lesson of 1 minute is not possible"),
        ("ru", "Урок длиной 0 минут невозможен", "Урок длиной 1 минута невозможен"),
    ],
    indirect=["lang"],
)
def test_a_refused_length_names_its_minutes_rightly(lang: str, zero: str, one: str) -> None:
    assert zero in describe(InvalidInput("length", "0"))
    assert one in describe(InvalidInput("length", "1"))


AUDITED = [  # every (event, outcome) the services record about a student
    ("link.open", "opened"),
    ("link.open", "teacher_preview"),
    ("link.open", "throttled"),
    *[
        ("link.open", f"link_refused:{r}")
        for r in (
            "unknown",
            "expired",
            "revoked",
            "replaced",
            "used_up",
            "bound_elsewhere",
            "archived",
            "own_student",
            "something_new",
        )
    ],
    ("link.limits", "ok"),
    ("link.regenerate", "ok"),
    ("link.revoke", "ok"),
    ("link.send", "ok"),
    ("student.enrolled", "ok"),
    ("student.renamed", "ok"),
    ("student.archived", "ok"),
    ("student.timezone", "ok"),
    ("booking.made", "ok"),
    ("booking.cancelled", "ok"),
    ("booking.rescheduled", "ok"),
    ("booking.attendance", "attended"),
    ("booking.attendance", "no_show"),
    ("slot.access", "refused:foreign"),
    ("some.future_kind", "ok"),
]


@pytest.mark.parametrize("lang", ["en", "ru"], indirect=True)
def test_every_audit_event_reads_as_a_phrase_never_a_code(lang: str) -> None:
    for event, outcome in AUDITED:
        phrase = event_phrase(event, outcome)
        # No dotted kind ('link.open'), no snake_case outcome ('bound_elsewhere').
        assert phrase and "." not in phrase and "_" not in phrase, (event, outcome, phrase)
    refused = event_phrase("link.open", "link_refused:bound_elsewhere")
    expected = {
        "en": "Link refused: opened by another account",
        "ru": "Ссылка отклонена: открыта с другого аккаунта",
    }
    assert refused == expected[lang]


@pytest.mark.parametrize("lang", ["en", "ru"], indirect=True)
def test_a_moved_lesson_names_both_times_in_one_date_format(lang: str) -> None:
    moved = lesson(datetime(2026, 12, 1, 14, 0, tzinfo=UTC), student_name="Anna", subject="")
    notice = BookingRescheduled(lesson=moved, old_starts_at=datetime(2026, 11, 30, 10, tzinfo=UTC))
    teacher = Account(1, "Tanya", language=lang)
    now = datetime(2026, 11, 29, tzinfo=UTC)
    text, _ = render(make_i18n(), Outgoing(1, 1, notice), teacher, now)
    old, new = {
        "en": ("Mon, 30 Nov, 10:00", "Tue, 1 Dec, 14:00"),
        "ru": ("пн, 30 нояб., 10:00", "вт, 1 дек., 14:00"),
    }[lang]
    assert old in text and new in text, text
    assert "2026" not in text, text
