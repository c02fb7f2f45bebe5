"""The hours screen is pure: hours and coming time off, each with a remove button."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.domain.model import Window
from bot.domain.time_off import TimeOff
from bot.services.availability import AvailabilityView
from handlers.availability import hours_screen
from views.i18n import make_i18n
from views.teacher_callbacks import TimeOffCb, TimeOffScreen, WindowAction, WindowCb

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
VIEW = AvailabilityView(
    windows=[Window(5, 1, time(10), time(12), 60, 1, "Math", weekday=2)],
    time_off=[
        TimeOff(
            7,
            1,
            datetime(2026, 12, 1, 23, tzinfo=UTC),
            datetime(2026, 12, 2, 23, tzinfo=UTC),
            "flu",
        ),
    ],
    timezone="Europe/Berlin",
    now=NOW,
)


@pytest.mark.parametrize(
    ("locale", "line", "button"),
    [
        ("en", "• Wed 2 Dec, all day · flu", "❌ Wed 2 Dec, all day"),
        ("ru", "• ср, 2 дек., весь день · flu", "❌ ср, 2 дек., весь день"),
    ],
)
def test_hours_and_time_off_each_have_a_remove_button(locale: str, line: str, button: str) -> None:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale(locale):
        text, keyboard = hours_screen(VIEW)
    assert line in text
    [[window], [time_off]] = keyboard.inline_keyboard
    assert window.callback_data == WindowCb(action=WindowAction.REMOVE, window_id=5).pack()
    assert time_off.text == button
    assert time_off.callback_data == TimeOffCb(time_off_id=7, screen=TimeOffScreen.HOURS).pack()
