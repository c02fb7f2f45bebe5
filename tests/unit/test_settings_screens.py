"""The /settings screens are pure: settings in, (text, keyboard) out, in English and Russian."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import time

import pytest
from aiogram.types import InlineKeyboardMarkup

from bot.domain.errors import InvalidInput
from bot.domain.model import TeacherSettings
from bot.domain.teacher_settings import CHOICES, Setting, apply_choice, choice_code
from handlers.settings_screens import duration, entry_screen, settings_screen, show_value
from views.i18n import make_i18n
from views.teacher_callbacks import (
    HomeCb,
    HomeScreen,
    SettingCb,
    SettingsNav,
    SettingsNavCb,
    SettingValueCb,
)

DEFAULTS = TeacherSettings(timezone="Europe/Berlin")


@pytest.fixture(params=["en"])
def locale(request: pytest.FixtureRequest) -> Iterator[str]:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale(request.param):
        yield str(request.param)


@pytest.fixture
def russian() -> Iterator[None]:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale("ru"):
        yield


def _labels(keyboard: InlineKeyboardMarkup) -> list[str]:
    return [b.text for row in keyboard.inline_keyboard for b in row]


def _data(keyboard: InlineKeyboardMarkup, label: str) -> str:
    found = [b for row in keyboard.inline_keyboard for b in row if b.text == label]
    assert len(found) == 1, _labels(keyboard)
    assert found[0].callback_data is not None and len(found[0].callback_data.encode()) <= 64
    return found[0].callback_data


def test_the_list_shows_every_setting_with_its_value(locale: str) -> None:
    text, keyboard = settings_screen(DEFAULTS)
    assert "Settings" in text
    assert _labels(keyboard) == [
        "🌍 Time zone: Europe/Berlin",
        "⏱ Default lesson length: 1 h",
        "⏰ Advance notice: 2 h",
        "📅 Booking horizon: 28 days",
        "↩️ Cancellation window: 24 h",
        "⏪ Undo period after booking: 10 min",
        "☕ Buffer between lessons: off",
        "⌛ Link expiry: 30 days",
        "🔗 Link uses: unlimited",
        "🛎 Reminders: 24 h, 1 h",
        "🗓 Daily agenda: 08:00",
        "🔔 Notifications: on",
        "📌 Reminders to you: off",
        "💤 Inactive after: 30 days",
        "🔁 Weekly lessons: up to 26 weeks",
        "🎟 Waitlist hold: 15 min",
        "🌐 Links also work in a plain browser: off",
        "📍 Where lessons take place",
        "🔑 API keys",
        "◀ Back",
        "🏠 Home",
    ]
    assert _data(keyboard, "🏠 Home") == HomeCb(screen=HomeScreen.HOME).pack()
    assert (
        _data(keyboard, "⏰ Advance notice: 2 h")
        == SettingCb(setting=Setting.ADVANCE_NOTICE).pack()
    )


def test_a_switch_in_the_list_carries_the_state_it_sets(locale: str) -> None:
    _text, keyboard = settings_screen(DEFAULTS)
    assert (
        _data(keyboard, "🔔 Notifications: on")
        == SettingValueCb(setting=Setting.NOTIFICATIONS, value="0").pack()
    )
    assert (
        _data(keyboard, "📌 Reminders to you: off")
        == SettingValueCb(setting=Setting.TEACHER_REMINDERS, value="1").pack()
    )


def test_a_note_comes_before_the_list(locale: str) -> None:
    text, _keyboard = settings_screen(DEFAULTS, note="Saved.")
    assert text.startswith("Saved.\n\n")


def test_an_entry_marks_the_current_value_and_offers_the_common_ones(locale: str) -> None:
    text, keyboard = entry_screen(DEFAULTS, Setting.CANCEL_WINDOW)
    assert "Now: 24 h" in text
    assert _labels(keyboard) == [
        "0 h",
        "2 h",
        "12 h",
        "✓ 24 h",
        "48 h",
        "✏️ Type another value",
        "◀ Back",
        "🏠 Home",
    ]
    assert (
        _data(keyboard, "48 h")
        == SettingValueCb(setting=Setting.CANCEL_WINDOW, value="2880").pack()
    )
    assert (
        _data(keyboard, "✏️ Type another value")
        == SettingsNavCb(to=SettingsNav.TYPE, setting=Setting.CANCEL_WINDOW).pack()
    )
    assert _data(keyboard, "◀ Back") == SettingsNavCb(to=SettingsNav.LIST).pack()


@pytest.mark.parametrize(
    ("key", "labels"),
    [
        (Setting.ADVANCE_NOTICE, ["0 h", "1 h", "✓ 2 h", "12 h", "24 h"]),
        (Setting.SLOT_MINUTES, ["30 min", "45 min", "✓ 1 h", "1 h 30 min", "2 h"]),
        (Setting.HORIZON, ["7 days", "14 days", "✓ 28 days", "56 days", "90 days"]),
        (Setting.LINK_EXPIRY, ["7 days", "✓ 30 days", "90 days", "never"]),
        (Setting.LINK_USES, ["1 use", "3 uses", "10 uses", "✓ unlimited"]),
        (Setting.AGENDA, ["off", "07:00", "✓ 08:00", "09:00", "20:00"]),
        (Setting.INACTIVE_AFTER, ["14 days", "✓ 30 days", "60 days", "90 days"]),
        (Setting.REMINDERS, ["✓ 24 h", "2 h", "✓ 1 h", "15 min", "none"]),
    ],
)
def test_every_entry_offers_its_choices_with_units(
    locale: str, key: Setting, labels: list[str]
) -> None:
    _text, keyboard = entry_screen(DEFAULTS, key)
    assert _labels(keyboard)[: len(labels)] == labels


def test_a_lead_is_added_or_removed_and_at_most_three_are_offered(locale: str) -> None:
    _text, keyboard = entry_screen(DEFAULTS, Setting.REMINDERS)
    assert (
        _data(keyboard, "2 h")
        == SettingValueCb(setting=Setting.REMINDERS, value="1440_120_60").pack()
    )
    assert (
        _data(keyboard, "✓ 1 h") == SettingValueCb(setting=Setting.REMINDERS, value="1440").pack()
    )
    assert _data(keyboard, "none") == SettingValueCb(setting=Setting.REMINDERS, value="-").pack()
    full = replace(DEFAULTS, reminder_leads_minutes=(1440, 120, 60))
    assert _labels(entry_screen(full, Setting.REMINDERS)[1])[:4] == [
        "✓ 24 h",
        "✓ 2 h",
        "✓ 1 h",
        "none",
    ]


def test_durations_read_as_people_say_them(locale: str) -> None:
    assert [duration(m) for m in (0, 15, 60, 90, 48 * 60, 72 * 60, 30 * 24 * 60)] == [
        "0 h",
        "15 min",
        "1 h",
        "1 h 30 min",
        "48 h",
        "3 days",
        "30 days",
    ]
    assert show_value(Setting.HORIZON, 1) == "1 day"
    assert show_value(Setting.AGENDA, time(7, 30)) == "07:30"


def test_the_screens_speak_russian_with_plural_forms(russian: None) -> None:
    text, keyboard = settings_screen(replace(DEFAULTS, horizon_days=21, inactive_after_days=2))
    labels = _labels(keyboard)
    assert "Настройки" in text
    assert "📅 Запись вперёд на: 21 день" in labels
    assert "💤 Неактивен через: 2 дня" in labels
    assert "⌛ Срок действия ссылки: 30 дней" in labels
    assert labels[-2:] == ["◀ Назад", "🏠 Главная"]
    text, keyboard = entry_screen(DEFAULTS, Setting.SLOT_MINUTES)
    assert "Сейчас: 1 ч" in text
    assert _labels(keyboard)[:6] == [
        "30 мин",
        "45 мин",
        "✓ 1 ч",
        "1 ч 30 мин",
        "2 ч",
        "✏️ Ввести другое значение",
    ]
    assert _labels(entry_screen(DEFAULTS, Setting.LINK_USES)[1])[:3] == [
        "1 открытие",
        "3 открытия",
        "10 открытий",
    ]


@pytest.mark.parametrize("key", list(CHOICES))
def test_every_choice_offered_is_accepted_and_stored_as_shown(key: Setting) -> None:
    for value in CHOICES[key]:
        if key == Setting.REMINDERS:
            assert isinstance(value, int)
            stored = apply_choice(DEFAULTS, key, choice_code((value,)))
            assert stored.reminder_leads_minutes == (value,)
            continue
        stored = apply_choice(DEFAULTS, key, choice_code(value))
        assert stored == apply_choice(stored, key, choice_code(value))  # the same value again


def test_a_switch_is_set_to_the_state_its_button_carries() -> None:
    off = apply_choice(DEFAULTS, Setting.NOTIFICATIONS, "0")
    assert off.notifications_enabled is False
    assert apply_choice(off, Setting.NOTIFICATIONS, "0") == off  # pressed again: still off


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (Setting.ADVANCE_NOTICE, "99999999"),
        (Setting.ADVANCE_NOTICE, "-"),
        (Setting.NOTIFICATIONS, "2"),
        (Setting.AGENDA, "1500"),
        (Setting.SLOT_MINUTES, "1_2"),
        (Setting.LINK_USES, "1_2"),
        (Setting.TIMEZONE, "1"),
        (Setting.REMINDERS, "1440_120_60_15"),
        (Setting.HORIZON, "²"),
    ],
)
def test_a_value_no_screen_offers_is_refused(key: Setting, code: str) -> None:
    with pytest.raises(InvalidInput):
        apply_choice(DEFAULTS, key, code)
