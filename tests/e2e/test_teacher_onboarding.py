"""A teacher registers, sees their commands and changes settings, as the chat shows it."""

from __future__ import annotations

from pathlib import Path

from bot.domain.clock import ManualClock
from tests.e2e.conftest import Harness, running_bot
from tests.steps.teacher_steps import register, told

TEACHER = 1001


async def test_teacher_registers_with_a_name_and_a_zone_button(harness: Harness) -> None:
    h = harness
    h.user(TEACHER, "Smith")
    await h.send(TEACHER, "/teach")
    assert "What name" in h.last(TEACHER).content
    await h.send(TEACHER, "Ms Smith")
    assert "Europe/Berlin" in h.last(TEACHER).button_texts()
    await h.press(TEACHER, "Europe/Berlin")
    reply = h.last(TEACHER).content
    assert "registered as Ms Smith" in reply and "Europe/Berlin" in reply
    scoped = [r.params for r in h.server.calls("setMyCommands", ok=True) if r.params.get("scope")]
    assert any("schedule" in str(p["commands"]) and str(TEACHER) in str(p["scope"]) for p in scoped)
    await h.send(TEACHER, "/help")
    assert "/addslots" in h.last(TEACHER).content and "/students" in h.last(TEACHER).content


async def test_a_misspelt_zone_is_answered_with_close_matches(harness: Harness) -> None:
    h = harness
    h.user(TEACHER, "Smith")
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, "Ms Smith")
    await h.send(TEACHER, "Europe/Berln")
    await told(h, TEACHER, "Did you mean one of these?")
    assert "Europe/Berlin" in h.last(TEACHER).button_texts()
    await h.send(TEACHER, "europe/berlin")
    assert "registered as Ms Smith, time zone Europe/Berlin (now" in h.last(TEACHER).content


async def test_registration_is_refused_for_accounts_not_invited(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    async with running_bot(database_url, tmp_path, clock, teacher_ids=[42]) as h:
        h.user(TEACHER, "Eve")
        await h.send(TEACHER, "/teach")
        await told(h, TEACHER, "limited to invited teachers")
        await h.send(TEACHER, "/addslots mon 10:00-12:00")
        await told(h, TEACHER, "This command is for teachers")


async def test_settings_are_validated_and_saved(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await h.send(TEACHER, "/settings")
    assert "⏰ Advance notice: 2 h" in h.last(TEACHER).button_texts()
    await h.press(TEACHER, "⏰ Advance notice: 2 h")
    await h.press(TEACHER, "✏️ Type another value")
    await h.send(TEACHER, "soon")
    await told(h, TEACHER, "not a valid value")
    await h.send(TEACHER, "3h")
    assert "Saved" in h.last(TEACHER).content
    assert "⏰ Advance notice: 3 h" in h.last(TEACHER).button_texts()
    await h.press(TEACHER, "🔔 Notifications: on")
    assert "🔔 Notifications: off" in h.last(TEACHER).button_texts()


async def test_the_zone_question_offers_the_teachers_own_zone_first(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER, zone="Asia/Tokyo")
    await h.send(TEACHER, "/settings")
    await h.press(TEACHER, "🌍 Time zone: Asia/Tokyo")
    assert h.last(TEACHER).button_texts()[0] == "Asia/Tokyo"
