"""The small things a new teacher trips over, in English and Russian, as the chat shows them."""

from __future__ import annotations

import pytest

from tests.handlers.conftest import Harness
from tests.steps.teacher_steps import enroll, register

TEACHER, ANNA, EVE = 9700, 9701, 9702


async def _teacher(h: Harness, lang: str, name: str = "Ms Smith") -> None:
    h.user(TEACHER, "Smith", language=lang)
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, name)
    await h.send(TEACHER, "Europe/Berlin")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "Thanks, thanks! Which time zone"), ("ru", "Спасибо, thanks! В каком часовом поясе")],
)
async def test_a_typed_name_ending_in_a_mark_gets_no_second_one(
    harness: Harness, lang: str, expected: str
) -> None:
    h = harness
    h.user(TEACHER, "Smith", language=lang)
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, "thanks!")
    assert h.last(TEACHER).content.startswith(expected), h.last(TEACHER).content
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, "Anna B.")
    assert "Anna B.." not in h.last(TEACHER).content
    assert "Anna B. " in h.last(TEACHER).content


@pytest.mark.parametrize(
    ("lang", "refusal"),
    [
        ("en", "A lesson of 0 minutes is not possible: use 10 to 480 minutes."),
        ("ru", "Урок длиной 0 минут невозможен: укажите от 10 до 480 минут."),
    ],
)
async def test_a_lesson_length_of_zero_is_refused_not_made_an_hour(
    harness: Harness, lang: str, refusal: str
) -> None:
    h = harness
    await _teacher(h, lang)
    await h.send(TEACHER, "/addslots mon 10:00-14:00 0")
    assert h.last(TEACHER).content == refusal
    await h.send(TEACHER, "/availability")
    assert "10:00–14:00" not in h.last(TEACHER).content, "no hours were added"


@pytest.mark.parametrize(
    ("lang", "day", "shown"),
    [
        ("ru", "пн", "понедельник"),
        ("ru", "Вторник", "вторник"),
        ("en", "WEDNESDAY", "Wednesday"),
        ("en", "чт", "Thursday"),
    ],
)
async def test_weekdays_are_read_in_russian_and_in_full(
    harness: Harness, lang: str, day: str, shown: str
) -> None:
    h = harness
    await _teacher(h, lang)
    await h.send(TEACHER, f"/addslots {day} 10:00-12:00 60")
    reply = h.last(TEACHER).content
    assert reply.startswith("✅") and shown in reply and "10:00" in reply, reply


async def test_the_link_card_counts_openings_in_words_in_english(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    token, card_id = await enroll(h, TEACHER, "Anna")
    assert "Opened 0 times · no limit" in h.last(TEACHER).content
    assert "∞" not in h.last(TEACHER).content
    await h.press(TEACHER, "⚙️ Expiry and uses", message_id=card_id)
    choices = h.last(TEACHER).button_texts()
    assert "1 use" in choices and "5 uses" in choices and "7 days" in choices, choices
    await h.press(TEACHER, "1 use")
    assert "Opened 0 of 1 time" in h.last(TEACHER).content
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    await h.send(TEACHER, "/link Anna")
    assert "Opened 1 of 1 time" in h.last(TEACHER).content


async def test_the_link_card_counts_openings_in_words_in_russian(harness: Harness) -> None:
    h = harness
    await _teacher(h, "ru")
    _, card_id = await enroll(h, TEACHER, "Маша")
    assert "Открыта 0 раз · без ограничений" in h.last(TEACHER).content
    await h.press(TEACHER, "⚙️ Срок и число открытий", message_id=card_id)
    choices = h.last(TEACHER).button_texts()
    assert "1 открытие" in choices and "5 открытий" in choices and "7 дней" in choices, choices


@pytest.mark.parametrize(
    ("lang", "phrases", "button"),
    [
        (
            "en",
            ["Link refused: opened by another account", "Link opened", "Student enrolled"],
            "📜 Recent events",
        ),
        (
            "ru",
            ["Ссылка отклонена: открыта с другого аккаунта", "Ссылка открыта", "Ученик добавлен"],
            "📜 Последние события",
        ),
    ],
)
async def test_recent_events_read_as_sentences_not_codes(
    harness: Harness, lang: str, phrases: list[str], button: str
) -> None:
    h = harness
    await _teacher(h, lang)
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    h.user(EVE, "Eve")
    await h.send(EVE, f"/start {token}")  # refused: the link is Anna's now
    await h.send(TEACHER, "/stats Anna")
    await h.press(TEACHER, button)
    events = h.last(TEACHER).content
    for phrase in phrases:
        assert phrase in events, events
    for code in ("link_refused", "bound_elsewhere", "link.open", "student.enrolled", " ok "):
        assert code not in events, events


@pytest.mark.parametrize(
    ("lang", "stats", "export"),
    [("en", "Your numbers", "Bookings as CSV"), ("ru", "Ваша статистика", "Записи в CSV")],
)
async def test_stats_and_export_are_in_the_help_and_the_menu(
    harness: Harness, lang: str, stats: str, export: str
) -> None:
    h = harness
    await _teacher(h, lang)
    await h.send(TEACHER, "/help")
    help_text = h.last(TEACHER).content
    assert f"/stats — {stats}" in help_text and f"/export — {export}" in help_text, help_text
    menus = [c.params for c in h.server.calls("setMyCommands", ok=True)]
    menu = [m for m in menus if str(TEACHER) in str(m.get("scope"))][-1]["commands"]
    names = [c["command"] for c in menu]
    assert "stats" in names and "export" in names, names
