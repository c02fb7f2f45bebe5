"""The one place notices are (de)serialised: flat JSON in an outbox row, checked on the way back.

A row stores its notice as flat JSON (the facts, UTC times as ISO strings); the text is
rendered only when it is sent, in the recipient's language and zone. The JSON keeps the
shape rows have always had, so rows queued by an older version still read.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import datetime
from enum import Enum

from pydantic import TypeAdapter, ValidationError

# Notice types register themselves on import: each kind must be known before a row is read.
import bot.domain.guardian_notices  # noqa: F401
from bot.domain.notices import NOTICES, LessonNotice, Notice, UnreadableNotice
from bot.domain.series_notices import SeriesNotice


def _json(value: object) -> object:
    if isinstance(value, tuple):
        return [_json(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value.value if isinstance(value, Enum) else value


def dump_notice(notice: Notice) -> dict[str, object]:
    """The JSON payload a notice is stored as: flat, times as ISO strings."""
    data: dict[str, object] = {}
    for f in fields(notice):
        value = getattr(notice, f.name)
        if is_dataclass(value):  # the lesson's (or series') facts sit beside the notice's own
            data.update({g.name: _json(getattr(value, g.name)) for g in fields(value)})
        else:
            data[f.name] = _json(value)
    return data


_ADAPTERS: dict[type[Notice], TypeAdapter[Notice]] = {}
# The notices whose facts are one nested dataclass, stored flat: the field that holds them.
_NESTED: dict[type[Notice], str] = {LessonNotice: "lesson", SeriesNotice: "series"}
_NESTED_KEYS = [(key,) for key in _NESTED.values()]


def _adapter(cls: type[Notice]) -> TypeAdapter[Notice]:
    """The validator of one notice type, built on first use."""
    if cls not in _ADAPTERS:
        _ADAPTERS[cls] = TypeAdapter(cls)
    return _ADAPTERS[cls]


def read_notice(kind: str, payload: dict[str, object]) -> Notice:
    """The notice a row stores, checked field by field; UnreadableNotice if it is none."""
    cls = NOTICES.get(kind)
    if cls is None:
        raise UnreadableNotice(f"unknown kind {kind!r}")
    nested = next((key for base, key in _NESTED.items() if issubclass(cls, base)), None)
    data = {**payload, nested: payload} if nested else payload
    try:
        notice = _adapter(cls).validate_python(data)
    except ValidationError as exc:
        raise UnreadableNotice(_problems(exc)) from None
    if _naive_times(notice):
        raise UnreadableNotice("a time without its UTC offset")
    return notice


def _problems(exc: ValidationError) -> str:
    """The first few problems, each named by its key in the stored JSON."""
    said = []
    for error in exc.errors()[:3]:
        loc = error["loc"][1:] if error["loc"][:1] in _NESTED_KEYS else error["loc"]
        said.append(f"{'.'.join(map(str, loc))}: {error['msg']}")
    return "; ".join(said)


def _naive_times(value: object) -> bool:
    """Whether a notice holds a time without an offset (it could not be compared to now)."""
    if isinstance(value, datetime):
        return value.tzinfo is None
    if isinstance(value, tuple):
        return any(_naive_times(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return any(_naive_times(getattr(value, f.name)) for f in fields(value))
    return False
