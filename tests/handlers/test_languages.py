"""The bot in English and Russian: each person reads their own language, plurals included."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.domain.model import Teacher
from bot.services import booking
from tests.handlers.conftest import Harness
from tests.steps.student_steps import invite, slots, teacher
from tests.steps.teacher_steps import enroll

CYRILLIC = re.compile(r"[А-Яа-яЁё]{3,}")
TEACHER, STUDENT = 8100, 8200


async def russian_student(h: Harness, tutor: Teacher) -> int:
    """A student whose Telegram speaks Russian opens their link; returns the student id."""
    h.user(STUDENT, "Маша", language="ru")
    student_id, token = await invite(h, tutor, "Маша")
    await h.send(STUDENT, f"/start {token}")
    return student_id


def ru(h: Harness, msgid: str) -> str:
    """What the Russian catalog says for an English text."""
    text = h.app.i18n.gettext(msgid, locale="ru")
    assert text != msgid, f"no Russian for {msgid!r}"
    return text


async def test_a_russian_speaking_teacher_registers_and_enrolls_in_russian(
    harness: Harness,
) -> None:
    h = harness
    h.user(TEACHER, "Ольга", language="ru")
    await h.send(TEACHER, "/teach")
    assert h.last(TEACHER).content == ru(
        h, "Welcome! What name should your students see? Type it, e.g. Anna Smith."
    )
    await h.send(TEACHER, "Ольга Петровна")
    await h.send(TEACHER, "Europe/Moscow")
    registered = h.last(TEACHER).content
    assert "Ольга Петровна" in registered and CYRILLIC.search(registered)
    assert "registered" not in registered
    await h.send(TEACHER, "/addslots mon 10:00-12:00 60 Математика")
    assert CYRILLIC.search(h.last(TEACHER).content)
    await enroll(h, TEACHER, "Маша")
    card = h.last(TEACHER)
    assert ru(h, "🔄 Regenerate") in card.button_texts()
    menus = [c.params for c in h.server.calls("setMyCommands", ok=True)]
    teacher_menu = [m for m in menus if str(TEACHER) in str(m.get("scope"))]
    assert teacher_menu and CYRILLIC.search(str(teacher_menu[-1]["commands"]))


async def test_a_russian_speaking_student_books_in_russian(harness: Harness) -> None:
    h = harness
    tutor = await teacher(h, TEACHER)
    await slots(h, tutor, h.clock.now() + timedelta(days=2), count=2)
    await russian_student(h, tutor)
    home = h.last(STUDENT)
    assert ru(h, "📝 Book a lesson") in home.button_texts()
    await h.press(STUDENT, ru(h, "📝 Book a lesson"))
    week = h.last(STUDENT)
    days = " ".join(week.button_texts())
    assert "нояб" in days, f"Babel formats dates for the locale: {days}"
    free_day = next(t for t in week.button_texts() if "2" in t and "нояб" in t and "25" in t)
    await h.press(STUDENT, free_day)
    await h.press(STUDENT, h.last(STUDENT).button_texts()[0])
    card = h.last(STUDENT).content
    assert CYRILLIC.search(card) and "Book this lesson?" not in card
    await h.press(STUDENT, ru(h, "✅ Confirm"))
    assert CYRILLIC.search(h.last(STUDENT).content)


async def test_each_party_reads_the_booking_notices_in_their_own_language(
    harness: Harness,
) -> None:
    h = harness
    tutor = await teacher(h, TEACHER)  # an English-speaking teacher
    [slot] = await slots(h, tutor, h.clock.now() + timedelta(days=3))
    sid = await russian_student(h, tutor)
    lesson = await booking.book(h.app.deps, STUDENT, sid, slot.id)
    await h.flush()
    assert "New booking" in h.last(TEACHER).content
    await booking.cancel_by_teacher(h.app.deps, TEACHER, lesson.booking_id, "болею")
    await h.flush()
    notice = h.last(STUDENT).content
    assert "болею" in notice and CYRILLIC.search(notice.replace("болею", ""))
    assert "cancelled" not in notice


async def test_language_can_be_changed_and_sticks(harness: Harness) -> None:
    h = harness
    h.user(8300, "Ivan", language="en")
    await h.send(8300, "/language")
    await h.press(8300, "Русский")
    assert CYRILLIC.search(h.last(8300).content)
    await h.send(8300, "/start")
    assert (
        ru(h, "Hi! I'm LessonLink, a booking assistant for private lessons.")
        in h.last(8300).content
    )
    await h.send(8300, "/language")
    await h.press(8300, "English")
    await h.send(8300, "/start")
    assert "Hi! I'm LessonLink" in h.last(8300).content


async def test_an_unsupported_language_falls_back_to_english(harness: Harness) -> None:
    h = harness
    h.user(8400, "Hans", language="de")
    await h.send(8400, "/start")
    assert "Hi! I'm LessonLink" in h.last(8400).content


async def test_the_command_menu_is_registered_per_language(harness: Harness) -> None:
    menus = harness.server.calls("setMyCommands", ok=True)
    by_language = {m.params.get("language_code") for m in menus if not m.params.get("scope")}
    assert {None, "ru"} <= by_language
    russian = next(m for m in menus if m.params.get("language_code") == "ru")
    assert CYRILLIC.search(str(russian.params["commands"]))


def test_russian_plural_forms(harness: Harness) -> None:
    i18n = harness.app.i18n
    one, many = "🗓 {day}: {n} lesson", "🗓 {day}: {n} lessons"
    forms = {n: i18n.gettext(one, many, n, locale="ru").format(day="", n=n) for n in (1, 2, 5, 21)}
    assert forms[1].endswith("1 урок") and forms[21].endswith("21 урок")
    assert forms[2].endswith("2 урока")
    assert forms[5].endswith("5 уроков")
    english = {n: i18n.gettext(one, many, n, locale="en").format(day="", n=n) for n in (1, 2)}
    assert english[1].endswith("1 lesson") and english[2].endswith("2 lessons")
