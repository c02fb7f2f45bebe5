"""A teacher in the Mini App: the students, a link card (copy, regenerate after a confirmation;
the old link is then refused in the chat), the analytics and the week's schedule."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import Browser, expect

from bot.services import booking
from tests.api.conftest import Api
from tests.browser.conftest import DESKTOP
from tests.browser.miniapp_steps import DARK, WAIT, open_app, screenshot
from tests.steps import student_steps as s
from tests.steps.teacher_steps import told

ANNA = 801
BEN = 802


async def test_a_teacher_copies_and_regenerates_a_link_and_reads_the_analytics(
    api: Api, browser: Browser
) -> None:
    h = api.harness
    tutor = await s.teacher(h)
    _anna, old_token = await s.invite(h, tutor, "Anna")
    ben = await s.student(h, tutor, BEN, "Ben")  # opened his link in Telegram
    # Today (Monday 23 November) 12:00 UTC, 13:00 in Berlin: three hours ahead.
    [slot, *_] = await s.slots(h, tutor, h.clock.now().replace(hour=12), 3)
    await booking.book(h.app.deps, BEN, ben, slot.id)

    context = await browser.new_context(
        viewport=DESKTOP, locale="en-GB", permissions=["clipboard-read", "clipboard-write"]
    )
    page = await open_app(context, api, tutor.telegram_id)
    students = page.get_by_role("main")
    await expect(students.get_by_text("Ben")).to_be_visible(timeout=WAIT)
    await expect(students.get_by_text("Anna")).to_be_visible()
    await screenshot(page, "teacher-light")

    await page.get_by_role("link", name="Link card of Anna").click()
    address = page.get_by_label("Link", exact=True)
    await expect(address).to_have_value(re.compile(re.escape(old_token)), timeout=WAIT)
    await page.get_by_role("button", name="Copy link").click()
    await expect(page.get_by_role("status")).to_contain_text("Link copied.", timeout=WAIT)
    copied = await page.evaluate("navigator.clipboard.readText()")
    assert copied == await address.input_value()
    assert old_token in copied

    await page.get_by_role("button", name="QR code").click()
    qr = page.get_by_role("dialog").get_by_role("img", name="QR code of the link of Anna")
    await expect(qr).to_be_visible(timeout=WAIT)
    assert await qr.evaluate("img => img.naturalWidth") > 0
    await page.keyboard.press("Escape")

    await page.get_by_role("button", name="Regenerate").click()
    question = page.get_by_role("dialog")
    await expect(question).to_contain_text("Make a new link for Anna?")
    await question.get_by_role("button", name="Make a new link").click()
    await expect(page.get_by_role("status")).to_contain_text("New link made", timeout=WAIT)
    await expect(address).not_to_have_value(re.compile(re.escape(old_token)), timeout=WAIT)
    # The focus is back on the button that asked, for a keyboard user.
    await expect(page.get_by_role("button", name="Regenerate")).to_be_focused()

    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {old_token}")
    await told(h, ANNA, "replaced by a newer one")

    await page.get_by_role("link", name="Schedule").click()
    await expect(page.get_by_role("region", name=re.compile("23 November"))).to_contain_text(
        "Ben · Math", timeout=WAIT
    )

    h.clock.advance(timedelta(hours=5))  # Ben's lesson is over: it counts in the peak times
    await page.get_by_role("link", name="Analytics").click()
    await expect(page.get_by_role("heading", name="Analytics")).to_be_visible(timeout=WAIT)
    links = page.get_by_role("region", name="Links")
    await expect(links.get_by_role("row", name="Ben 1 0")).to_be_visible()
    await expect(links.get_by_role("row", name="Anna 0 1")).to_be_visible()  # the old link
    peak = page.get_by_role("table", name="Peak times")
    await expect(peak.get_by_role("row", name=re.compile("^13:00"))).to_contain_text("1")
    await screenshot(page, "teacher-analytics-light")
    await context.close()

    dark_context = await browser.new_context(viewport=DESKTOP, locale="en-GB")
    dark = await open_app(dark_context, api, tutor.telegram_id, theme=DARK)
    await dark.get_by_role("link", name="Schedule").click()
    await expect(dark.get_by_text("Ben · Math")).to_be_visible(timeout=WAIT)
    await screenshot(dark, "teacher-dark")
    await dark_context.close()
