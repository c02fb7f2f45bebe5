"""The teacher endpoints' OpenAPI part is valid and true to what they really answer."""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.api.conftest import Api, Reply
from tests.api.teacher_scene import ANNA, TEACHER, scene


def _template(doc: dict[str, Any], path: str) -> str:
    for template in doc["paths"]:
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            return template
    raise AssertionError(f"{path} is not described")


def _check(doc: dict[str, Any], method: str, path: str, got: Reply) -> None:
    operation = doc["paths"][_template(doc, path.split("?")[0])][method]
    response = operation["responses"][str(got.status)]
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    if got.status < 400 and "image/png" in response["content"]:
        assert got.headers["Content-Type"] == "image/png"
        return
    media = "application/problem+json" if got.status >= 400 else "application/json"
    schema = {**response["content"][media]["schema"], "components": doc["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(got.body), key=str)
    assert not errors, (method, path, [e.message for e in errors])


async def test_the_teacher_endpoints_answer_as_described(api: Api) -> None:
    doc = (await api.get("/api/openapi.json")).body
    validate(doc)
    s = await scene(api)
    link = f"/api/teacher/students/{s.anna}/share-link"
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("get", "/api/teacher/students", {}),
        ("get", link, {}),
        ("get", link + "/qr.png", {}),
        ("post", link, {"json": {"expires_in_days": 3, "max_uses": None}}),
        ("post", link, {"json": {"max_uses": -1}}),  # 422
        ("get", "/api/teacher/analytics/token-usage?days=3", {}),
        ("get", "/api/teacher/analytics/bookings", {}),
        ("get", "/api/teacher/schedule?from=2026-11-24&days=2", {}),
        ("get", f"/api/teacher/students/{s.foreign}/share-link", {}),  # 404
        ("delete", link, {}),
    ]
    for method, path, kwargs in calls:
        got = await api.call(method.upper(), path, headers=s.bearer(), **kwargs)
        _check(doc, method, path, got)
        tma = await api.call(method.upper(), path, as_user=TEACHER, **kwargs)
        _check(doc, method, path, tma)
    _check(doc, "get", "/api/teacher/students", await api.get("/api/teacher/students"))
    student = await api.get("/api/teacher/students", as_user=ANNA)
    assert student.status == 403
    _check(doc, "get", "/api/teacher/students", student)
