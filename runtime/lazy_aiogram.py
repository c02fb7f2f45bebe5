"""Import aiogram with its pydantic validators and serializers built on first use.

`import aiogram` builds a validator and a serializer for every one of the Bot API's ~400
types and ~230 methods: about 110 MB of a worker's memory and two seconds, though a bot uses
a few dozen of them. Imported before aiogram, this module imports it so that:

- aiogram's loop at the end of `aiogram/types/__init__.py`, which calls
  `model_rebuild(_types_namespace=...)` on every type, resolves each type's field annotations
  with that namespace (cheap) and stops before the schema, validator and serializer;
- pydantic's default `defer_build` is True while aiogram is imported, so the methods, which
  aiogram does not defer, are not built at class creation either;
- every model so deferred gets placeholders (pydantic's `MockCoreSchema`, and `MockValSer`s
  that also build when merely read) which on first use make the build the import would have
  made: `model_rebuild` with aiogram's types namespace for a type, with its own module's
  names for a method.

With every field already resolved, a model that embeds an aiogram type before that type is
used (aiogram's `Response[Message]`, our own models) builds as with a plain import. After the
import pydantic's default and `model_rebuild` are restored; models defined later are built
as usual. The hooks are pydantic internals, so pyproject pins the aiogram and pydantic
versions this is tested with, and tests/unit/test_lazy_aiogram.py checks that every Bot API
type and method validates and serialises exactly as after a plain `import aiogram`.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from pydantic._internal import _config, _fields, _generics
from pydantic._internal._mock_val_ser import MockCoreSchema, MockValSer
from pydantic._internal._namespace_utils import NsResolver
from pydantic_core import CoreSchema

Namespace = dict[str, Any]

# Each model left to be built on first use, with the namespace its import-time build used:
# aiogram's types namespace for a type, None (its module's names) for anything else.
_DEFERRED: dict[type[BaseModel], Namespace | None] = {}
_BUILDING: set[type[BaseModel]] = set()
_LOCK = threading.RLock()  # pydantic's rebuild is not thread-safe; first uses may race


def _all_models() -> Iterator[type[BaseModel]]:
    """Every BaseModel subclass defined so far."""
    stack = [BaseModel]
    while stack:
        for sub in type.__subclasses__(stack.pop()):
            stack.append(sub)
            yield sub


def _resolve_fields(model: type[BaseModel], namespace: Namespace) -> None:
    """Resolve a model's field annotations with a namespace, building nothing else."""
    fields, extra = _fields.rebuild_model_fields(
        model,
        config_wrapper=_config.ConfigWrapper(model.model_config, check=False),
        ns_resolver=NsResolver(parent_namespace=namespace),
        typevars_map=_generics.get_model_typevars_map(model),
    )
    model.__pydantic_fields__ = fields
    model.__pydantic_extra_info__ = extra


def _build(model: type[BaseModel]) -> bool:
    """Build a deferred model as the import would have; False if it cannot be built."""
    with _LOCK:
        if model.__pydantic_complete__:
            return True
        namespace = _DEFERRED[model]
        _BUILDING.add(model)
        try:
            if namespace is None:  # as at class creation: its module's names
                done = model.model_rebuild(raise_errors=False, _parent_namespace_depth=0)
            else:  # as aiogram's loop in aiogram/types/__init__.py
                done = model.model_rebuild(raise_errors=False, _types_namespace=namespace)
        finally:
            _BUILDING.discard(model)
        return done is not False


class _BuiltOnAccess(MockValSer[Any]):
    """pydantic's placeholder for a model's validator or serializer, building it when read.

    pydantic-core reads a model's `__pydantic_serializer__` itself when it serialises an
    instance by inference (an `extra` field, `Any`, a union falling back), and an instance
    validated inside another model exists before its own class is built: so reading the
    attribute, not only calling a method on it, builds the model.
    """

    __slots__ = ("_model", "_name")

    def __init__(self, model: type[BaseModel], name: str, kind: str) -> None:
        super().__init__(
            f"`{model.__name__}` could not be built on first use (runtime/lazy_aiogram.py)",
            code="class-not-fully-defined",
            val_or_ser="validator" if kind == "validator" else "serializer",
            attempt_rebuild=self._built,
        )
        self._model = model
        self._name = name

    def _built(self) -> Any:
        return getattr(self._model, self._name) if _build(self._model) else None

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        # pydantic's own rebuild reads the placeholder to replace it; a subclass being
        # created sees its base's until it has its own.
        if owner is not self._model or owner in _BUILDING:
            return self
        return self._built() or self


def _on_first_use(model: type[BaseModel]) -> None:
    """Give a deferred model placeholders that build it when first used."""

    def built_schema() -> CoreSchema | None:
        return model.__pydantic_core_schema__ if _build(model) else None

    model.__pydantic_core_schema__ = MockCoreSchema(
        f"`{model.__name__}` could not be built on first use (runtime/lazy_aiogram.py)",
        code="class-not-fully-defined",
        attempt_rebuild=built_schema,
    )
    for name, kind in (
        ("__pydantic_validator__", "validator"),
        ("__pydantic_serializer__", "serializer"),
    ):
        type.__setattr__(model, name, _BuiltOnAccess(model, name, kind))


def _import_aiogram_deferred() -> None:
    """Import aiogram with every model it defines left to be built on first use."""
    before = set(_all_models())
    rebuild = BaseModel.__dict__["model_rebuild"]

    def resolve_only(
        cls: type[BaseModel],
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Namespace | None = None,
    ) -> bool | None:
        if _types_namespace is None or force or cls.__pydantic_complete__:
            return rebuild.__func__(  # type: ignore[no-any-return]
                cls,
                force=force,
                raise_errors=raise_errors,
                _parent_namespace_depth=_parent_namespace_depth + 1,
                _types_namespace=_types_namespace,
            )
        _resolve_fields(cls, _types_namespace)
        _DEFERRED[cls] = _types_namespace  # the same dict for every type, not a copy
        return None

    BaseModel.model_rebuild = classmethod(resolve_only)  # type: ignore[assignment, method-assign]
    _config.config_defaults["defer_build"] = True
    try:
        import aiogram  # noqa: F401
    finally:
        _config.config_defaults["defer_build"] = False
        BaseModel.model_rebuild = rebuild  # type: ignore[method-assign]
    if not _DEFERRED:
        raise RuntimeError(
            "aiogram did not rebuild its types as runtime/lazy_aiogram.py expects: "
            "install the aiogram and pydantic versions pinned in pyproject.toml"
        )
    for model in set(_all_models()) - before:
        if not isinstance(model.__dict__.get("__pydantic_validator__"), MockValSer):
            continue
        # A model aiogram defers itself and never rebuilds keeps pydantic's own behaviour.
        if model in _DEFERRED or "defer_build" not in model.model_config:
            _DEFERRED.setdefault(model, None)
            _on_first_use(model)


def deferred_models() -> frozenset[type[BaseModel]]:
    """The models whose build this module deferred at import, built since or not."""
    return frozenset(_DEFERRED)


# Imported after aiogram (a bench that wires a bare aiogram bot first), the models are built
# already and there is nothing left to defer.
if "aiogram" not in sys.modules:
    _import_aiogram_deferred()
