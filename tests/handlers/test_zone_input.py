"""Time zones typed as people type them, in English and Russian: offsets keep their sign,
abbreviations their meaning, cities are found, suggestions are buttons, cards show the time."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps
from tests.steps.teacher_steps import register, told

OLGA, SMITH, KEN = 6101, 6102, 6103


def local(h: Harness, zone: str) -> str:
    """The wall-clock time now in a zone, by the harness clock."""
    return h.clock.now().astimezone(ZoneInfo(zone)).strftime("%H:%M")


async def start_teach(h: Harness, uid: int, name: str, language: str = "en") -> None:
    """/teach and the display name, up to the zone question."""
    h.user(uid, name, language=language)
    await h.send(uid, "/teach")
    await h.send(uid, name)


async def test_gmt_plus_3_offers_utc_plus_3_and_places_never_the_inverted_etc_zone(
    harness: Harness,
) -> None:
    h = harness
    await start_teach(h, SMITH, "Smith")
    await h.send(SMITH, "GMT+3")
    offer = h.last(SMITH)
    assert "“GMT+3” is UTC+3" in offer.content
    buttons = offer.button_texts()
    assert buttons[0] == "UTC+3" and "Europe/Moscow" in buttons
    assert not any("Etc/" in b or "UTC-3" in b for b in buttons)
    assert f"UTC+3: now {local(h, 'Europe/Moscow')}" in offer.content
    await h.press(SMITH, "UTC+3")
    card = h.last(SMITH)
    assert f"time zone UTC+3 (now {local(h, 'Etc/GMT-3')}, UTC+3)" in card.content
    assert "Etc/GMT" not in card.content
    await h.send(SMITH, "/settings")
    assert "🌍 Time zone: UTC+3" in h.last(SMITH).button_texts()


async def test_a_russian_teacher_types_msk_and_gets_moscow_not_mst(harness: Harness) -> None:
    h = harness
    await start_teach(h, OLGA, "Ольга", language="ru")
    await h.send(OLGA, "MSK")
    card = h.last(OLGA)
    assert f"часовой пояс Europe/Moscow (сейчас {local(h, 'Europe/Moscow')}, UTC+3)" in (
        card.content
    )
    assert "🔄 Сменить часовой пояс" in card.button_texts()


async def test_a_russian_teacher_types_moskva_and_an_offset_in_russian(harness: Harness) -> None:
    h = harness
    await start_teach(h, OLGA, "Ольга", language="ru")
    await h.send(OLGA, "+3")
    assert "«+3» — это UTC+3" in h.last(OLGA).content
    await h.send(OLGA, "Москва")
    assert "часовой пояс Europe/Moscow (сейчас" in h.last(OLGA).content


async def test_yekaterinburg_in_settings_is_saved_with_its_local_time(harness: Harness) -> None:
    h = harness
    await register(h, SMITH)
    await h.send(SMITH, "/settings")
    await h.press(SMITH, "🌍 Time zone: UTC")
    await h.send(SMITH, "Yekaterinburg")
    saved = h.last(SMITH).content
    assert "Saved." in saved
    assert f"🌍 Time zone: Asia/Yekaterinburg (now {local(h, 'Asia/Yekaterinburg')}, UTC+5)" in (
        saved
    )


async def test_a_typo_gives_buttons_and_a_press_sets_the_zone(harness: Harness) -> None:
    h = harness
    await register(h, SMITH)
    await h.send(SMITH, "/settings")
    await h.press(SMITH, "🌍 Time zone: UTC")
    await h.send(SMITH, "Ekaterinburg")
    offer = h.last(SMITH)
    assert "Did you mean one of these?" in offer.content
    await h.press(SMITH, "Asia/Yekaterinburg")
    saved = h.last(SMITH).content
    assert "Saved." in saved and "Time zone: Asia/Yekaterinburg (now" in saved
    # The list's zone button asks again.
    await h.press(SMITH, "🌍 Time zone: Asia/Yekaterinburg")
    assert "Europe/Berlin" in h.last(SMITH).button_texts()


async def test_a_typo_during_registration_in_russian_gives_buttons(harness: Harness) -> None:
    h = harness
    await start_teach(h, OLGA, "Ольга", language="ru")
    await h.send(OLGA, "Екатеринбур")
    assert "Возможно, вы имели в виду один из этих?" in h.last(OLGA).content
    await h.press(OLGA, "Asia/Yekaterinburg")
    card = h.last(OLGA)
    assert "часовой пояс Asia/Yekaterinburg (сейчас" in card.content
    await h.press(OLGA, "🔄 Сменить часовой пояс")
    assert "Europe/Berlin" in h.last(OLGA).button_texts()


async def test_the_registration_card_offers_a_change_back(harness: Harness) -> None:
    h = harness
    await start_teach(h, SMITH, "Smith")
    await h.send(SMITH, "Yekaterinburg")
    assert f"Asia/Yekaterinburg (now {local(h, 'Asia/Yekaterinburg')}, UTC+5)" in (
        h.last(SMITH).content
    )
    await h.press(SMITH, "🔄 Change time zone")
    await h.send(SMITH, "New York")
    assert "Time zone: America/New_York (now" in h.last(SMITH).content


async def test_a_student_types_cities_offsets_and_typos(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.student(h, tutor, KEN, "Ken")
    await h.send(KEN, "/timezone Tokio")
    assert "Did you mean one of these?" in h.last(KEN).content
    await h.press(KEN, "Asia/Tokyo")
    home = h.last(KEN).content
    assert f"🌍 Time zone: Asia/Tokyo (now {local(h, 'Asia/Tokyo')}, UTC+9)" in home
    assert "Times are shown in your time zone, Asia/Tokyo." in home
    await h.send(KEN, "/timezone UTC-5")
    await h.press(KEN, "UTC-5")
    assert f"Time zone: UTC-5 (now {local(h, 'Etc/GMT+5')}, UTC-5)" in h.last(KEN).content
    await h.press(KEN, "📝 Book a lesson")
    week = h.last(KEN).content
    assert "Times in UTC-5. Your teacher's zone is Europe/Berlin." in week
    assert "Etc/GMT" not in week
    await h.send(KEN, "/timezone Нью-Йорк")
    assert "Time zone: America/New_York (now" in h.last(KEN).content


async def test_a_russian_student_sets_moscow_by_its_russian_name(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    h.user(KEN, "Кен", language="ru")
    _sid, token = await steps.invite(h, tutor, "Кен")
    await h.send(KEN, f"/start {token}")
    await h.send(KEN, "/timezone москва")
    assert f"🌍 Часовой пояс: Europe/Moscow (сейчас {local(h, 'Europe/Moscow')}, UTC+3)" in (
        h.last(KEN).content
    )


async def test_a_forged_zone_button_is_refused(harness: Harness) -> None:
    h = harness
    await register(h, SMITH)
    await h.send(SMITH, "/settings")
    card = h.last(SMITH)
    answer = await h.press_data(SMITH, card.message_id, "tzp:s:Mars/Olympus")
    assert answer is not None and answer.show_alert
    await told(h, SMITH, "I don't know the time zone Mars/Olympus")
