"""A student on a 320 px phone: opens the portal from Telegram, picks a day, books, sees the
lesson in My bookings and cancels it; the teacher hears of it in the chat."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import BrowserContext, expect

from bot.domain.model import BookingStatus
from tests.api.conftest import Api
from tests.browser.miniapp_steps import DARK, WAIT, open_app, screenshot
from tests.steps import student_steps as s
from tests.steps.teacher_steps import delivered

ANNA = 801


async def test_a_student_books_and_cancels_a_lesson_on_a_phone(
    api: Api, phone: BrowserContext
) -> None:
    h = api.harness
    tutor = await s.teacher(h)  # Europe/Berlin
    student_id, token = await s.invite(h, tutor, "Anna")
    h.user(ANNA, "Anna")
    # Wednesday 25 November, 09:00 UTC = 10:00 in Berlin; three one-hour slots.
    wednesday = h.clock.now().replace(hour=9, minute=0) + timedelta(days=2)
    await s.slots(h, tutor, wednesday, 3)

    page = await open_app(phone, api, ANNA, start_param=token)
    await expect(page.get_by_role("heading", name=tutor.display_name)).to_be_visible(timeout=WAIT)
    await expect(page.get_by_text("Booking as Anna")).to_be_visible()

    # By keyboard: a slot opens the sheet, Escape closes it and the focus comes back.
    first = page.get_by_role("button", name=re.compile(r"^10:00–11:00, Math, Free"))
    await first.focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("dialog")).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(page.get_by_role("dialog")).to_have_count(0)
    await expect(first).to_be_focused()

    await page.get_by_role("button", name="Month").click()
    await page.get_by_role("button", name=re.compile(r"25 November.*3 free")).click()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 320  # no side scroll
    await page.get_by_role("button", name=re.compile(r"^10:00–11:00, Math, Free")).click()
    sheet = page.get_by_role("dialog")
    await expect(sheet).to_contain_text("24 h before it starts")
    await sheet.get_by_role("button", name="Confirm booking").click()
    await expect(page.get_by_role("status")).to_contain_text("Booked:", timeout=WAIT)
    await expect(
        page.get_by_role("button", name=re.compile(r"^10:00–11:00, Math, Yours"))
    ).to_be_visible(timeout=WAIT)

    # The chat is the same product: the teacher is told, and the chat lists the lesson.
    await delivered(h, tutor.telegram_id, "Anna")
    [(booked, _slot)] = await s.bookings_of(h, student_id)
    assert booked.status == BookingStatus.CONFIRMED

    await page.get_by_role("link", name="My bookings").click()
    upcoming = page.get_by_role("list", name="Upcoming lessons")
    await expect(upcoming).to_contain_text("10:00", timeout=WAIT)
    async with page.expect_download() as downloading:
        await upcoming.get_by_role("button", name="Add to calendar").click()
    ics = await (await downloading.value).path()
    assert "BEGIN:VCALENDAR" in ics.read_text(encoding="utf-8")

    # Move it an hour later: the calendar asks for the new time, the sheet confirms it.
    await upcoming.get_by_role("button", name="Move").click()
    await expect(page.get_by_role("note")).to_contain_text("Pick a new time", timeout=WAIT)
    await page.get_by_role("button", name=re.compile(r"^11:00–12:00, Math, Free")).click()
    await page.get_by_role("dialog").get_by_role("button", name="Move here").click()
    await expect(page.get_by_role("status")).to_contain_text("Moved to", timeout=WAIT)
    await page.get_by_role("link", name="My bookings").click()
    await expect(upcoming).to_contain_text("11:00", timeout=WAIT)
    await expect(upcoming.get_by_role("listitem")).to_have_count(1)
    await upcoming.get_by_role("button", name="Cancel").click()
    await page.get_by_role("dialog").get_by_role("button", name="Cancel lesson").click()
    await expect(page.get_by_role("status")).to_contain_text("Cancelled:", timeout=WAIT)
    await expect(page.get_by_text("No lessons booked yet.")).to_be_visible(timeout=WAIT)
    statuses = [b.status for b, _slot in await s.bookings_of(h, student_id)]
    assert BookingStatus.CONFIRMED not in statuses  # moved, then cancelled: nothing left
    assert BookingStatus.CANCELLED in statuses


async def test_the_portal_follows_telegrams_theme_and_is_pictured(
    api: Api, phone: BrowserContext
) -> None:
    h = api.harness
    tutor = await s.teacher(h)
    _student_id, token = await s.invite(h, tutor, "Anna")
    await s.slots(h, tutor, h.clock.now().replace(hour=9, minute=0) + timedelta(days=1), 3)
    await s.slots(h, tutor, h.clock.now().replace(hour=14, minute=0) + timedelta(days=2), 2)
    h.user(ANNA, "Anna")
    light = await open_app(phone, api, ANNA, start_param=token)
    await light.get_by_role("button", name=re.compile(r"^10:00–11:00, Math, Free")).first.click()
    await light.get_by_role("dialog").get_by_role("button", name="Confirm booking").click()
    await expect(light.get_by_role("status")).to_contain_text("Booked:", timeout=WAIT)
    background = await light.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(255, 255, 255)"
    await screenshot(light, "portal-light")

    dark = await open_app(phone, api, ANNA, theme=DARK, start_param=token)
    await expect(dark.get_by_role("button", name=re.compile(r"Yours"))).to_be_visible(timeout=WAIT)
    background = await dark.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(33, 33, 33)"
    await screenshot(dark, "portal-dark")


async def test_a_student_books_a_weekly_lesson_from_the_sheet(
    api: Api, phone: BrowserContext
) -> None:
    h = api.harness
    tutor = await s.teacher(h, series_enabled=True)
    _student_id, token = await s.invite(h, tutor, "Anna")
    h.user(ANNA, "Anna")
    wednesday = h.clock.now().replace(hour=9, minute=0) + timedelta(days=2)
    for week in range(4):
        await s.slots(h, tutor, wednesday + timedelta(weeks=week))

    page = await open_app(phone, api, ANNA, start_param=token)
    await page.get_by_role("button", name=re.compile(r"^10:00–11:00, Math, Free")).click()
    sheet = page.get_by_role("dialog")
    await sheet.get_by_label("Every week, 4 weeks").check()
    await sheet.get_by_role("button", name="Confirm booking").click()
    await expect(page.get_by_role("status")).to_contain_text("Booked:", timeout=WAIT)

    await page.get_by_role("link", name="My bookings").click()
    upcoming = page.get_by_role("list", name="Upcoming lessons")
    await expect(upcoming.get_by_role("listitem")).to_have_count(4, timeout=WAIT)
    await expect(upcoming.get_by_role("listitem").first).to_contain_text("Weekly")
