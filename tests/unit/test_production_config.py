"""Production settings: several workers need PostgreSQL, Redis and a webhook, or we refuse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import run_bot

ROOT = Path(run_bot.__file__).resolve().parent
PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """A clean environment with a token, run from an empty folder (no .env)."""
    for name in list(os.environ):
        if name.startswith(("WEBHOOK_", "REDIS_", "DATABASE_", "WORKERS", "HEALTH_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("BOT_TOKEN", "123456:config-test-token")
    monkeypatch.chdir(tmp_path)
    return monkeypatch


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
def test_an_impossible_deployment_is_refused_with_one_sentence(
    env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    values: dict[str, str],
    sentence: str,
) -> None:
    for name, value in values.items():
        env.setenv(name, value)
    argv = ["--workers", "2"] if "WEBHOOK_SECRET" not in sentence else []
    assert run_bot.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("LessonLink cannot start: ") and sentence in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_several_workers_on_sqlite_exit_2_from_the_command_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(BOT_TOKEN="123456:config-test-token", WORKERS="4")
    done = subprocess.run(
        [sys.executable, str(ROOT / "run_bot.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "WORKERS=4 needs PostgreSQL" in done.stderr
