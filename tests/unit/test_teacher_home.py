"""The teacher's home card as a pure screen: lessons, what needs attention, the menu."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services.teacher_home import Expiring, HomeLesson, TeacherHome
from handlers.mini_app import MiniApp
from handlers.navigation import with_nav
from handlers.teacher_home import home_screen
from views.i18n import make_i18n

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def data(**changes: object) -> TeacherHome:
    values: dict[str, object] = {
        "teacher_name": "Ms <Smith>",
        "timezone": "Europe/Berlin",
        "students": 3,
        "today": [HomeLesson(NOW + timedelta(hours=3), NOW + timedelta(hours=4), "Anna", 0, "")],
        "upcoming": [
            HomeLesson(NOW + timedelta(days=2), NOW + timedelta(days=2, hours=1), "Ben", 1, "Math")
        ],
        "refused": 0,
    }
    values.update(changes)
    return TeacherHome(**values)  # type: ignore[arg-type]


def render(home: TeacherHome, locale: str = "en") -> tuple[str, list[str]]:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale(locale):
        text, keyboard = home_screen(home, MiniApp())
    return text, [b.text for row in keyboard.inline_keyboard for b in row]


def test_home_shows_today_and_next_lessons_in_the_teachers_zone_and_the_menu() -> None:
    text, buttons = render(data())
    assert "<b>Ms &lt;Smith&gt;</b> · Europe/Berlin" in text  # names are escaped for HTML
    assert "• 13:00–14:00" in text and "Anna" in text  # 12:00 UTC is 13:00 in Berlin
    assert "Wed, 25 Nov, 10:00–11:00" in text and "Ben · Math" in text
    assert "Needs your attention" not in text
    assert buttons == [
        "📅 Schedule",
        "👥 Students",
        "➕ Add student",
        "🕒 Hours & time off",
        "⚙️ Settings",
        "📊 Stats",
        "📤 Export",
    ]


def test_home_lists_what_needs_attention() -> None:
    home = data(
        today=[],
        upcoming=[],
        refused=2,
        unreachable=["Ben"],
        unopened=["Chloe", "Dan"],
        expiring=[Expiring("Anna", NOW + timedelta(days=2))],
    )
    text, _buttons = render(home)
    assert "No lessons today." in text
    assert "2 refused attempts to open your links" in text
    assert "cannot be reached: Ben" in text
    assert "Link not opened yet: Chloe, Dan" in text
    assert "The link of Anna expires on Wed, 25 Nov" in text


def test_home_speaks_russian() -> None:
    home = data(refused=5, unopened=["Chloe"])
    text, buttons = render(home, "ru")
    assert "Сегодня" in text and "Требует внимания" in text
    assert "5 отказов при открытии ваших ссылок" in text
    assert "📅 Расписание" in buttons and "➕ Добавить ученика" in buttons


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_a_screen_gets_back_and_home_once(locale: str) -> None:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale(locale):
        once = with_nav(None)
        twice = with_nav(once)
    assert len(once.inline_keyboard) == len(twice.inline_keyboard) == 1
    assert [b.callback_data for b in once.inline_keyboard[0]] == ["home:home", "home:home"]
