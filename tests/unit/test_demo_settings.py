"""The demo's settings and clock: never the real bot's configuration, never back in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.clock import ManualClock, OffsetClock
from runtime.demo import DEMO_TOKEN, demo_settings


def test_the_demo_ignores_the_real_bots_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "987654:real-token")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://prod/lessonlink")
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org")
    monkeypatch.setenv("REDIS_URL", "redis://prod:6379/0")
    monkeypatch.setenv("WORKERS", "4")
    settings = demo_settings(tmp_path, "http://127.0.0.1:8321")
    assert settings.bot_token.get_secret_value() == DEMO_TOKEN
    assert settings.resolved_database_url().endswith(f"{tmp_path}/lessonlink-demo.sqlite3")
    assert not settings.webhook_mode and settings.redis_url == "" and settings.workers == 1
    assert settings.telegram_api_url == "http://127.0.0.1:8321"


def test_the_offset_clock_moves_forward_from_its_base_only() -> None:
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    clock = OffsetClock(ManualClock(start))
    clock.advance(timedelta(hours=1))
    clock.advance(timedelta(days=1))
    assert clock.now() == start + timedelta(days=1, hours=1)
    with pytest.raises(ValueError):
        clock.advance(timedelta(minutes=-5))
    assert clock.now() == start + timedelta(days=1, hours=1)
