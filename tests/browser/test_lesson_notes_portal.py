"""Lesson notes in the Mini App: the confirm sheet takes the student's note, which the teacher
reads in the chat exactly as typed; My bookings shows the teacher's note, as text."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import BrowserContext, expect

from bot.services import lesson_notes
from tests.api.conftest import Api
from tests.browser.miniapp_steps import WAIT, open_app
from tests.steps import student_steps as s
from tests.steps.teacher_steps import delivered

ANNA = 801
ASKED = "<b>chapter 3 & 4</b>"
HOMEWORK = "<i>ex. 5</i> & read p. 10"


async def test_the_confirm_sheet_takes_a_note_and_my_bookings_shows_the_teachers(
    api: Api, phone: BrowserContext
) -> None:
    h = api.harness
    tutor = await s.teacher(h)  # Europe/Berlin
    student_id, token = await s.invite(h, tutor, "Anna")
    h.user(ANNA, "Anna")
    await s.slots(h, tutor, h.clock.now().replace(hour=9, minute=0) + timedelta(days=1), 2)

    page = await open_app(phone, api, ANNA, start_param=token)
    await page.get_by_role("button", name=re.compile(r"^10:00–11:00, Math, Free")).click()
    sheet = page.get_by_role("dialog")
    await sheet.get_by_label("Note for your teacher (optional)").fill(ASKED)
    await sheet.get_by_role("button", name="Confirm booking").click()
    await expect(page.get_by_role("status")).to_contain_text("Booked:", timeout=WAIT)
    await delivered(h, tutor.telegram_id, f"Student's note: {ASKED}")

    [(booked, _slot)] = await s.bookings_of(h, student_id)
    assert booked.student_note == ASKED
    await lesson_notes.set_teacher_note(h.app.deps, tutor.telegram_id, booked.id, HOMEWORK)
    await page.get_by_role("link", name="My bookings").click()
    upcoming = page.get_by_role("list", name="Upcoming lessons")
    await expect(upcoming).to_contain_text(f"Teacher's note: {HOMEWORK}", timeout=WAIT)
    await expect(upcoming).to_contain_text(f"Your note: {ASKED}")
    assert await upcoming.locator("b, i").count() == 0  # shown as text, never as markup
