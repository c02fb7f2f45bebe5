"""Steps the teacher end-to-end tests share: register, enroll, book through the service."""

from __future__ import annotations

import re

from bot.services import booking
from tests.steps.harness import Harness

LINK = re.compile(r"https://t\.me/\w+\?start=([A-Za-z0-9_-]+)")


async def register(h: Harness, user_id: int, name: str = "Ms Smith", zone: str = "UTC") -> None:
    """Register a teacher through /teach, typing the name and the zone."""
    h.user(user_id, name.split()[-1])
    await h.send(user_id, "/teach")
    await h.send(user_id, name)
    await h.send(user_id, zone)
    assert "registered" in h.last(user_id).content, h.last(user_id).content


async def enroll(h: Harness, teacher: int, name: str) -> tuple[str, int]:
    """Enroll a student; returns the token from the link card and the card's message id."""
    await h.send(teacher, f"/addstudent {name}")
    card = h.last(teacher)
    found = LINK.search(card.content)
    assert found, card.content
    return found.group(1), card.message_id


def said(h: Harness, user_id: int, text: str) -> bool:
    """Whether the bot told this user the text, in the chat or as a button answer."""
    in_chat = any(text in m.content for m in h.chat(user_id) if m.from_bot)
    return in_chat or any(text in (a.text or "") for a in h.server.callback_answers)


async def told(h: Harness, user_id: int, text: str, timeout: float = 10.0) -> None:
    """Wait (with a deadline) until the bot has told the user the text.

    Refusals are answered by the error handler, which may finish just after the update
    counts as handled; and notifications arrive through the outbox dispatcher.
    """
    await h.server.wait_for(lambda: said(h, user_id, text), timeout)
    assert said(h, user_id, text), text


async def book_first_free(h: Harness, student_tg: int, teacher_tg: int) -> int:
    """Book the teacher's first open slot as the student (the booking UI is issue 4)."""
    deps = h.app.deps
    async with deps.uow() as uow:
        [student] = await uow.students.by_telegram(student_tg)
        teacher = await uow.teachers.by_telegram(teacher_tg)
        assert teacher is not None
        now = deps.clock.now()
        slots = await uow.slots.between(teacher.id, now, now.replace(year=now.year + 1))
    free = [s for s in slots if s.free and s.starts_at > now]
    lesson = await booking.book(deps, student_tg, student.id, free[0].id)
    return lesson.booking_id


async def delivered(h: Harness, user_id: int, text: str, attempts: int = 20) -> None:
    """Run the outbox dispatcher until the notification reaches the user (bounded).

    A dispatcher pass may find the dispatcher lock held by another process; it then sends
    nothing, so the pass is repeated rather than trusted once.
    """
    for _ in range(attempts):
        await h.flush()
        try:
            await h.server.wait_for(lambda: said(h, user_id, text), 0.5)
            return
        except TimeoutError:
            continue
    raise AssertionError(f"{text!r} never reached {user_id}")
