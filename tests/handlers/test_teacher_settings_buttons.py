"""/settings by buttons: one message edited in place, values in the labels, every press answered."""

from __future__ import annotations

from collections import Counter

from bot.domain.model import TeacherSettings
from sandbox.world import ChatMessage
from tests.handlers.conftest import Harness
from tests.steps.teacher_steps import register, told

TEACHER = 1001
NOTICE = "⏰ Advance notice: 2 h"


async def _stored(h: Harness) -> TeacherSettings:
    async with h.app.deps.uow() as uow:
        teacher = await uow.teachers.by_telegram(TEACHER)
        assert teacher is not None
        return teacher.settings


def _bot_messages(h: Harness) -> list[int]:
    return [m.message_id for m in h.chat(TEACHER) if m.from_bot]


def _message(h: Harness, message_id: int) -> ChatMessage:
    return next(m for m in h.chat(TEACHER) if m.message_id == message_id)


def _answered_once(h: Harness) -> None:
    counts = Counter(a.update_id for a in h.server.callback_answers)
    assert counts and max(counts.values()) == 1, counts


async def _open_settings(h: Harness, language: str = "en") -> int:
    h.user(TEACHER, "Smith", language=language)
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, "Ms Smith")
    await h.send(TEACHER, "UTC")
    await h.send(TEACHER, "/settings")
    return h.last(TEACHER).message_id


async def test_notice_is_changed_to_12_h_by_buttons_in_one_edited_message(
    harness: Harness,
) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    screen = h.last(TEACHER).message_id
    before = _bot_messages(h)
    assert NOTICE in h.last(TEACHER).button_texts()

    await h.press(TEACHER, NOTICE)
    entry = h.last(TEACHER)
    assert entry.message_id == screen and "Now: 2 h" in entry.content
    assert entry.button_texts()[:6] == [
        "0 h",
        "1 h",
        "✓ 2 h",
        "12 h",
        "24 h",
        "✏️ Type another value",
    ]
    assert entry.button_texts()[-2:] == ["◀ Back", "🏠 Home"]

    answer = await h.press(TEACHER, "12 h")
    assert answer.text == "Saved" and not answer.show_alert
    assert _bot_messages(h) == before, "the same message was edited, none was sent"
    assert "⏰ Advance notice: 12 h" in h.last(TEACHER).button_texts()
    assert (await _stored(h)).advance_notice_minutes == 12 * 60
    _answered_once(h)


async def test_notifications_toggle_flips_in_place(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    screen = h.last(TEACHER).message_id
    await h.press(TEACHER, "🔔 Notifications: on")
    assert h.last(TEACHER).message_id == screen
    assert "🔔 Notifications: off" in h.last(TEACHER).button_texts()
    assert (await _stored(h)).notifications_enabled is False
    await h.press(TEACHER, "🔔 Notifications: off")
    assert "🔔 Notifications: on" in h.last(TEACHER).button_texts()
    _answered_once(h)


async def test_another_value_is_typed_through_the_prompt(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    screen = h.last(TEACHER).message_id
    await h.press(TEACHER, NOTICE)
    await h.press(TEACHER, "✏️ Type another value")
    assert h.last(TEACHER).message_id == screen
    assert "Type the minimum notice" in h.last(TEACHER).content
    await h.send(TEACHER, "soon")
    await told(h, TEACHER, "not a valid value")
    await h.send(TEACHER, "3h")
    reply = h.last(TEACHER)
    assert reply.message_id != screen and "Saved." in reply.content
    assert "⏰ Advance notice: 3 h" in reply.button_texts()
    assert _message(h, screen).buttons == [], "the answered question keeps no buttons"
    _answered_once(h)


async def test_back_leaves_a_setting_and_its_question_without_changing_it(
    harness: Harness,
) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    screen = h.last(TEACHER).message_id
    await h.press(TEACHER, NOTICE)
    await h.press(TEACHER, "✏️ Type another value")
    await h.press(TEACHER, "◀ Back")  # from the question to the setting's buttons
    assert "Now: 2 h" in h.last(TEACHER).content
    await h.send(TEACHER, "3h")  # the question was left: this is not an answer to it
    await h.press(TEACHER, "◀ Back", message_id=screen)  # from the setting to the list
    assert (
        NOTICE
        in h.chat(TEACHER)[[m.message_id for m in h.chat(TEACHER)].index(screen)].button_texts()
    )
    assert (await _stored(h)).advance_notice_minutes == 120
    _answered_once(h)


async def test_reminders_are_several_choices_on_one_screen(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    await h.press(TEACHER, "🛎 Reminders: 24 h, 1 h")
    answer = await h.press(TEACHER, "2 h")
    assert answer.text == "Saved"
    labels = h.last(TEACHER).button_texts()
    assert labels[:3] == ["✓ 24 h", "✓ 2 h", "✓ 1 h"] and "15 min" not in labels  # three at most
    await h.press(TEACHER, "✓ 24 h")
    assert "15 min" in h.last(TEACHER).button_texts()
    assert (await _stored(h)).reminder_leads_minutes == (120, 60)
    await h.press(TEACHER, "none")
    assert "✓ none" in h.last(TEACHER).button_texts()
    await h.press(TEACHER, "◀ Back")
    assert "🛎 Reminders: off" in h.last(TEACHER).button_texts()
    _answered_once(h)


async def test_common_values_of_every_kind_are_saved(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    for entry, choice, shown in [
        ("⏱ Default lesson length: 1 h", "1 h 30 min", "⏱ Default lesson length: 1 h 30 min"),
        ("📅 Booking horizon: 28 days", "7 days", "📅 Booking horizon: 7 days"),
        ("↩️ Cancellation window: 24 h", "48 h", "↩️ Cancellation window: 48 h"),
        ("⌛ Link expiry: 30 days", "never", "⌛ Link expiry: never"),
        ("🔗 Link uses: unlimited", "1 use", "🔗 Link uses: 1 use"),
        ("🗓 Daily agenda: 08:00", "off", "🗓 Daily agenda: off"),
        ("💤 Inactive after: 30 days", "14 days", "💤 Inactive after: 14 days"),
    ]:
        await h.press(TEACHER, entry)
        assert (await h.press(TEACHER, choice)).text == "Saved"
        assert shown in h.last(TEACHER).button_texts(), h.last(TEACHER).button_texts()
    stored = await _stored(h)
    assert (stored.slot_minutes, stored.horizon_days, stored.cancel_window_minutes) == (90, 7, 2880)
    assert (stored.link_expiry_days, stored.link_max_uses, stored.agenda_time) == (None, 1, None)
    assert stored.inactive_after_days == 14
    _answered_once(h)


async def test_a_press_on_an_old_settings_message_shows_the_values_as_they_are(
    harness: Harness,
) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    old = h.last(TEACHER).message_id
    await h.send(TEACHER, "/settings")
    await h.press(TEACHER, "🔔 Notifications: on")  # on the newer message: now off
    # The old message still says "on": its button means "off", which is already so.
    await h.press(TEACHER, "🔔 Notifications: on", message_id=old)
    assert (await _stored(h)).notifications_enabled is False
    assert "🔔 Notifications: off" in _message(h, old).button_texts()
    await h.press(TEACHER, NOTICE)  # on the newer message
    await h.press(TEACHER, "12 h")
    await h.press(TEACHER, NOTICE, message_id=old)  # the old label still says 2 h
    assert "Now: 12 h" in _message(h, old).content
    assert "✓ 12 h" in _message(h, old).button_texts()
    _answered_once(h)


async def test_a_forged_value_is_refused_and_nothing_changes(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    screen = h.last(TEACHER).message_id
    for data in ("sv:notice:99999999", "sv:notify:2", "sv:agenda:1500", "sv:tz:1", "sv:len:1_2"):
        answer = await h.press_data(TEACHER, screen, data)
        assert answer is not None and answer.show_alert, (data, answer)
        assert "not a valid value" in (answer.text or ""), (data, answer)
    assert await _stored(h) == TeacherSettings(timezone="UTC")
    _answered_once(h)


async def test_the_settings_speak_russian_with_units_and_plurals(harness: Harness) -> None:
    h = harness
    await _open_settings(h, language="ru")
    labels = h.last(TEACHER).button_texts()
    assert "⏰ Запись не позже чем за: 2 ч" in labels
    assert "📅 Запись вперёд на: 28 дней" in labels
    assert "⌛ Срок действия ссылки: 30 дней" in labels
    assert "🔔 Уведомления: вкл." in labels and labels[-2:] == ["◀ Назад", "🏠 Главная"]
    await h.press(TEACHER, "⏰ Запись не позже чем за: 2 ч")
    assert "Сейчас: 2 ч" in h.last(TEACHER).content
    assert "✏️ Ввести другое значение" in h.last(TEACHER).button_texts()
    answer = await h.press(TEACHER, "12 ч")
    assert answer.text == "Сохранено"
    assert "⏰ Запись не позже чем за: 12 ч" in h.last(TEACHER).button_texts()
    await h.press(TEACHER, "🔗 Открытий ссылки: без ограничений")
    assert h.last(TEACHER).button_texts()[:4] == [
        "1 открытие",
        "3 открытия",
        "10 открытий",
        "✓ без ограничений",
    ]
    await h.press(TEACHER, "3 открытия")
    assert "🔗 Открытий ссылки: 3 открытия" in h.last(TEACHER).button_texts()
    await h.press(TEACHER, "💤 Неактивен через: 30 дней")
    assert h.last(TEACHER).button_texts()[:4] == ["14 дней", "✓ 30 дней", "60 дней", "90 дней"]
    await h.press(TEACHER, "◀ Назад")
    await h.press(TEACHER, "🔔 Уведомления: вкл.")
    assert "🔔 Уведомления: выкл." in h.last(TEACHER).button_texts()
    _answered_once(h)
