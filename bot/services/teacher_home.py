"""The teacher's home card: today's and the next lessons, and what needs the teacher's attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.links import refusal_to_open
from bot.services.context import Deps
from bot.services.digests import EXPIRY_NOTICE
from bot.services.link_opening import REFUSED
from bot.services.ownership import teacher_of

NEXT_LESSONS = 3
# How far ahead the home looks for the next lessons, and back for refused link openings.
LOOK_AHEAD = timedelta(days=28)
REFUSALS_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class HomeLesson:
    """One lesson on the home card."""

    starts_at: datetime
    ends_at: datetime
    student_name: str
    colour: int
    subject: str


@dataclass(frozen=True)
class Expiring:
    """A student's link that stops working soon."""

    student_name: str
    expires_at: datetime


@dataclass(frozen=True)
class TeacherHome:
    """What the teacher's home card shows."""

    teacher_name: str
    timezone: str
    students: int
    today: list[HomeLesson]
    upcoming: list[HomeLesson]
    refused: int  # refused openings of the teacher's links in the last REFUSALS_WINDOW
    unreachable: list[str] = field(default_factory=list)  # blocked the bot
    unopened: list[str] = field(default_factory=list)  # link never opened
    expiring: list[Expiring] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        """Whether anything waits for the teacher."""
        return bool(self.refused or self.unreachable or self.unopened or self.expiring)


async def home(deps: Deps, telegram_id: int) -> TeacherHome:
    """The home card of the calling teacher, read in one go."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone = ZoneInfo(teacher.settings.timezone)
        today = now.astimezone(zone).date()
        day_start = datetime.combine(today, time(), zone)
        tomorrow = day_start + timedelta(days=1)
        rows = await uow.bookings.of_teacher_between(teacher.id, day_start, now + LOOK_AHEAD)
        students = await uow.students.of_teacher(teacher.id)
        unreachable, unopened, expiring = [], [], []
        for student in students:
            if student.telegram_id is None:
                unopened.append(student.name)
            else:
                account = await uow.accounts.get(student.telegram_id)
                if account is not None and account.unreachable:
                    unreachable.append(student.name)
            link = await uow.links.current(student.id)
            if (
                link is not None
                and link.expires_at is not None
                and refusal_to_open(link, now, spends=False) is None
                and link.expires_at <= now + EXPIRY_NOTICE
            ):
                expiring.append(Expiring(student.name, link.expires_at))
        events = await uow.stats.audit_between(
            teacher.id, now - REFUSALS_WINDOW, now, event_prefix="link.open"
        )
    lessons = [
        HomeLesson(slot.starts_at, slot.ends_at, student.name, student.colour, slot.subject)
        for _booking, slot, student in sorted(rows, key=lambda r: r[1].starts_at)
    ]
    return TeacherHome(
        teacher_name=teacher.display_name,
        timezone=teacher.settings.timezone,
        students=len(students),
        today=[x for x in lessons if x.starts_at < tomorrow],
        upcoming=[x for x in lessons if x.starts_at >= tomorrow][:NEXT_LESSONS],
        refused=sum(1 for e in events if e.outcome.startswith(REFUSED)),
        unreachable=unreachable,
        unopened=unopened,
        expiring=expiring,
    )
