"""What the teacher endpoints refuse: no proof, a bad or revoked key, bad initData, a
student, another teacher's student, bad parameters, too many requests."""

from __future__ import annotations

import pytest

from bot.services import api_keys
from tests.api.conftest import Api
from tests.api.teacher_scene import ANNA, OTHER_TEACHER, TEACHER, scene
from tests.steps.mini_app import signed_init_data

STUDENTS = "/api/teacher/students"


async def test_without_proof_the_teacher_endpoints_say_who_may_ask(api: Api) -> None:
    await scene(api)
    got = await api.get(STUDENTS)
    assert (got.status, got.body["code"]) == (401, "unauthorized")
    assert "tma" in got.headers["WWW-Authenticate"] and "Bearer" in got.headers["WWW-Authenticate"]


@pytest.mark.parametrize("key", ["ll_" + "A" * 43, "not-a-key", "ll_", "ll_" + "x" * 500])
async def test_an_unknown_key_is_refused(api: Api, key: str) -> None:
    await scene(api)
    got = await api.get(STUDENTS, headers={"Authorization": f"Bearer {key}"})
    assert (got.status, got.body["code"]) == (401, "api-key-invalid")


async def test_a_revoked_key_is_refused_at_once(api: Api) -> None:
    s = await scene(api)
    assert (await api.get(STUDENTS, headers=s.bearer())).status == 200
    [key] = (await api_keys.listing(api.harness.app.deps, TEACHER)).keys
    await api_keys.revoke(api.harness.app.deps, TEACHER, key.id)
    got = await api.get(STUDENTS, headers=s.bearer())
    assert (got.status, got.body["code"]) == (401, "api-key-invalid")
    assert got.body["detail"] == "This API key is unknown or was revoked."


async def test_forged_stale_and_wrong_bot_init_data_are_refused(api: Api) -> None:
    await scene(api)
    now = api.harness.clock.now()
    good = api.init_data(TEACHER)
    forged = good.replace("User", "Mallory")
    stale = signed_init_data(
        "123456:TEST-token-for-the-local-server", TEACHER, now.replace(year=2025)
    )
    other_bot = signed_init_data("999:another-bot", TEACHER, now)
    cases = [
        (forged, "init-data-invalid"),
        (stale, "init-data-stale"),
        (other_bot, "init-data-invalid"),
    ]
    for init_data, code in cases:
        got = await api.get(STUDENTS, headers={"Authorization": f"tma {init_data}"})
        assert (got.status, got.body["code"]) == (401, code), got.body


async def test_a_student_is_not_a_teacher(api: Api) -> None:
    s = await scene(api)
    for path in (STUDENTS, f"{STUDENTS}/{s.anna}/share-link", "/api/teacher/schedule"):
        got = await api.get(path, as_user=ANNA)
        assert (got.status, got.body["code"]) == (403, "not-a-teacher"), path
    russian = await api.call(
        "GET", STUDENTS, headers={"Authorization": f"tma {api.init_data(ANNA, language='ru')}"}
    )
    assert russian.body["detail"].startswith("Это для преподавателей")


async def test_another_teachers_student_is_not_found_and_keeps_its_link(api: Api) -> None:
    s = await scene(api)
    path = f"{STUDENTS}/{s.foreign}/share-link"
    for method, suffix in (("GET", ""), ("POST", ""), ("DELETE", ""), ("GET", "/qr.png")):
        for got in (
            await api.call(method, path + suffix, as_user=TEACHER),
            await api.call(method, path + suffix, headers=s.bearer()),
        ):
            assert (got.status, got.body["code"]) == (404, "not-found"), (method, suffix)
    theirs = await api.get(path, as_user=OTHER_TEACHER)
    assert theirs.status == 200 and theirs.body["state"] == "active" and theirs.body["bound"]
    unknown = await api.get(f"{STUDENTS}/999999/share-link", headers=s.bearer())
    assert unknown.status == 404


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/teacher/analytics/token-usage?days=0", "days"),
        ("/api/teacher/analytics/bookings?days=9999", "days"),
        ("/api/teacher/schedule?days=abc", "days"),
        ("/api/teacher/schedule?from=yesterday", "from"),
    ],
)
async def test_bad_parameters_are_named(api: Api, path: str, field: str) -> None:
    s = await scene(api)
    got = await api.get(path, headers=s.bearer())
    assert (got.status, got.body["code"]) == (422, "invalid-request")
    assert [e["field"] for e in got.body["errors"]] == [field]


async def test_a_bad_regenerate_body_changes_nothing(api: Api) -> None:
    s = await scene(api)
    path = f"{STUDENTS}/{s.ben}/share-link"
    for body, field in (
        ({"max_uses": "many"}, "max_uses"),
        ({"expires_in_days": 0}, "expires_in_days"),
    ):
        got = await api.post(path, headers=s.bearer(), json=body)
        assert (got.status, got.body["errors"][0]["field"]) == (422, field)
    not_json = await api.post(path, headers={**s.bearer(), "Content-Type": "text/plain"}, data="x")
    assert not_json.status == 415
    huge = await api.post(path, headers=s.bearer(), json={"pad": "x" * 20_000})
    assert huge.status == 413, (huge.status, huge.raw[:300])
    still = await api.get(path, headers=s.bearer())
    assert s.ben_token in still.body["url"]


async def test_too_many_requests_with_one_key_wait_for_retry_after(api: Api) -> None:
    s = await scene(api)
    # 60 a minute: the bucket drains as the requests go, so a few more may pass first.
    statuses = []
    for _ in range(120):
        got = await api.get(STUDENTS, headers=s.bearer())
        statuses.append(got.status)
        if got.status != 200:
            break
    assert statuses[:60] == [200] * 60 and statuses[-1] == 429, statuses
    assert got.body["code"] == "rate-limited"
    assert int(got.headers["Retry-After"]) >= 1
    # The limit is the key's: the teacher's Mini App has its own.
    assert (await api.get(STUDENTS, as_user=TEACHER)).status == 200


async def test_a_key_holders_refusals_are_in_the_teachers_chosen_language(api: Api) -> None:
    s = await scene(api)
    async with api.harness.app.deps.uow() as uow:
        await uow.accounts.update(TEACHER, language="ru")
        await uow.commit()
    got = await api.get("/api/teacher/schedule?days=0", headers=s.bearer())
    assert got.status == 422 and got.headers["Content-Language"] == "ru"
    assert got.body["errors"][0]["detail"] == "Выберите от 1 до 42 дней."


async def test_odd_numbers_dates_and_ids_are_short_answers_never_a_crash(api: Api) -> None:
    s = await scene(api)
    for path, status in (
        ("/api/teacher/analytics/bookings?days=%C2%B2", 422),  # a superscript two is a digit
        ("/api/teacher/schedule?from=9999-12-31", 422),
        ("/api/teacher/schedule?from=0001-01-01", 422),
        ("/api/teacher/students/99999999999999999999999/share-link", 404),
    ):
        got = await api.get(path, headers=s.bearer())
        assert got.status == status, (path, got.body)
        assert got.headers["Content-Type"].startswith("application/problem+json")
