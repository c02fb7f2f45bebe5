"""A sample of every Bot API type and method, from the official description, through aiogram.

`outcomes()` validates a full sample of each type and of each method's parameters and result
with aiogram's models and records what comes out (the JSON and Python dumps, or the errors).
tests/unit/test_lazy_aiogram.py compares it in a process whose aiogram builds its models on
first use (runtime/lazy_aiogram.py) with `python -m tests.bot_api_samples SPEC`, which runs it
after a plain `import aiogram` and prints it as JSON.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError

Spec = dict[str, Any]
ALWAYS = re.compile(r'(?:always|must be) "?([\w-]+)"?', re.IGNORECASE)  # a fixed value
FULL_DEPTH = 2  # below this depth samples carry every field, deeper only the required ones


def sample(spec: Spec, types: list[str], name: str, depth: int = 0) -> object:
    """A value of the first of `types` that can be written as JSON (files are not)."""
    kinds = [t for t in types if t != "InputFile"] or types
    kind = kinds[0]
    if kind.startswith("Array of "):
        return [sample(spec, [kind.removeprefix("Array of ")], name, depth)]
    if kind == "Integer":
        return 1_700_000_000 + len(name) if "date" in name else 10 + len(name)
    if kind == "Float":
        return 0.5 + len(name)
    if kind in ("Boolean", "True"):
        return True
    if kind == "String":
        return f"{name}-text"
    entry = spec["types"].get(kind)
    if entry is None:
        return f"{kind}-value"
    if "subtypes" in entry:
        return sample(spec, [entry["subtypes"][0]], name, depth)
    return sample_object(spec, entry, depth + 1)


def fixed(field: dict[str, Any]) -> object:
    """The one value a field may hold ('always "user"', 'must be article', 'Always 0')."""
    found = ALWAYS.search(field["description"])
    if found is None or field["types"] not in (["String"], ["Integer"]):
        return None
    value = found.group(1)
    if field["types"] == ["Integer"]:
        return int(value) if value.isdigit() else None
    return value


def sample_object(spec: Spec, entry: dict[str, Any], depth: int = 0) -> dict[str, object]:
    """Every field of a type or method (only the required ones deep down), each with a value."""
    values: dict[str, object] = {}
    for field in entry.get("fields", []):
        if not field["required"] and depth >= FULL_DEPTH:
            continue
        values[field["name"]] = fixed(field) or sample(spec, field["types"], field["name"], depth)
    return values


def _outcome(validate: Any, payload: object) -> dict[str, object]:
    """What validating the payload gives: its dumps, or the errors' kinds and places."""
    try:
        model: BaseModel = validate(payload)
    except ValidationError as exc:
        return {"errors": [[e["type"], list(e["loc"])] for e in exc.errors()]}
    try:
        as_json = model.model_dump_json(warnings=False)
    except PydanticSerializationError as exc:  # a method's Default(...) is aiogram's to resolve
        as_json = f"not serialisable: {exc}"
    return {"json": as_json, "python": repr(model.model_dump(warnings=False))}


def outcomes(spec: Spec) -> dict[str, dict[str, object]]:
    """Each type's and each method's outcome, keyed by its Bot API name."""
    import aiogram.methods
    import aiogram.types
    from aiogram.methods.base import Response

    results: dict[str, dict[str, object]] = {}
    for name, entry in sorted(spec["types"].items()):
        model = getattr(aiogram.types, name, None)
        if isinstance(model, type) and issubclass(model, BaseModel) and "fields" in entry:
            results[name] = _outcome(model.model_validate, sample_object(spec, entry))
    for name, entry in sorted(spec["methods"].items()):
        method = getattr(aiogram.methods, name[0].upper() + name[1:], None)
        if not (isinstance(method, type) and issubclass(method, BaseModel)):
            continue
        results[name] = _outcome(method.model_validate, sample_object(spec, entry))
        result = {"ok": True, "result": sample(spec, entry["returns"], name)}
        results[f"{name} result"] = _outcome(Response[method.__returning__].model_validate, result)
    return results


if __name__ == "__main__":
    import aiogram  # noqa: F401  (a plain import: every model built now)
    from aiogram.types import Update

    spec_data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    built = Update.__pydantic_complete__
    json.dump({"built at import": built, "outcomes": outcomes(spec_data)}, sys.stdout)
