"""Every way the student endpoints say no: the link's checks as /start runs them, proof of
who is asking, other students' data, booking rules, bad requests, and rate limits."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import Api
from tests.api.test_student_api import ANNA, BEN, scene
from tests.handlers.conftest import TOKEN
from tests.steps import student_steps as s
from tests.steps.mini_app import signed_init_data

UNKNOWN = "A" * 43


async def _limits(
    api: Api, student_id: int, expires_in: timedelta | None, uses: int | None
) -> None:
    async with api.harness.app.deps.uow() as u:
        link = await u.links.current(student_id)
        assert link is not None
        expires = api.harness.clock.now() + expires_in if expires_in is not None else None
        await u.links.set_limits(link.id, expires, uses)
        await u.commit()


async def test_expired_revoked_and_unknown_links_are_refused_as_in_the_chat(api: Api) -> None:
    sc = await scene(api)
    await _limits(api, sc.student_id, timedelta(days=1), None)
    api.harness.clock.advance(timedelta(days=2))
    got = await api.get(f"/api/booking/{sc.token}", as_user=ANNA)
    assert (got.status, got.body["code"]) == (403, "link-expired")
    assert got.body["detail"] == "This link has expired. Please ask your teacher for a new link."
    async with api.harness.app.deps.uow() as u:
        await u.links.revoke_all(sc.student_id, api.harness.clock.now(), replaced=False)
        await u.commit()
    got = await api.get(f"/api/booking/{sc.token}/calendar", as_user=ANNA)
    assert (got.status, got.body["code"]) == (403, "link-revoked")
    got = await api.get(f"/api/booking/{UNKNOWN}", as_user=BEN)
    assert (got.status, got.body["code"]) == (404, "link-unknown")
    async with api.harness.app.deps.uow() as u:
        since = api.harness.clock.now() - timedelta(minutes=10)
        counted = await u.audit.times_by_actor(ANNA, "link_refused", since)
    assert len(counted) == 2  # refusals the throttle counts, as for /start


async def test_a_used_up_link_is_refused(api: Api) -> None:
    sc = await scene(api, browser_links=True)
    await _limits(api, sc.student_id, None, 1)
    assert (await api.get(f"/api/booking/{sc.token}")).status == 200  # a browser spends the use
    got = await api.get(f"/api/booking/{sc.token}", as_user=ANNA)
    assert (got.status, got.body["code"]) == (403, "link-used-up")


async def test_refused_tokens_throttle_the_account_with_retry_after(api: Api) -> None:
    for _ in range(3):
        got = await api.get(f"/api/booking/{UNKNOWN}", as_user=ANNA)
        assert got.status == 404
    got = await api.get(f"/api/booking/{UNKNOWN}", as_user=ANNA)
    assert (got.status, got.body["code"]) == (429, "rate-limited")
    assert int(got.headers["Retry-After"]) > 0


async def test_a_browser_guessing_tokens_is_held_back(api: Api) -> None:
    for _ in range(5):
        assert (await api.get(f"/api/booking/{UNKNOWN}")).status == 404
    got = await api.get(f"/api/booking/{UNKNOWN}")
    assert (got.status, got.body["code"]) == (429, "rate-limited")
    assert int(got.headers["Retry-After"]) >= 1


async def test_a_bound_link_needs_its_accounts_proof(api: Api) -> None:
    h = api.harness
    sc = await scene(api)
    await api.get(f"/api/booking/{sc.token}", as_user=ANNA)
    without = await api.get(f"/api/booking/{sc.token}/my-bookings")
    assert (without.status, without.body["code"]) == (401, "browser-links-off")
    assert without.headers["WWW-Authenticate"] == "tma"
    h.user(BEN, "Ben")
    other = await api.get(f"/api/booking/{sc.token}", as_user=BEN)
    assert (other.status, other.body["code"]) == (403, "link-bound-elsewhere")
    assert await s.outbox(h, "link_bound_elsewhere")  # the teacher is told, as from /start


async def test_forged_stale_and_wrong_bot_init_data_are_refused(api: Api) -> None:
    sc = await scene(api)
    now = api.harness.clock.now()
    stale = signed_init_data(TOKEN, ANNA, now - timedelta(days=2))
    wrong_bot = signed_init_data("999:another-bot", ANNA, now)
    forged = api.init_data(ANNA).replace("User", "Eve")
    for init_data, code in (
        (stale, "init-data-stale"),
        (wrong_bot, "init-data-invalid"),
        (forged, "init-data-invalid"),
    ):
        got = await api.get(
            f"/api/booking/{sc.token}", headers={"Authorization": f"tma {init_data}"}
        )
        assert (got.status, got.body["code"]) == (401, code)
    async with api.harness.app.deps.uow() as u:
        student = await u.students.get(sc.student_id)
    assert student is not None and student.telegram_id is None  # nothing bound


async def test_another_students_booking_is_not_found(api: Api) -> None:
    h = api.harness
    sc = await scene(api)
    ben = await s.student(h, sc.teacher, BEN, "Ben")
    from bot.services import booking

    bens = await booking.book(h.app.deps, BEN, ben, sc.slots[0].id)
    for call in (
        api.post(f"/api/booking/{sc.token}/cancel/{bens.booking_id}", as_user=ANNA),
        api.post(
            f"/api/booking/{sc.token}/reschedule/{bens.booking_id}",
            as_user=ANNA,
            json={"slot_id": sc.slots[1].id},
        ),
        api.get(f"/api/booking/{sc.token}/bookings/{bens.booking_id}/calendar.ics", as_user=ANNA),
    ):
        got = await call
        assert (got.status, got.body["code"]) == (404, "not-found")
    assert [b.status.value for b, _ in await s.bookings_of(h, ben)] == ["confirmed"]


async def test_a_full_slot_and_a_passed_window_are_conflicts(api: Api) -> None:
    h = api.harness
    sc = await scene(api)
    ben = await s.student(h, sc.teacher, BEN, "Ben")
    from bot.services import booking

    await booking.book(h.app.deps, BEN, ben, sc.slots[0].id)
    full = await api.post(
        f"/api/booking/{sc.token}/book", as_user=ANNA, json={"slot_id": sc.slots[0].id}
    )
    assert (full.status, full.body["code"]) == (409, "slot-full")
    assert full.body["detail"] == "This slot was just taken. Please pick another time."
    made = await api.post(
        f"/api/booking/{sc.token}/book", as_user=ANNA, json={"slot_id": sc.slots[1].id}
    )
    h.clock.advance(timedelta(hours=2))  # past the undo period, inside the 24 h window
    late = await api.post(
        f"/api/booking/{sc.token}/cancel/{made.body['booking']['id']}", as_user=ANNA
    )
    assert (late.status, late.body["code"]) == (409, "change-too-late")


async def test_bad_requests_are_refused_with_their_status(api: Api) -> None:
    sc = await scene(api)
    path = f"/api/booking/{sc.token}/book"
    huge = await api.post(path, as_user=ANNA, json={"slot_id": 1, "pad": "x" * 20_000})
    assert (huge.status, huge.body["code"]) == (413, "body-too-large")
    text = await api.post(path, as_user=ANNA, data="slot_id=1")
    assert (text.status, text.body["code"]) == (415, "unsupported-media-type")
    broken = await api.post(
        path, as_user=ANNA, data="{", headers={"Content-Type": "application/json"}
    )
    assert (broken.status, broken.body["code"]) == (400, "malformed-json")
    wrong = await api.post(path, as_user=ANNA, json={"slot_id": "soon"})
    assert (wrong.status, wrong.body["code"]) == (422, "invalid-request")
    assert wrong.body["errors"][0]["field"] == "slot_id"
    days = await api.get(f"/api/booking/{sc.token}/calendar?days=99", as_user=ANNA)
    assert (days.status, days.body["errors"][0]["field"]) == (422, "days")
    for day in ("9999-12-31", "0001-01-01", "tomorrow"):
        far = await api.get(f"/api/booking/{sc.token}/calendar?from={day}", as_user=ANNA)
        assert (far.status, far.body["errors"][0]["field"]) == (422, "from")
    nul = await api.get(f"/api/booking/{sc.token}/calendar?subject=%00Math", as_user=ANNA)
    assert (nul.status, nul.body["errors"][0]["field"]) == (422, "subject")
    assert await s.bookings_of(api.harness, sc.student_id) == []


async def test_one_link_is_rate_limited_with_retry_after(api: Api) -> None:
    sc = await scene(api)
    seen = []
    for _ in range(150):  # 60 a minute; a slow machine regains one a second meanwhile
        got = await api.get(f"/api/booking/{sc.token}/calendar?days=1", as_user=ANNA)
        seen.append(got.status)
        if got.status == 429:
            assert got.headers["Retry-After"].isdigit()
            break
    assert seen[-1] == 429 and set(seen[:-1]) == {200}


async def test_plain_browser_links_work_when_the_teacher_allows_and_never_bind(api: Api) -> None:
    sc = await scene(api, browser_links=True)
    made = await api.post(f"/api/booking/{sc.token}/book", json={"slot_id": sc.slots[0].id})
    assert made.status == 201, made.body
    listed = await api.get(f"/api/booking/{sc.token}/my-bookings")
    assert [b["id"] for b in listed.body["upcoming"]] == [made.body["booking"]["id"]]
    async with api.harness.app.deps.uow() as u:
        student = await u.students.get(sc.student_id)
    assert student is not None and student.telegram_id is None
    off = await scene_off(api)
    got = await api.get(f"/api/booking/{off}")
    assert (got.status, got.body["code"]) == (401, "browser-links-off")


async def test_a_bound_link_needs_its_accounts_proof_even_with_browser_links_on(
    api: Api,
) -> None:
    sc = await scene(api, browser_links=True)
    mine = await api.get(f"/api/booking/{sc.token}", as_user=ANNA)  # Anna binds it
    assert mine.status == 200, mine.body
    for path in (f"/api/booking/{sc.token}/my-bookings", f"/api/booking/{sc.token}"):
        got = await api.get(path)  # a browser: no proof of any account
        assert (got.status, got.body["code"]) == (401, "link-needs-telegram"), got.body
        assert got.headers["WWW-Authenticate"].startswith("tma")
    booked = await api.post(f"/api/booking/{sc.token}/book", json={"slot_id": sc.slots[0].id})
    assert booked.status == 401
    async with api.harness.app.deps.uow() as u:
        assert await u.bookings.of_student(sc.student_id) == []


async def scene_off(api: Api) -> str:
    """Another teacher who keeps links Telegram-only; their student's token."""
    tutor = await s.teacher(api.harness, telegram_id=7100)
    _student, token = await s.invite(api.harness, tutor, "Cleo")
    return token
