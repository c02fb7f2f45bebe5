"""A worker loads at start only what every worker needs; the rest on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from redis import exceptions as redis_exc
from sqlalchemy import exc as sa_exc

from runtime.delivery import needs_redelivery

ROOT = Path(__file__).resolve().parents[2]
RARELY_NEEDED = ("alembic", "mako", "qrcode", "PIL", "icalendar", "matplotlib", "redis")


def test_a_worker_starts_without_the_libraries_it_rarely_needs() -> None:
    script = f"import sys, run_bot; print(sorted(set({RARELY_NEEDED!r}) & set(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert loaded.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "failure",
    [redis_exc.ConnectionError("Redis went away"), redis_exc.TimeoutError("Timeout reading")],
)
def test_a_redis_failure_is_delivered_again_once_redis_is_in_use(failure: Exception) -> None:
    assert needs_redelivery(failure)


def test_a_busy_database_or_a_bug_is_not_delivered_again() -> None:
    locked = sa_exc.OperationalError("UPDATE slots", {}, Exception("database is locked"))
    assert not needs_redelivery(locked)
    assert not needs_redelivery(ValueError("a bug"))
    assert needs_redelivery(sa_exc.OperationalError("SELECT 1", {}, Exception("gone away")))
