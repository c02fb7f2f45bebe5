"""The Mini App's My bookings shows where each lesson is: a meeting link to open, an address
as plain text (never read as HTML)."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import BrowserContext, expect

from bot.services import places
from tests.api.conftest import Api
from tests.browser.miniapp_steps import WAIT, open_app
from tests.steps import student_steps as s

ANNA = 801
LINK = "https://meet.example.org/abc-defg"
ADDRESS = "Room <b>12</b> & Co"


async def test_my_bookings_shows_the_meeting_link_and_the_address(
    api: Api, phone: BrowserContext
) -> None:
    h = api.harness
    tutor = await s.teacher(h)
    _student_id, token = await s.invite(h, tutor, "Anna")
    h.user(ANNA, "Anna")
    wednesday = h.clock.now().replace(hour=9, minute=0) + timedelta(days=2)
    await s.slots(h, tutor, wednesday, 2)
    await places.set_default(h.app.deps, s.TEACHER_TG, LINK)

    page = await open_app(phone, api, ANNA, start_param=token)
    for slot in ("10:00–11:00", "11:00–12:00"):
        await page.get_by_role("button", name=re.compile(rf"^{slot}, Math, Free")).click()
        await page.get_by_role("dialog").get_by_role("button", name="Confirm booking").click()
        # The dialog closes at the press and the status still shows the first "Booked:":
        # the calendar redrawn with this slot as the student's own is what says it is done.
        yours = page.get_by_role("button", name=re.compile(rf"^{slot}, Math, Yours"))
        await expect(yours).to_be_visible(timeout=WAIT)
        await expect(page.get_by_role("status")).to_contain_text("Booked:", timeout=WAIT)
    listed = await api.get(f"/api/booking/{token}/my-bookings", as_user=ANNA)
    second = listed.body["upcoming"][1]["id"]
    await places.set_lesson(h.app.deps, s.TEACHER_TG, second, ADDRESS)

    await page.get_by_role("link", name="My bookings").click()
    upcoming = page.get_by_role("list", name="Upcoming lessons")
    await expect(upcoming.get_by_role("listitem")).to_have_count(2, timeout=WAIT)
    first, other = upcoming.get_by_role("listitem").nth(0), upcoming.get_by_role("listitem").nth(1)
    link = first.get_by_role("link", name=LINK)
    await expect(link).to_have_attribute("href", LINK)
    await expect(first).to_contain_text(f"📍 Place: {LINK}")
    await expect(other).to_contain_text(f"📍 Place: {ADDRESS}")
    await expect(other.get_by_role("link")).to_have_count(0)
    await expect(other.locator("b")).to_have_count(0)
