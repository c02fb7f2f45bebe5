"""A newcomer's first contact with the bot."""

from __future__ import annotations

import pytest

from tests.handlers.conftest import Harness


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


async def test_polling_starts_even_if_an_old_webhook_was_left_behind(
    database_url: str,
    tmp_path,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    from sandbox.server import BotAPIServer
    from tests.handlers.conftest import BOT_USERNAME, TOKEN, running_bot

    async with BotAPIServer(token=TOKEN, bot_username=BOT_USERNAME) as server:
        status, _ = await server.execute("setWebhook", {"url": "https://old.example.com/hook"})
        assert status == 200  # as an earlier webhook run left it: polling now gets 409
        async with running_bot(database_url, tmp_path, clock, server=server) as h:
            h.user(505, "Eve")
            await h.send(505, "/start")
            assert "LessonLink" in (h.last(505).text or "")


async def test_a_busy_database_gets_a_try_again_sentence_not_an_error(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from bot.services import accounts

    async def locked(*args: object, **kwargs: object) -> object:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    carol = harness.user(503, "Carol")
    monkeypatch.setattr(accounts, "identify", locked)
    await harness.send(carol, "/help")
    reply = harness.last(carol).text or ""
    assert "busy right now" in reply and "try again" in reply
    assert "Something went wrong" not in reply
    monkeypatch.undo()  # the database is free again: the same command is answered
    await harness.send(carol, "/help")
    assert "busy right now" not in (harness.last(carol).text or "")
