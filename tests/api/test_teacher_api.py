"""The teacher endpoints as a teacher's panel or integration uses them, with the Mini App's
initData and with an API key: students, links, QR codes, analytics and the schedule."""

from __future__ import annotations

from datetime import timedelta

from bot.services import booking
from tests.api.conftest import Api
from tests.api.teacher_scene import ANNA, MALLORY, TEACHER, both_ways, scene
from tests.handlers.conftest import BOT_USERNAME
from tests.qr_codes import decoded
from tests.steps.teacher_steps import LINK, told


async def test_the_students_list_shows_colour_link_state_openings_and_lessons(api: Api) -> None:
    s = await scene(api)
    for got in await both_ways(api, s, "GET", "/api/teacher/students"):
        assert got.status == 200, got.body
        assert got.body["zone"] == "Europe/Berlin"
        by_name = {x["name"]: x for x in got.body["students"]}
        assert sorted(by_name) == ["Anna", "Ben"]  # another teacher's Olga is not here
        anna, ben = by_name["Anna"], by_name["Ben"]
        assert (anna["id"], anna["colour"], anna["colour_name"]) == (s.anna, "#e53935", "red")
        assert ben["colour"] != anna["colour"]
        assert anna["link"]["state"] == "active" and anna["link"]["bound"] is True
        assert (anna["openings"], anna["upcoming"]) == (1, 1)
        assert anna["last_opened_at"] == "2026-11-23T09:00:00Z"
        assert ben["link"]["bound"] is False
        assert (ben["openings"], ben["upcoming"], ben["last_opened_at"]) == (0, 0, None)
        assert "url" not in anna["link"]  # the list never carries a token


async def test_a_students_link_is_the_one_the_chat_shows(api: Api) -> None:
    s = await scene(api)
    for got in await both_ways(api, s, "GET", f"/api/teacher/students/{s.ben}/share-link"):
        assert got.status == 200, got.body
        assert got.body["url"] == f"https://t.me/{BOT_USERNAME}?start={s.ben_token}"
        assert got.body["state"] == "active" and got.body["bound"] is False
        assert got.body["student_id"] == s.ben
        assert got.body["created_at"] == "2026-11-23T09:00:00Z"
        assert (got.body["app_url"], got.body["browser_url"]) == (None, None)


async def test_regenerate_stops_the_old_link_in_the_chat_and_the_new_one_works(api: Api) -> None:
    s = await scene(api)
    h = api.harness
    got = await api.post(
        f"/api/teacher/students/{s.anna}/share-link",
        headers=s.bearer(),
        json={"expires_in_days": 7, "max_uses": None},
    )
    assert got.status == 201, got.body
    found = LINK.search(got.body["url"])
    assert found
    new = found.group(1)
    assert new != s.anna_token
    assert got.body["bound"] is False  # as in the chat: whoever opens the new link first
    assert got.body["expires_at"] == "2026-11-30T09:00:00Z" and got.body["max_uses"] is None
    await h.send(ANNA, f"/start {s.anna_token}")
    await told(h, ANNA, "replaced by a newer one")
    await h.send(ANNA, f"/start {new}")
    await told(h, ANNA, "connected to")
    again = await api.get(f"/api/teacher/students/{s.anna}/share-link", as_user=TEACHER)
    assert again.body["url"] == got.body["url"] and again.body["bound"] is True


async def test_regenerate_without_a_body_with_initdata(api: Api) -> None:
    s = await scene(api)
    got = await api.post(f"/api/teacher/students/{s.ben}/share-link", as_user=TEACHER)
    assert got.status == 201, got.body
    assert s.ben_token not in got.body["url"] and got.body["state"] == "active"


async def test_revoke_turns_the_link_off_in_the_chat(api: Api) -> None:
    s = await scene(api)
    h = api.harness
    got = await api.call("DELETE", f"/api/teacher/students/{s.ben}/share-link", as_user=TEACHER)
    assert got.status == 200, got.body
    assert got.body["state"] == "revoked" and got.body["url"] is None
    h.user(MALLORY, "Ben")
    await h.send(MALLORY, f"/start {s.ben_token}")
    await told(h, MALLORY, "turned this link off")
    by_key = await api.call(
        "DELETE", f"/api/teacher/students/{s.anna}/share-link", headers=s.bearer()
    )
    assert by_key.status == 200 and by_key.body["state"] == "revoked"
    qr = await api.get(f"/api/teacher/students/{s.anna}/share-link/qr.png", headers=s.bearer())
    assert qr.status == 404 and qr.body["code"] == "not-found"


async def test_the_qr_code_decodes_to_the_link(api: Api) -> None:
    s = await scene(api)
    path = f"/api/teacher/students/{s.ben}/share-link/qr.png"
    for got in await both_ways(api, s, "GET", path):
        assert got.status == 200 and got.headers["Content-Type"] == "image/png"
        assert decoded(got.raw) == f"https://t.me/{BOT_USERNAME}?start={s.ben_token}"


async def test_token_usage_counts_openings_and_refusals_per_student_and_day(api: Api) -> None:
    s = await scene(api)
    h = api.harness
    h.user(MALLORY, "Mallory")
    await h.send(MALLORY, f"/start {s.anna_token}")  # Anna's link is bound to Anna
    await told(h, MALLORY, "belongs to another Telegram account")
    for got in await both_ways(api, s, "GET", "/api/teacher/analytics/token-usage?days=7"):
        assert got.status == 200, got.body
        assert (got.body["zone"], got.body["days"]) == ("Europe/Berlin", 7)
        assert got.body["totals"] == {
            "openings": 1,
            "refused": 1,
            "students_opened": 1,
            "students_never": 1,
        }
        links = {x["name"]: x for x in got.body["links"]}
        assert (links["Anna"]["openings"], links["Anna"]["refused"]) == (1, 1)
        assert links["Ben"]["openings"] == 0 and links["Ben"]["last_opened_at"] is None
        assert [d["date"] for d in got.body["daily"]][-1] == "2026-11-23"
        assert len(got.body["daily"]) == 7
        assert got.body["daily"][-1] == {"date": "2026-11-23", "openings": 1, "refused": 1}


async def test_booking_analytics_count_and_place_lessons_in_the_teachers_week(api: Api) -> None:
    s = await scene(api)
    h = api.harness
    second = await booking.book(h.app.deps, ANNA, s.anna, s.slots[1].id)
    await booking.cancel_by_student(h.app.deps, ANNA, second.booking_id)
    h.clock.advance(timedelta(days=2))  # the lessons are past: Thursday 26 Nov
    for got in await both_ways(api, s, "GET", "/api/teacher/analytics/bookings"):
        assert got.status == 200, got.body
        assert (got.body["zone"], got.body["days"]) == ("Europe/Berlin", 30)
        assert got.body["bookings"] == 2
        assert got.body["cancellations"] == {"by_student": 1, "by_teacher": 0}
        assert got.body["rescheduled"] == 0
        # 14:00 UTC on Tuesday is 15:00 in Berlin; the cancelled lesson is not held.
        assert got.body["heatmap"] == [{"weekday": 1, "hour": 15, "lessons": 1}]


async def test_the_schedule_lists_lessons_and_free_slots(api: Api) -> None:
    s = await scene(api)
    path = "/api/teacher/schedule?from=2026-11-24&days=1"
    for got in await both_ways(api, s, "GET", path):
        assert got.status == 200, got.body
        assert (got.body["from"], got.body["days"]) == ("2026-11-24", 1)
        [lesson] = got.body["lessons"]
        assert lesson["booking_id"] == s.booking_id and lesson["slot_id"] == s.slots[0].id
        assert lesson["starts_at"] == "2026-11-24T14:00:00Z"
        assert lesson["student"] == {"id": s.anna, "name": "Anna", "colour": "#e53935"}
        assert [f["slot_id"] for f in got.body["free"]] == [x.id for x in s.slots[1:]]
        assert got.body["free"][0]["seats"] == 1 and got.body["free"][0]["booked"] == 0
    default = await api.get("/api/teacher/schedule", as_user=TEACHER)
    assert default.body["from"] == "2026-11-23" and default.body["days"] == 7
    assert len(default.body["lessons"]) == 1


async def test_the_openapi_description_covers_the_teacher_endpoints(api: Api) -> None:
    got = await api.get("/api/openapi.json")
    paths = got.body["paths"]
    link = paths["/api/teacher/students/{student_id}/share-link"]
    assert {"get", "post", "delete"} <= set(link)
    for path in (
        "/api/teacher/students",
        "/api/teacher/students/{student_id}/share-link/qr.png",
        "/api/teacher/analytics/token-usage",
        "/api/teacher/analytics/bookings",
        "/api/teacher/schedule",
    ):
        assert "get" in paths[path], path
    assert "Link" in got.body["components"]["schemas"]
    refs = str(got.body)
    for name in ("LinkState", "TeacherStudent", "TokenUsage", "BookingFigures", "TeacherSchedule"):
        assert f"#/components/schemas/{name}" in refs
