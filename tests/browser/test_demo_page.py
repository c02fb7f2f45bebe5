"""The demo page as a newcomer uses it: be a teacher and a student in one browser window.

The demo runs in process (the same composition `run_bot.py --demo` runs) on a fixed date, so
the labels of days and times are known; the page is driven in a real headless Chromium, and
every wait is Playwright's auto-waiting with a generous deadline.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from bot.domain.clock import ManualClock, OffsetClock
from runtime.demo import Demo, DemoOptions, demo_running
from tests.browser.conftest import DESKTOP, SCREENSHOTS
from views.i18n import make_i18n

TUESDAY_8_UTC = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
WAIT = 30_000  # ms: the bot answers through polling, the outbox ticks every 2 s
REGISTERED = (
    "✅ You are registered as <b>{name}</b>, time zone {zone}.\n\nNext: add your hours, e.g. "
    "<code>/addslots mon 10:00-14:00 60 Math</code>, then enroll a student with "
    "<code>/addstudent Anna</code> to get their link. /help lists everything."
)
PLACEHOLDER = re.compile(r"\{\w*\}|<[^>]+>")
_I18N = make_i18n()


def tr(msgid: str, language: str) -> str:
    """The longest literal piece of a catalog text in this language (placeholders cut out)."""
    text = _I18N.gettext(msgid, locale=language)
    pieces = [p.strip() for part in PLACEHOLDER.split(text) for p in part.split("\n")]
    return max(pieces, key=len)


def label(msgid: str, language: str, **parts: str) -> re.Pattern[str]:
    """A pattern of a translated label, its placeholders filled with the given patterns."""
    text = _I18N.gettext(msgid, msgid, 2, locale=language)
    pieces = re.split(r"(\{\w+\})", text)
    pattern = "".join(parts[p[1:-1]] if p.startswith("{") else re.escape(p) for p in pieces)
    return re.compile(f"^{pattern}$")


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    """The demo on a fresh folder and a free port, its clock starting on a known Tuesday."""
    options = DemoOptions(data_dir=tmp_path / "demo", port=0, open_browser=False)
    async with demo_running(options, OffsetClock(ManualClock(TUESDAY_8_UTC))) as running:
        yield running


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A desktop-sized page (the people list and the chat side by side)."""
    context = await browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="UTC")
    opened = await context.new_page()
    try:
        yield opened
    finally:
        await context.close()


def last_bot_message(page: Page) -> Locator:
    return page.locator("#messages .msg:not(.mine)").last


async def add_person(page: Page, name: str, language: str) -> None:
    """Fill the add-a-person dialog (the dialog is already open)."""
    dialog = page.locator("#person-dialog")
    await dialog.locator("input[name=name]").fill(name)
    await dialog.locator("select[name=language]").select_option(language)
    await dialog.locator("input[name=timezone]").fill("Europe/Berlin")
    await dialog.locator("#person-add").click()
    await expect(dialog).to_be_hidden()


async def say(page: Page, text: str, answer: str) -> None:
    """Type a message, send it, and wait for the bot's answer containing `answer`."""
    await page.locator("#text").fill(text)
    await page.locator("#send").click()
    await expect(last_bot_message(page)).to_contain_text(answer, timeout=WAIT)


async def press(page: Page, label: str | re.Pattern[str]) -> None:
    """Press an inline button of the newest message showing it."""
    await page.locator("#messages .keyboard button").filter(has_text=label).last.click()


async def walk_through(page: Page, demo: Demo, lang: str) -> None:
    """Teacher and student, from the first /teach to the reminder, all on the page."""
    await page.goto(demo.url)
    await page.get_by_role("button", name=lang.upper(), exact=True).click()
    await expect(page.locator("#add-person")).to_have_text(tr("Add a person", lang))

    await page.locator("#add-person").click()
    await add_person(page, "Ms Smith", lang)
    await expect(page.locator("#chat-head")).to_contain_text("Ms Smith")
    await page.locator("#menu-button").click()
    await page.locator("#commands button", has_text="/teach").click()
    await expect(page.locator("#messages .msg.mine").last).to_have_text(re.compile("/teach"))
    await expect(last_bot_message(page)).to_be_visible(timeout=WAIT)
    await say(page, "Ms Smith", "Europe/Berlin")
    await say(page, "Europe/Berlin", tr(REGISTERED, lang))
    await say(page, "/addslots 2026-12-02 10:00-12:00 60 Math", tr("✅ Added {window}.", lang))
    await say(page, "/addstudent Anna", "?start=")

    # The link in the card opens the student's chat with /start <token> sent.
    await last_bot_message(page).locator("a[href*='?start=']").first.click()
    await page.get_by_test_id("link-new-person").click()
    await add_person(page, "Anna", lang)
    await expect(page.locator("#chat-head")).to_contain_text("Anna")
    # Shown as Telegram shows a deep link's start: "/start", the token out of sight.
    await expect(page.locator("#messages .msg.mine .text").first).to_have_text("/start")
    await expect(last_bot_message(page)).to_contain_text("Ms Smith", timeout=WAIT)

    await press(page, tr("📝 Book a lesson", lang))
    await press(page, label("{day} · {n} free", lang, day=".+", n="2"))
    await press(page, "10:00–11:00")
    await press(page, tr("✅ Confirm", lang))
    booked = tr("✅ <b>Booked:</b> {when} with {teacher}.", lang)
    await expect(last_bot_message(page)).to_contain_text(booked, timeout=WAIT)

    # The teacher's notice arrives in her chat; the list on the left switches chats.
    await page.locator("#people button", has_text="Ms Smith").click()
    notice = page.locator("#messages .msg").filter(
        has_text=tr("📅 New booking: {who}, {lesson}.", lang)
    )
    await expect(notice).to_contain_text("Anna", timeout=WAIT)

    # The lesson is Wednesday 10:00 in Berlin; an hour on, the day-before reminder is due.
    await page.locator("#people button", has_text="Anna").click()
    await page.locator("#plus-hour").click()
    await expect(page.locator("#clock")).to_contain_text("10:00")
    reminder = tr("⏰ Reminder: your lesson with {teacher} is {lead}: {lesson}.", lang)
    await expect(last_bot_message(page)).to_contain_text(reminder, timeout=WAIT)


async def open_mini_app(page: Page, lang: str) -> None:
    """The home card's 📅 Open calendar is a web_app button: the Mini App opens in a panel,
    signed for Anna, and lists her lesson (the demo serves it as a test environment does)."""
    await say(page, "/start", tr("📅 Open calendar", lang))
    await press(page, tr("📅 Open calendar", lang))
    await expect(page.locator("#app-dialog")).to_be_visible()
    portal = page.frame_locator("#app-frame")
    await expect(portal.locator("body")).to_contain_text("Ms Smith", timeout=WAIT)
    await portal.get_by_role("link", name=tr("My bookings", lang)).click()
    await expect(portal.locator("body")).to_contain_text("10:00", timeout=WAIT)


async def test_a_teacher_and_a_student_meet_on_the_demo_page(page: Page, demo: Demo) -> None:
    await walk_through(page, demo, "en")
    await expect(page.locator("#people li")).to_have_count(2)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "demo.png"))
    await open_mini_app(page, "en")
    await page.screenshot(path=str(SCREENSHOTS / "demo-mini-app.png"))


async def test_the_same_in_russian(page: Page, demo: Demo) -> None:
    await walk_through(page, demo, "ru")
    await open_mini_app(page, "ru")
    await expect(page.locator("#plus-day")).to_have_text("+1 день")
    await expect(page.locator("#messages .msg").first).to_contain_text("/start")


async def test_the_sample_starts_with_a_teacher_three_students_and_history(
    page: Page, tmp_path: Path
) -> None:
    options = DemoOptions(data_dir=tmp_path / "sample", port=0, open_browser=False, sample=True)
    async with demo_running(options, OffsetClock(ManualClock(TUESDAY_8_UTC))) as running:
        await page.goto(running.url)
        people = page.locator("#people button")
        await expect(people).to_have_count(4)
        await people.filter(has_text="Ms Smith").click()
        # Her home card (the sample opened her chat), and the notices of the coming lessons.
        home = page.locator("#messages .msg").filter(has_text="🏠 Ms Smith")
        await expect(home).to_contain_text(tr("Next lessons", "en"), timeout=WAIT)
        await expect(page.locator("#messages")).to_contain_text("📅 New booking", timeout=WAIT)
        await say(page, "/stats", "")
        await press(page, "📊 Per week")
        chart = page.locator("#messages .msg img").last
        await expect(chart).to_be_visible(timeout=WAIT)
        assert await chart.evaluate("img => img.naturalWidth") > 100  # a real chart, loaded
        await say(page, "/export", "")
        await press(page, "Bookings: 90 days")
        file = page.locator("#messages a.file").last
        await expect(file).to_contain_text(".csv", timeout=WAIT)
        async with page.expect_download() as downloading:
            await file.click()
        saved = tmp_path / "bookings.csv"
        await (await downloading.value).save_as(saved)
        assert "Anna" in saved.read_text(encoding="utf-8-sig")
        await people.filter(has_text="Boris").click()
        await expect(page.locator("#chat-head")).to_contain_text("Boris")
        # His chat replaces hers (until it does, her keyboards are still on the page).
        booking = tr("📝 Book a lesson", "ru")
        his = page.locator("#messages .keyboard").filter(has_text=booking)
        await expect(his.first).to_be_visible(timeout=WAIT)


async def test_the_bots_text_is_shown_as_text_never_run_as_html(page: Page, demo: Demo) -> None:
    person = demo.chat.add_person("Eve", "en", "UTC")
    server = demo.chat.server
    server.world.user(person).started = True
    hostile = (
        "<b>bold</b> &lt;img src=x onerror=window.hacked=1&gt; "
        '<a href="javascript:window.hacked=2">click</a> <i>it<u>al</u></i> '
        "https://t.me/lessonlink_demo_bot?start=abc"
    )
    status, _ = await server.execute(
        "sendMessage", {"chat_id": person, "text": hostile, "parse_mode": "HTML"}
    )
    assert status == 200
    await page.goto(demo.url)
    await page.locator("#people button", has_text="Eve").click()
    bubble = last_bot_message(page).locator(".text")
    await expect(bubble.locator("b")).to_have_text("bold")
    await expect(bubble.locator("i u")).to_have_text("al")
    await expect(bubble).to_contain_text("<img src=x onerror=window.hacked=1>")
    await expect(bubble.locator("img")).to_have_count(0)
    assert await bubble.locator("a", has_text="click").get_attribute("href") == "#"
    assert await page.evaluate("window.hacked") is None
    # A deep link in the text is clickable, and asks who opens it.
    await bubble.locator("a", has_text="start=abc").click()
    await expect(page.locator("#link-dialog")).to_be_visible()
