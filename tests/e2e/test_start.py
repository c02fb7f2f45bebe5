"""A newcomer's first contact with the bot."""

from __future__ import annotations

from tests.e2e.conftest import Harness


async def test_start_explains_what_the_bot_does_for_teachers_and_students(harness: Harness) -> None:
    alice = harness.user(501, "Alice")
    await harness.send(alice, "/start")
    reply = harness.last(alice).text or ""
    assert "LessonLink" in reply
    assert "Teachers" in reply and "/teach" in reply
    assert "Students" in reply and "link" in reply


async def test_unknown_command_gets_a_hint_not_silence(harness: Harness) -> None:
    bob = harness.user(502, "Bob")
    await harness.send(bob, "/frobnicate")
    assert "/help" in (harness.last(bob).text or "")


async def test_command_menu_is_registered_at_start(harness: Harness) -> None:
    calls = harness.server.calls("setMyCommands", ok=True)
    assert calls, "setMyCommands was never called successfully"
    assert any("start" in str(call.params.get("commands")) for call in calls)
