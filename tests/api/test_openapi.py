"""/api/openapi.json, fetched from the running server: valid OpenAPI 3.1, describing every
route the server has under /api/, and true to what the endpoints really answer."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate

from runtime.application import api_context
from tests.api.conftest import Api
from tests.api.described import check_as_described
from tests.api.test_student_api import ANNA, scene
from web.webhook import web_app

METHODS = {"get", "post", "put", "patch", "delete"}


async def test_the_description_is_valid_openapi_and_covers_every_api_route(api: Api) -> None:
    got = await api.get("/api/openapi.json")
    assert got.status == 200
    doc = got.body
    validate(doc)  # OpenAPI 3.1, refs resolved
    app = web_app(None, "", api.harness.app.health, api_context(api.harness.app))  # type: ignore[arg-type]
    routes = {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith("/api/")
    }
    assert routes
    for method, path in routes:
        if method in METHODS and path != "/api/openapi.json":
            assert method in doc["paths"].get(path, {}), f"{method.upper()} {path} not described"


async def test_the_student_endpoints_answer_as_described(api: Api) -> None:
    doc = (await api.get("/api/openapi.json")).body
    sc = await scene(api, count=3)
    base = f"/api/booking/{sc.token}"
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("get", base, {}),
        ("get", f"{base}/calendar?days=3", {}),
        ("post", f"{base}/book", {"json": {"slot_id": sc.slots[0].id}}),
        ("get", f"{base}/my-bookings", {}),
        ("get", "/api/me", {}),
        ("post", f"{base}/book", {"json": {"slot_id": sc.slots[0].id}}),  # 409
        ("post", f"{base}/book", {"json": {"slot_id": 0}}),  # 422
        ("get", f"/api/booking/{'B' * 43}/calendar", {}),  # 404
    ]
    for method, path, kwargs in calls:
        got = await api.call(method.upper(), path, as_user=ANNA, **kwargs)
        check_as_described(doc, method, path, got)
    [lesson] = (await api.get(f"{base}/my-bookings", as_user=ANNA)).body["upcoming"]
    moved_path = f"{base}/reschedule/{lesson['id']}"
    moved = await api.post(moved_path, as_user=ANNA, json={"slot_id": sc.slots[2].id})
    assert moved.status == 200
    check_as_described(doc, "post", moved_path, moved)
    cancel_path = f"{base}/cancel/{moved.body['booking']['id']}"
    cancelled = await api.post(cancel_path, as_user=ANNA)
    assert cancelled.status == 200
    check_as_described(doc, "post", cancel_path, cancelled)
    unproven = await api.get(f"{base}/my-bookings")
    assert unproven.status == 401
    check_as_described(doc, "get", f"{base}/my-bookings", unproven)
