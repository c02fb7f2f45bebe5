"""Our declarations must agree with the official Bot API description (api.json)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from sandbox.declarations import METHODS, TYPES, UNIONS, Field

DEFAULT_SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "telegram" / "api.json"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """The official API description, or skip when this checkout has none."""
    path = Path(os.environ.get("TELEGRAM_API_SPEC", DEFAULT_SPEC))
    if not path.is_file():
        pytest.skip(f"Bot API description not found at {path} (set TELEGRAM_API_SPEC)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _official(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in entry.get("fields", [])}


def _mismatches(where: str, ours: tuple[Field, ...], official: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    theirs = _official(official)
    for field in ours:
        if field.name not in theirs:
            problems.append(f"{where}.{field.name}: not in the Bot API")
            continue
        if list(field.types) != theirs[field.name]["types"]:
            problems.append(
                f"{where}.{field.name}: types {list(field.types)} != {theirs[field.name]['types']}"
            )
        if field.required != theirs[field.name]["required"]:
            problems.append(f"{where}.{field.name}: required flag differs")
    declared = {f.name for f in ours}
    for name, field_spec in theirs.items():
        if field_spec["required"] and name not in declared:
            problems.append(f"{where}.{name}: required by the Bot API but not declared")
    return problems


def test_every_declared_method_matches_the_bot_api(spec: dict[str, Any]) -> None:
    problems: list[str] = []
    for method, fields in METHODS.items():
        if method not in spec["methods"]:
            problems.append(f"{method}: no such method")
            continue
        problems += _mismatches(method, fields, spec["methods"][method])
    assert problems == []


def test_every_declared_type_matches_the_bot_api(spec: dict[str, Any]) -> None:
    problems: list[str] = []
    for type_name, fields in TYPES.items():
        if type_name not in spec["types"]:
            problems.append(f"{type_name}: no such type")
            continue
        problems += _mismatches(type_name, fields, spec["types"][type_name])
    assert problems == []


def test_unions_name_official_subtypes(spec: dict[str, Any]) -> None:
    for union, members in UNIONS.items():
        subtypes = spec["types"][union].get("subtypes") or []
        for concrete in members.values():
            assert concrete in subtypes, f"{concrete} is not a subtype of {union}"
            assert concrete in TYPES


def test_every_object_type_we_parse_is_declared(spec: dict[str, Any]) -> None:
    """A field typed with an object must point at a declared type or union we can check."""
    known = set(TYPES) | set(UNIONS) | {"Integer", "String", "Boolean", "Float", "InputFile"}
    for owner, fields in [*METHODS.items(), *TYPES.items()]:
        for field in fields:
            for t in field.types:
                base = t.removeprefix("Array of ").removeprefix("Array of ")
                if owner in METHODS and base in ("ReplyKeyboardMarkup", "ForceReply"):
                    assert base in TYPES
                assert base in known, f"{owner}.{field.name} uses undeclared type {base}"


def test_conformance_check_can_fail(spec: dict[str, Any]) -> None:
    """The comparison itself notices a wrong type and a missing required field."""
    wrong = (Field("chat_id", ("Integer",), True),)
    problems = _mismatches("sendMessage", wrong, spec["methods"]["sendMessage"])
    assert any("types" in p for p in problems)
    assert any("text: required" in p for p in problems)
