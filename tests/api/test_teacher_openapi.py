"""The teacher endpoints' OpenAPI part is valid and true to what they really answer."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate

from tests.api.conftest import Api
from tests.api.described import check_as_described
from tests.api.teacher_scene import ANNA, TEACHER, scene


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
        check_as_described(doc, method, path, got)
        tma = await api.call(method.upper(), path, as_user=TEACHER, **kwargs)
        check_as_described(doc, method, path, tma)
    check_as_described(doc, "get", "/api/teacher/students", await api.get("/api/teacher/students"))
    student = await api.get("/api/teacher/students", as_user=ANNA)
    assert student.status == 403
    check_as_described(doc, "get", "/api/teacher/students", student)
