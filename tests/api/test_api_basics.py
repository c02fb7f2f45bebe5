"""What every API answer shares: problem details in the caller's language, safe headers,
an OpenAPI description, limits on size and rate, and no token in the access log."""

from __future__ import annotations

import logging

import pytest

from tests.api.conftest import Api
from web.api.access_log import redact_path

TOKEN_LIKE = "Zq3xv8Pq0fT2kLmN4bRt6Yw1cD9eHs5jU7gAiOoKpXy"


async def test_an_unknown_address_is_a_problem_in_the_callers_language(api: Api) -> None:
    got = await api.get("/api/nothing-here", headers={"Accept-Language": "ru, en;q=0.5"})
    assert got.status == 404
    assert got.headers["Content-Type"].startswith("application/problem+json")
    assert got.body["code"] == "not-found"
    assert got.body["status"] == 404
    assert got.body["detail"] == "Здесь ничего нет."
    assert got.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors" in got.headers["Content-Security-Policy"]
    assert got.headers["X-Content-Type-Options"] == "nosniff"


async def test_forged_and_stale_init_data_are_refused_with_a_challenge(api: Api) -> None:
    good = api.init_data(501)
    forged = good.replace("User", "Mallory")
    for init_data, code in ((forged, "init-data-invalid"), ("garbage", "init-data-invalid")):
        got = await api.get("/api/me", headers={"Authorization": f"tma {init_data}"})
        assert (got.status, got.body["code"]) == (401, code), got.body
        assert got.headers["WWW-Authenticate"] == "tma"


async def test_the_openapi_description_is_served(api: Api) -> None:
    got = await api.get("/api/openapi.json")
    assert got.status == 200
    assert got.body["openapi"].startswith("3.1")
    assert "Problem" in got.body["components"]["schemas"]


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (f"/api/booking/{TOKEN_LIKE}/calendar?from=2026-12-01", "/api/booking/<token>/calendar"),
        (f"/book/12/{TOKEN_LIKE}", "/book/12/<token>"),
        ("/api/teacher/students/12/share-link", "/api/teacher/students/12/share-link"),
    ],
)
def test_the_access_log_never_shows_a_token(path: str, shown: str) -> None:
    assert redact_path(path) == shown


async def test_requests_are_logged_without_their_tokens(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="lessonlink.access"):
        await api.get(f"/api/booking/{TOKEN_LIKE}/calendar?from=2026-12-01")
        encoded = "".join(f"%{ord(c):02X}" for c in TOKEN_LIKE)  # the same path, %-encoded
        await api.get(f"/api/booking/{encoded}/my-bookings")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "lessonlink.access")
    assert "/api/booking/<token>/calendar" in logged
    assert "/api/booking/<token>/my-bookings" in logged
    assert TOKEN_LIKE not in caplog.text and "%5A%71" not in caplog.text
