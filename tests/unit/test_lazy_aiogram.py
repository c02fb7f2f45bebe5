"""aiogram's models built on first use (runtime/lazy_aiogram.py) behave as when built at import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SendMessage
from aiogram.methods.base import Response
from aiogram.types import Message, Update
from pydantic import BaseModel

from runtime import lazy_aiogram
from tests.bot_api_samples import outcomes

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SPEC = ROOT.parent / "shared" / "telegram" / "api.json"


@pytest.fixture(scope="module")
def spec_path() -> Path:
    """The official Bot API description the sandbox checks against (as tests/sandbox does)."""
    path = Path(os.environ.get("TELEGRAM_API_SPEC", DEFAULT_SPEC))
    if not path.is_file():
        pytest.skip(f"Bot API description not found at {path} (set TELEGRAM_API_SPEC)")
    return path


def test_the_test_session_runs_aiogram_with_models_built_on_first_use() -> None:
    # tests/conftest.py imports runtime.lazy_aiogram first, as run_bot.py does, so every
    # handler and end-to-end test runs the bot as production does.
    deferred = lazy_aiogram.deferred_models()
    assert len(deferred) > 600
    assert {Update, Message, SendMessage} <= deferred


def test_a_model_is_built_when_first_used() -> None:
    class Probe(BaseModel):  # a model of ours embedding a type nothing has used yet
        origin: Any = None

    from aiogram.types import ChatBoostSourceGiveaway

    assert ChatBoostSourceGiveaway in lazy_aiogram.deferred_models()
    assert not _is_built(ChatBoostSourceGiveaway)
    source = ChatBoostSourceGiveaway.model_validate(
        {"source": "giveaway", "giveaway_message_id": 7, "prize_star_count": 5}
    )
    assert source.giveaway_message_id == 7
    assert _is_built(ChatBoostSourceGiveaway)
    assert Probe(origin=source).origin is source


def test_an_instance_made_inside_another_model_serialises_before_its_class_is_used() -> None:
    # pydantic-core reads the serializer of a value it serialises by inference itself.
    from aiogram.types import ChatBoostRemoved, ChatBoostSourcePremium

    assert not _is_built(ChatBoostSourcePremium)
    user = {"id": 1, "is_bot": False, "first_name": "A"}
    removed = ChatBoostRemoved.model_validate(
        {
            "chat": {"id": -5, "type": "channel"},
            "boost_id": "b",
            "remove_date": 1_700_000_000,
            "source": {"source": "premium", "user": user},
        }
    )
    assert type(removed.source) is ChatBoostSourcePremium

    class Probe(BaseModel):
        origin: Any = None

    dumped = Probe(origin=removed.source).model_dump_json()
    assert '"source":"premium"' in dumped and '"first_name":"A"' in dumped


def test_a_model_embedding_an_unused_type_builds_as_with_a_plain_import() -> None:
    # aiogram parametrises Response with a method's result type on each call; the type's
    # fields were resolved at import, so this builds even before the type itself is used.
    from aiogram.types import BusinessConnection

    assert BusinessConnection in lazy_aiogram.deferred_models()
    assert not _is_built(BusinessConnection)
    payload = {
        "id": "b1",
        "user": {"id": 1, "is_bot": False, "first_name": "Ann"},
        "user_chat_id": 1,
        "date": 1_700_000_000,
        "is_enabled": True,
    }
    reply = Response[BusinessConnection].model_validate({"ok": True, "result": payload})
    assert reply.result is not None and reply.result.user.first_name == "Ann"


def test_every_bot_api_type_and_method_validates_and_serialises_as_with_a_plain_import(
    spec_path: Path,
) -> None:
    spec: dict[str, Any] = json.loads(spec_path.read_text(encoding="utf-8"))
    # The reference runs in a process of its own while this one builds its lazy outcomes:
    # both build every model (seconds of CPU each), on two cores at once.
    with subprocess.Popen(
        [sys.executable, "-m", "tests.bot_api_samples", str(spec_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as plain:
        try:
            lazy = outcomes(spec)
            out, err = plain.communicate(timeout=120)
        finally:
            if plain.poll() is None:
                plain.kill()
    assert plain.returncode == 0, err[-3000:]
    eager = json.loads(out)
    assert eager["built at import"] is True  # the reference really is a plain import
    # Every type and method of the description that aiogram models (all the bot uses and
    # more): a few hundred, nearly all valid samples.
    assert len(lazy) > 600
    assert sum("json" in outcome for outcome in lazy.values()) > 600
    assert lazy.keys() == eager["outcomes"].keys()
    differ = [name for name in lazy if lazy[name] != eager["outcomes"][name]]
    assert differ == []


def _is_built(model: type[BaseModel]) -> bool:
    return bool(model.__pydantic_complete__)
