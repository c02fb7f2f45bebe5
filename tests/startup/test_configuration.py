"""A missing, malformed or impossible setting: one sentence naming it, exit code 2.

Several workers need PostgreSQL, Redis and a webhook, or the start is refused.
"""

from __future__ import annotations

import pytest

from tests.startup.conftest import StartBot

PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


async def test_without_a_token_it_says_what_to_do_and_exits_2(
    start: StartBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BOT_TOKEN")
    done = await start()
    assert "@BotFather" in done.sentence("BOT_TOKEN")


async def test_a_malformed_setting_is_named(start: StartBot) -> None:
    done = await start(DEFAULT_TIMEZONE="Mars/Base")
    assert "malformed" in done.sentence("DEFAULT_TIMEZONE")


@pytest.mark.parametrize(
    ("values", "sentence"),
    [
        ({}, "WORKERS=2 needs PostgreSQL: SQLite serves one process"),
        ({"DATABASE_URL": PG}, "WORKERS=2 needs Redis for shared conversation state"),
        (
            {"DATABASE_URL": PG, "REDIS_URL": "redis://127.0.0.1:6379/0"},
            "WORKERS=2 needs webhook mode, since only one process may poll Telegram",
        ),
        ({"WEBHOOK_URL": "https://bot.example.com"}, "WEBHOOK_SECRET is not set"),
        (
            {"WEBHOOK_URL": "https://x.example", "WEBHOOK_SECRET": "has spaces"},
            "WEBHOOK_SECRET is malformed",
        ),
    ],
)
async def test_an_impossible_deployment_is_refused_with_one_sentence(
    start: StartBot, values: dict[str, str], sentence: str
) -> None:
    argv = ["--workers", "2"] if "WEBHOOK_SECRET" not in sentence else []
    done = await start(*argv, **values)
    assert sentence in done.sentence(sentence.split()[0])


async def test_several_workers_on_sqlite_set_in_the_environment_are_refused(
    start: StartBot,
) -> None:
    done = await start(WORKERS="4")
    assert "WORKERS=4 needs PostgreSQL" in done.sentence("WORKERS=4")
