"""A teacher's world for the teacher endpoints: two students (one opened their link), slots,
a booking, and another teacher with a student of their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.model import Slot, Teacher
from bot.services import api_keys, booking
from tests.api.conftest import Api, Reply
from tests.steps import student_steps as steps

TEACHER = 7000
OTHER_TEACHER = 7001
ANNA = 7101
MALLORY = 7102
OTHERS_STUDENT = 7103
# Tuesday 24 Nov 2026, 14:00 UTC = 15:00 in Berlin; the clock starts Monday 23 Nov 09:00 UTC.
FIRST_SLOT = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


@dataclass
class Scene:
    """Who is who, and a live API key of the teacher."""

    teacher: Teacher
    anna: int
    anna_token: str
    ben: int
    ben_token: str
    foreign: int
    slots: list[Slot]
    booking_id: int
    key: str

    def bearer(self, key: str | None = None) -> dict[str, str]:
        """The Authorization header with the teacher's API key (or the one given)."""
        return {"Authorization": f"Bearer {key or self.key}"}


async def scene(api: Api) -> Scene:
    """Set the scene through the services the chat uses; Anna has opened her link and booked."""
    h = api.harness
    teacher = await steps.teacher(h, TEACHER)
    h.user(ANNA, "Anna")
    anna, anna_token = await steps.invite(h, teacher, "Anna")
    await h.send(ANNA, f"/start {anna_token}")
    ben, ben_token = await steps.invite(h, teacher, "Ben")
    other = await steps.teacher(h, OTHER_TEACHER)
    foreign = await steps.student(h, other, OTHERS_STUDENT, "Olga")
    slots = await steps.slots(h, teacher, FIRST_SLOT, count=3)
    lesson = await booking.book(h.app.deps, ANNA, anna, slots[0].id)
    made = await api_keys.create(h.app.deps, TEACHER)
    return Scene(
        teacher, anna, anna_token, ben, ben_token, foreign, slots, lesson.booking_id, made.secret
    )


async def both_ways(api: Api, s: Scene, method: str, path: str, **kwargs: object) -> list[Reply]:
    """The same request with the teacher's initData and with their API key."""
    as_tma = await api.call(method, path, as_user=TEACHER, **kwargs)  # type: ignore[arg-type]
    as_key = await api.call(method, path, headers=s.bearer(), **kwargs)  # type: ignore[arg-type]
    return [as_tma, as_key]
