"""Each update's log line names the Telegram user by id, and never by name or text."""

from __future__ import annotations

import logging

import pytest

from tests.e2e.conftest import Harness


@pytest.mark.parametrize("backend", ["sqlite"])  # about the log line, not the database
async def test_the_update_log_line_carries_the_user_id_only(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.user(7717, "Philippa Secretname")
    with caplog.at_level(logging.INFO, logger="lessonlink.updates"):
        await harness.send(7717, "/start my private words")
    lines = [r.getMessage() for r in caplog.records if r.name == "lessonlink.updates"]
    assert len(lines) == 1
    assert " user=7717 " in lines[0] and "type=message" in lines[0]
    assert "Philippa" not in lines[0] and "private" not in lines[0]
