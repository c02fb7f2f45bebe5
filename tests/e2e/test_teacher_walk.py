"""A teacher's whole first session, counted: one home message edited in place, few new ones.

Issue 12, "Done when": onboarding, hours, three students, four settings, schedule, a student
card, stats and time off in at most 15 new bot messages; every press answered exactly once;
and no older keyboard left that performs a stale action.
"""

from __future__ import annotations

import os
from dataclasses import astuple
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.services import booking
from sandbox.world import ChatMessage
from tests.e2e.conftest import Harness
from tests.steps.teacher_steps import LINK

TEACHER, ANNA = 2001, 2101
STUDENTS = ("Anna", "Ben", "Chloe")
NEW_MESSAGE_BUDGET = 15
SENDS = ("sendMessage", "sendPhoto", "sendDocument")
STALE = "This button is no longer valid"


def new_messages(h: Harness, chat: int) -> int:
    """Messages the bot sent into the chat (edits are not counted)."""
    return sum(
        1
        for method in SENDS
        for call in h.server.calls(method, ok=True)
        if str(call.params.get("chat_id")) == str(chat)
    )


def message(h: Harness, message_id: int) -> ChatMessage:
    """One message of the teacher's chat as it looks now."""
    [found] = [m for m in h.chat(TEACHER) if m.message_id == message_id]
    return found


async def state_of(h: Harness) -> tuple[Any, ...]:
    """Everything a stale press could change: settings, roster, links, lessons, hours."""
    async with h.app.deps.uow() as uow:
        teacher = await uow.teachers.by_telegram(TEACHER)
        assert teacher is not None
        students = await uow.students.of_teacher(teacher.id, archived=False)
        links = [await uow.links.current(s.id) for s in students]
        lessons = [
            (b.id, b.status) for s in students for b, _slot in await uow.bookings.of_student(s.id)
        ]
        windows = [w.id for w in await uow.availability.windows(teacher.id)]
        off = await uow.availability.time_off(teacher.id, h.clock.now())
    return (
        astuple(teacher.settings),
        [(s.id, s.name, s.archived) for s in students],
        [(link.id, link.revoked_at, link.expires_at, link.max_uses) for link in links if link],
        lessons,
        windows,
        off,
    )


async def book_next_week(h: Harness) -> None:
    """Anna books the first lesson a week from now (the booking screens are tested elsewhere)."""
    deps = h.app.deps
    async with deps.uow() as uow:
        [student] = await uow.students.by_telegram(ANNA)
        now = deps.clock.now()
        slots = await uow.slots.between(
            student.teacher_id, now + timedelta(days=7), now.replace(year=now.year + 1)
        )
    await booking.book(deps, ANNA, student.id, slots[0].id)


class Walk:
    """The teacher's side of the walk, noted as a transcript of what they do and see."""

    def __init__(self, h: Harness) -> None:
        self.h = h
        self.lines: list[str] = []
        self.seen = len(h.server.world.events)

    def says(self, line: str) -> None:
        """A line of the transcript that is not the teacher's."""
        self.lines.append(f"\n{line}\n")

    async def send(self, text: str) -> None:
        """The teacher types text; what the bot did about it is noted."""
        await self.h.send(TEACHER, text)
        self._note(f"**Teacher types** `{text}`")

    async def press(self, label: str, message_id: int | None = None) -> None:
        """The teacher presses a button; it must be answered (h.press checks)."""
        await self.h.press(TEACHER, label, message_id)
        where = f" on #{message_id}" if message_id else ""
        self._note(f"**Teacher presses** [{label}]{where}")

    def _note(self, action: str) -> None:
        self.lines.append(f"\n{action}\n")
        events = self.h.server.world.events
        for event in events[self.seen :]:
            if event.user_id != TEACHER:
                continue
            m = event.message
            how = "edits" if m.edited else "sends"
            body = LINK.sub("https://t.me/lessonlink_test_bot?start=…", m.content or m.kind)
            body = body.strip().replace("\n", "  \n> ")  # a line break in Markdown
            self.lines.append(f"> *bot {how} #{m.message_id}*  \n> {body}")
            rows = ["".join(f"[{b.text}]" for b in row) for row in m.buttons]
            if rows:
                self.lines.append(">\n> " + "  \n> ".join(rows))
        self.seen = len(events)

    def save(self) -> None:
        """Write the transcript where WALK_TRANSCRIPT says (docs/teacher-walk.md is made so)."""
        target = os.environ.get("WALK_TRANSCRIPT")
        if target:
            Path(target).write_text("\n".join(self.lines) + "\n", encoding="utf-8")


async def test_a_teacher_walks_through_everything_in_at_most_15_new_messages(
    harness: Harness,
) -> None:
    h = harness
    h.user(TEACHER, "Smith")
    walk = Walk(h)

    # Onboarding and hours: commands, each answered by a new message.
    await walk.send("/teach")
    await walk.send("Ms Smith")
    await walk.press("Europe/Berlin")
    await walk.send("/addslots mon 10:00-14:00 60 Math")
    await walk.send("/menu")
    home = h.last(TEACHER).message_id
    assert "Ms Smith · Europe/Berlin" in message(h, home).content

    # Three students from ➕ Add student: the home message asks, the link card is new.
    tokens = []
    for name in STUDENTS:
        await walk.press("➕ Add student", home)
        assert "Type the new student's name" in message(h, home).content
        await walk.send(name)
        card = h.last(TEACHER)
        assert "Booking link for" in card.content and name in card.content
        found = LINK.search(card.content)
        assert found, card.content
        tokens.append(found.group(1))
        assert "Link not opened yet" in message(h, home).content  # the prompt is home again
    assert "Anna, Ben, Chloe" in message(h, home).content

    # Anna opens her link, picks her own zone and books (through the service).
    walk.says("(Anna opens her link, sends /timezone Asia/Tokyo and books a lesson)")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {tokens[0]}")
    await h.send(ANNA, "/timezone Asia/Tokyo")
    await book_next_week(h)

    # Four settings from ⚙️ Settings, by buttons in the same message.
    before_settings = new_messages(h, TEACHER)
    await walk.press("⚙️ Settings", home)
    await walk.press("⏱ Default lesson length: 1 h", home)
    await walk.press("45 min", home)
    await walk.press("⏰ Advance notice: 2 h", home)
    await walk.press("12 h", home)
    await walk.press("🔔 Notifications: on", home)
    await walk.press("📌 Reminders to you: off", home)
    settings = message(h, home).button_texts()
    assert "⏱ Default lesson length: 45 min" in settings and "⏰ Advance notice: 12 h" in settings
    assert "🔔 Notifications: off" in settings and "📌 Reminders to you: on" in settings
    settings_cost = new_messages(h, TEACHER) - before_settings
    print(f"\nsettings cost {settings_cost} new messages")
    assert settings_cost == 0
    await walk.press("🏠 Home", home)

    # The rest from the same home message, each screen in place; /menu makes a new one.
    assert "Anna" in message(h, home).content  # her lesson is on the home card
    await walk.send("/menu")
    home = h.last(TEACHER).message_id
    await walk.press("📅 Schedule", home)
    assert "Your schedule" in message(h, home).content
    await walk.press("🏠 Home", home)
    await walk.press("👥 Students", home)
    [anna] = [b for b in message(h, home).button_texts() if "Anna" in b]
    await walk.press(anna, home)
    card = message(h, home).content
    assert "Asia/Tokyo, now 18:00" in card and "Coming lessons" in card, card
    await walk.press("◀ Back", home)
    assert "Your students" in message(h, home).content
    await walk.press("🏠 Home", home)
    await walk.press("📊 Stats", home)
    assert "Your numbers" in message(h, home).content
    await walk.press("This month", home)
    assert "this month" in message(h, home).content
    await walk.press("◀ Back", home)
    await walk.press("🕒 Hours & time off", home)
    hours = message(h, home).content
    assert "Your availability" in hours and "/block" in hours
    await walk.press("🏠 Home", home)
    assert "Ms Smith · Europe/Berlin" in message(h, home).content

    total = new_messages(h, TEACHER)
    edits = [
        c
        for c in h.server.calls("editMessageText", ok=True)
        if str(c.params.get("chat_id")) == str(TEACHER)
    ]
    print(f"walk: {total} new messages, {len(edits)} edits")
    walk.save()
    assert total <= NEW_MESSAGE_BUDGET, total
    assert not h.server.calls("answerCallbackQuery", ok=False)

    # Every older keyboard: a press shows a current screen or is refused, never acts.
    state = await state_of(h)
    older = [m for m in h.chat(TEACHER) if m.from_bot and m.message_id != home and m.buttons]
    for old in older:
        for label in [b.text for row in old.buttons for b in row if b.callback_data]:
            if label not in message(h, old.message_id).button_texts():
                continue  # an earlier press turned this message into another screen
            answer = await h.press(TEACHER, label, old.message_id)
            assert answer.text is None or STALE in answer.text or not answer.show_alert, (
                label,
                answer,
            )
            assert await state_of(h) == state, f"{label!r} on #{old.message_id} changed something"
    assert not h.server.calls("answerCallbackQuery", ok=False)
