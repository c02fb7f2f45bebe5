"""An API key's life as a teacher lives it: made in the chat, used by a tool, revoked in the
chat; the key is in no log line, and only its keyed hash is stored."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import text

from tests.api.conftest import Api
from tests.steps.teacher_steps import register

TEACHER = 3401
KEY = re.compile(r"ll_[A-Za-z0-9_-]{43}")


async def test_a_key_made_in_the_chat_works_until_revoked_there_and_is_never_logged(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    h = api.harness
    caplog.set_level(logging.DEBUG)
    await register(h, TEACHER)
    await h.send(TEACHER, "/apikeys")
    await h.press(TEACHER, "➕ New key")
    found = KEY.search(h.last(TEACHER).content)
    assert found
    key = found.group(0)
    bearer = {"Authorization": f"Bearer {key}"}

    got = await api.get("/api/teacher/students", headers=bearer)
    assert got.status == 200 and got.body["students"] == []
    await h.press(TEACHER, "🔑 API keys")
    assert "last used Mon, 23 Nov, 09:00" in h.last(TEACHER).content

    await h.press(TEACHER, "🗑 Revoke Key 1")
    await h.press(TEACHER, "Yes, revoke it")
    refused = await api.get("/api/teacher/students", headers=bearer)
    assert (refused.status, refused.body["code"]) == (401, "api-key-invalid")

    assert key not in caplog.text
    assert key[3:] not in caplog.text
    async with h.app.deps.uow() as uow:
        stored = (await uow.session.execute(text("SELECT * FROM api_keys"))).all()
        events = (
            await uow.session.execute(text("SELECT event, outcome, detail FROM audit_events"))
        ).all()
    assert len(stored) == 1 and all(key not in str(v) for v in stored[0])
    assert key.encode() not in bytes(stored[0].key_hash)
    audited = {(e.event, e.outcome) for e in events}
    assert {
        ("api_key.created", "ok"),
        ("api_key.used", "ok"),
        ("api_key.revoked", "ok"),
        ("api_key.used", "refused:revoked"),
    } <= audited
    assert all(key not in str(e.detail) for e in events)
