"""Setting the scene for student tests: a teacher, students who opened their link, slots."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.model import Booking, OutboxMessage, OutboxStatus, Slot, Teacher
from tests.factories import make_slots, make_teacher
from tests.steps.harness import Harness

TEACHER_TG = 7000


async def teacher(
    h: Harness, telegram_id: int = TEACHER_TG, timezone: str = "Europe/Berlin", **settings: object
) -> Teacher:
    """A registered teacher (who has talked to the bot, so notices can reach them)."""
    h.user(telegram_id, f"Teacher {telegram_id}")
    await h.send(telegram_id, "/help")
    return await make_teacher(
        h.app.deps.uow, h.clock.now(), telegram_id=telegram_id, timezone=timezone, **settings
    )


async def invite(h: Harness, tutor: Teacher, name: str) -> tuple[int, str]:
    """Enroll a student and return (student id, the token of their link)."""
    vault = h.app.deps.vault
    token = vault.new_token()
    async with h.app.deps.uow() as u:
        colour = len(await u.students.colours_in_use(tutor.id))
        student = await u.students.add(tutor.id, name, colour, h.clock.now())
        await u.links.add(
            student.id, vault.digest(token), vault.seal(token), h.clock.now(), None, None
        )
        await u.commit()
    return student.id, token


async def student(h: Harness, tutor: Teacher, uid: int, name: str) -> int:
    """A student who opened their link in Telegram; returns the student id."""
    h.user(uid, name)
    student_id, token = await invite(h, tutor, name)
    await h.send(uid, f"/start {token}")
    return student_id


async def slots(
    h: Harness, tutor: Teacher, first: datetime, count: int = 1, **kw: object
) -> list[Slot]:
    """Open slots of the teacher from a UTC moment."""
    return await make_slots(h.app.deps.uow, tutor, first, count, **kw)  # type: ignore[arg-type]


async def bookings_of(h: Harness, student_id: int) -> list[tuple[Booking, Slot]]:
    """Every booking of a student, cancelled ones too."""
    async with h.app.deps.uow() as u:
        return await u.bookings.of_student(student_id, confirmed_only=False)


async def outbox(h: Harness, kind: str) -> list[OutboxMessage]:
    """Notifications of one kind, whatever became of them."""
    found: list[OutboxMessage] = []
    async with h.app.deps.uow() as u:
        for status in OutboxStatus:
            found += [m for m in await u.outbox.by_status(status) if m.kind == kind]
    return found


async def refusals_of(h: Harness, uid: int) -> int:
    """How many refusals the audit log holds for this account."""
    async with h.app.deps.uow() as u:
        return await u.audit.count_by_actor(uid, "refused", datetime(2000, 1, 1, tzinfo=UTC))


async def settle(h: Harness) -> None:
    """Wait until no update is in flight, error handling included (the tracker is outermost)."""
    await h.app.tracker.drain(timeout=10)
