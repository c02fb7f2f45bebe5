"""The student's calendar screens as pure functions: folded weeks, the month grid, pickers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from bot.services.student_calendar_model import DayCount, Filters, Month, Part, View, Week
from handlers import student_calendar_views as screens
from views.calendar_callbacks import FilterKind, Screen
from views.callbacks import NUMBER_LIMIT
from views.i18n import make_i18n

TODAY = date(2026, 11, 23)  # a Monday


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale("en"):
        yield


def _view(subjects: list[str] | None = None, filters: Filters | None = None) -> View:
    return View(
        student_id=NUMBER_LIMIT,
        teacher_name="Ms Smith",
        zone="Europe/Berlin",
        teacher_zone="Europe/Berlin",
        subjects=subjects or [],
        filters=filters or Filters(),
        today=TODAY,
        last_day=TODAY + timedelta(days=60),
    )


def _week(free: dict[int, int]) -> Week:
    days = [DayCount(TODAY + timedelta(days=i), free.get(i, 0)) for i in range(7)]
    return Week(_view(), TODAY, days, None, TODAY + timedelta(days=7))


def test_a_week_with_one_free_day_is_three_rows_of_days_not_seven() -> None:
    _text, keyboard = screens.week_screen(_week({2: 3}))
    labels = [row[0].text for row in keyboard.inline_keyboard[:3]]
    assert labels == [
        "Mon, 23 Nov – Tue, 24 Nov · no free times",
        "Wed, 25 Nov · 3 free",
        "Thu, 26 Nov – Sun, 29 Nov · no free times",
    ]


def test_a_day_holding_only_your_lesson_stays_a_day_of_its_own() -> None:
    week = _week({})
    week.days[4] = DayCount(week.days[4].day, 0, mine=1)
    _text, keyboard = screens.week_screen(week)
    assert [row[0].text for row in keyboard.inline_keyboard[:3]] == [
        "Mon, 23 Nov – Thu, 26 Nov · no free times",
        "Fri, 27 Nov · ⭐ yours",
        "Sat, 28 Nov – Sun, 29 Nov · no free times",
    ]


def test_the_month_grid_has_seven_columns_and_short_callback_data() -> None:
    first = date(2026, 12, 1)
    days = [DayCount(first + timedelta(days=i), 1 if i == 20 else 0) for i in range(31)]
    month = Month(_view(), first, days, date(2026, 11, 1), date(2027, 1, 1))
    text, keyboard = screens.month_screen(month)
    assert "December 2026" in text
    grid = keyboard.inline_keyboard[:-2]
    assert all(len(row) == 7 for row in grid)
    assert [b.text for b in grid[0]] == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    numbered = [b.text for row in grid[1:] for b in row if b.text.isdigit()]
    assert numbered == ["21"]
    assert [b.text for b in keyboard.inline_keyboard[-2]] == ["◀ November 2026", "January 2027 ▶"]
    for row in keyboard.inline_keyboard:
        for button in row:
            assert button.text.strip() and len((button.callback_data or "").encode()) <= 64


def test_the_picker_marks_the_filter_in_force_and_each_option_returns_to_the_day() -> None:
    view = _view(["Math", "Piano"], Filters(subject=2, part=Part.MORNING))
    text, keyboard = screens.filter_picker(view, TODAY.toordinal(), Screen.DAY, FilterKind.SUBJECT)
    assert "Pick a subject:" in text
    assert [row[0].text for row in keyboard.inline_keyboard] == [
        "all",
        "Math",
        "✔️ Piano",
        "◀ Back",
    ]
    assert all((row[0].callback_data or "").startswith("cd:") for row in keyboard.inline_keyboard)
