"""The portal without Telegram: `/book/<teacher>/<token>` in a plain browser, in the
browser's language and colour scheme, only where the teacher lets links work there."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import Browser, expect

from tests.api.conftest import Api
from tests.browser.conftest import PHONE
from tests.browser.miniapp_steps import WAIT
from tests.steps import student_steps as s


async def test_a_plain_browser_books_in_russian_and_dark_where_the_teacher_allows_it(
    api: Api, browser: Browser
) -> None:
    h = api.harness
    open_door = await s.teacher(h, browser_links=True)
    anna, token = await s.invite(h, open_door, "Анна")
    await s.slots(h, open_door, h.clock.now().replace(hour=9) + timedelta(days=2), 2)
    closed = await s.teacher(h, 7001)
    _ben, closed_token = await s.invite(h, closed, "Ben")

    context = await browser.new_context(viewport=PHONE, locale="ru-RU", color_scheme="dark")
    page = await context.new_page()
    await page.goto(f"{api.url}/book/{open_door.id}/{token}")
    await expect(page.get_by_text("Запись для: Анна")).to_be_visible(timeout=WAIT)
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"  # the page's own dark scheme, as the system asks
    # Nothing wider than the phone: no sideways scrolling at 320 px.
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    await page.get_by_role("button", name=re.compile(r"^10:00–11:00, Math, Свободно")).click()
    await page.get_by_role("dialog").get_by_role("button", name="Подтвердить запись").click()
    await expect(page.get_by_role("status")).to_contain_text("Вы записаны", timeout=WAIT)
    [(booked, _slot)] = await s.bookings_of(h, anna)
    assert booked.slot_id is not None

    # Another teacher's link stays in Telegram: the API's own sentence, nothing to book.
    other = await context.new_page()
    await other.goto(f"{api.url}/book/{closed.id}/{closed_token}")
    await expect(other.get_by_role("alert")).to_contain_text("Telegram", timeout=WAIT)
    await expect(other.get_by_text("Откройте эту страницу из Telegram")).to_be_visible()
    await expect(other.get_by_role("button", name=re.compile("Свободно"))).to_have_count(0)
    await context.close()
