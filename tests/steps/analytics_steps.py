"""A scripted month of activity for the analytics tests, driven by the controlled clock.

Teacher in Berlin (UTC+1 in November), inactive after 14 days. Every booking, cancellation,
move and attendance mark goes through the booking core and the attendance service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.model import Teacher
from bot.services import booking
from tests.steps import student_steps as steps
from tests.steps.harness import Harness
from tests.steps.teacher_steps import enroll

TEACHER, OTHER, ADMIN = 6100, 6200, 6900
ANA, BEN, DAN, EVE = 6101, 6102, 6104, 6199


def utc(month: int, day: int, hour: int) -> datetime:
    """A UTC moment in 2026."""
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@dataclass
class Month:
    """What the script did, for the assertions."""

    tutor: Teacher
    ana: int
    ben: int
    ana_dec1: int  # Ana's coming lesson (Tue 1 Dec 10:00 Berlin)
    slot_dec2: int  # a free slot to move it to


async def _book(h: Harness, uid: int, student_id: int, slot_id: int) -> int:
    return (await booking.book(h.app.deps, uid, student_id, slot_id)).booking_id


async def play_month(h: Harness) -> Month:
    """November 2026 for one teacher; ends with the clock at Mon 30 Nov 08:00 UTC."""
    h.clock.set(utc(11, 2, 8))
    tutor = await steps.teacher(h, TEACHER, "Europe/Berlin", inactive_after_days=14)
    for uid, name in ((ANA, "Ana"), (BEN, "Ben"), (DAN, "Dan"), (6103, "Cleo")):
        token, _ = await enroll(h, TEACHER, name)  # links created: 4
        if uid != 6103:  # Cleo never opens hers
            h.user(uid, name)
            await h.send(uid, f"/start {token}")
        if uid == ANA:
            h.user(EVE, "Eve")
            await h.send(EVE, f"/start {token}")  # refused: bound to another account
    async with h.app.deps.uow() as u:
        ids = {s.name: s.id for s in await u.students.of_teacher(tutor.id)}
    days = ((11, 3), (11, 10), (11, 17), (11, 19), (11, 24), (12, 1), (12, 2))
    math = {d: (await steps.slots(h, tutor, utc(m, d, 9)))[0].id for m, d in days}
    english = {
        d: (await steps.slots(h, tutor, utc(11, d, 13), subject="English"))[0].id for d in (4, 25)
    }
    ana, ben = ids["Ana"], ids["Ben"]
    await _book(h, ANA, ana, math[3])  # lead 25 h; the teacher marks it attended
    await _book(h, BEN, ben, english[4])  # lead 29 h; the teacher marks it a no-show
    h.clock.set(utc(11, 6, 8))
    nov10 = await _book(h, ANA, ana, math[10])  # lead 97 h
    nov17 = await _book(h, BEN, ben, math[17])  # lead 265 h
    h.clock.set(utc(11, 6, 9))
    await booking.cancel_by_student(h.app.deps, ANA, nov10)
    h.clock.set(utc(11, 12, 8))
    await booking.cancel_by_teacher(h.app.deps, TEACHER, nov17, "ill")
    await _book(h, ANA, ana, math[19])  # lead 169 h, then moved
    h.clock.set(utc(11, 16, 8))
    nov19 = next(b.id for b, s in await steps.bookings_of(h, ana) if s.id == math[19])
    await booking.reschedule(h.app.deps, ANA, nov19, math[24])  # lead 193 h
    h.clock.set(utc(11, 20, 8))
    await _book(h, BEN, ben, english[25])  # lead 125 h
    h.clock.set(utc(11, 23, 8))
    dec1 = await _book(h, ANA, ana, math[1])  # next month: coming
    h.clock.set(utc(11, 30, 8))
    return Month(tutor, ana, ben, dec1, math[2])
