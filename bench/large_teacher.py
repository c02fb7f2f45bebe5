"""The issue's two teachers, bulk-inserted: a large one with years of history and a small one.

Large: 500 bound students with live links, 3,000 hourly slots in the horizon, 200 upcoming
bookings of one student (the one whose presses are timed), 20,000 past bookings (attended,
no-shows, cancelled by either side, late, rescheduled) and 200,000 audit events.
Small: 300 hourly slots in the horizon, one bound student, no history at all.
Both teach in the same zone with the same settings, so a press costs the same unless a
read grows with the teacher's size.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bench.common import NOW, VAULT
from storage.models import (
    AccountRow,
    AuditRow,
    BookingRow,
    ShareLinkRow,
    SlotRow,
    StudentRow,
    TeacherRow,
)

ZONE = "Europe/Berlin"
BATCH = 5_000


@dataclass(frozen=True)
class Size:
    """How big a teacher is."""

    students: int
    slots: int  # hourly slots from tomorrow on, all inside the horizon
    upcoming: int  # confirmed bookings of the timed student among those slots
    past: int  # bookings of past lessons, spread over the students
    audit: int  # audit events about the teacher and their students


LARGE = Size(students=500, slots=3_000, upcoming=200, past=20_000, audit=200_000)
SMALL = Size(students=1, slots=300, upcoming=0, past=0, audit=0)


@dataclass(frozen=True)
class Built:
    """Ids the benches press with."""

    teacher_id: int
    teacher_telegram: int
    student_id: int  # the timed student (holds the upcoming bookings)
    account: int  # the timed student's Telegram id
    free_slots: list[int]  # free slots of the horizon, in time order, none overlapping the booked


def _batches(rows: Sequence[dict[str, object]]) -> Iterator[Sequence[dict[str, object]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


async def _insert(conn: AsyncConnection, table: type, rows: Sequence[dict[str, object]]) -> None:
    for chunk in _batches(rows):
        await conn.execute(insert(table), chunk)


async def build(engine: AsyncEngine, size: Size, number: int) -> Built:
    """One teacher of this size; `number` keeps Telegram ids apart when several are built."""
    started = time.perf_counter()
    rng = random.Random(number)
    telegram = 30_000_000 + number
    slot_hours = size.slots
    async with engine.begin() as conn:
        teacher_id = (
            await conn.execute(
                insert(TeacherRow).returning(TeacherRow.id),
                {
                    "telegram_id": telegram,
                    "display_name": f"Teacher {number}",
                    "timezone": ZONE,
                    "slot_minutes": 60,
                    "advance_notice_minutes": 120,
                    "horizon_days": slot_hours // 24 + 2,
                    "cancel_window_minutes": 1440,
                    "reminder_leads": "1440,60",
                    "notifications_enabled": True,
                    "teacher_reminders": False,
                    "inactive_after_days": 30,
                    "created_at": NOW - timedelta(days=1000),
                },
            )
        ).scalar_one()
        students = [
            {
                "teacher_id": teacher_id,
                "name": f"Student {number}-{i}",
                "colour": i % 24,
                "telegram_id": 40_000_000 + number * 10_000 + i,
                "bound_at": NOW - timedelta(days=rng.randint(1, 900)),
                "archived": False,
                "created_at": NOW - timedelta(days=950),
            }
            for i in range(size.students)
        ]
        student_ids = list(
            (await conn.execute(insert(StudentRow).returning(StudentRow.id), students)).scalars()
        )
        # Each student opened their link, so the bot has seen their account (who is talking
        # is read from accounts, once per update).
        accounts = [
            {"telegram_id": s["telegram_id"], "first_name": s["name"], "created_at": s["bound_at"]}
            for s in students
        ]
        await _insert(conn, AccountRow, accounts)
        token = VAULT.new_token()
        await _insert(
            conn,
            ShareLinkRow,
            [
                {
                    "student_id": sid,
                    "token_hash": VAULT.digest(f"{token}-{sid}"),
                    "token_encrypted": b"x",
                    "created_at": NOW - timedelta(days=rng.randint(1, 900)),
                    "last_used_at": NOW - timedelta(days=rng.randint(1, 900)),
                    "use_count": 1,
                    "replaced": False,
                }
                for sid in student_ids
            ],
        )
        first = NOW.replace(minute=0) + timedelta(days=1)
        # Every other hour is upcoming-booked for the timed student until `upcoming` are taken,
        # so free slots and the student's own lessons never overlap.
        booked_hours = set(range(0, 2 * size.upcoming, 2))
        future = [
            {
                "teacher_id": teacher_id,
                "starts_at": first + timedelta(hours=h),
                "ends_at": first + timedelta(hours=h + 1),
                "capacity": 1,
                "booked": 1 if h in booked_hours else 0,
                "subject": ("Maths", "Physics", "")[h % 3],
                "status": "open",
            }
            for h in range(slot_hours)
        ]
        future_ids: list[int] = []
        for chunk in _batches(future):
            found = await conn.execute(insert(SlotRow).returning(SlotRow.id), chunk)
            future_ids += list(found.scalars())
        timed = student_ids[0]
        await _insert(
            conn,
            BookingRow,
            [
                {
                    "slot_id": future_ids[h],
                    "student_id": timed,
                    "status": "confirmed",
                    "created_at": NOW - timedelta(days=3),
                    "late_cancel": False,
                    "sequence": 0,
                    "cancel_reason": "",
                }
                for h in sorted(booked_hours)
            ],
        )
        await _past(conn, rng, teacher_id, student_ids, size.past, first)
        await _audit(conn, rng, teacher_id, telegram, student_ids, size.audit)
    free = [future_ids[h] for h in range(slot_hours) if h not in booked_hours and h % 2]
    print(f"  built a teacher of {size} in {time.perf_counter() - started:.1f} s")
    return Built(teacher_id, telegram, student_ids[0], 40_000_000 + number * 10_000, free)


async def _past(
    conn: AsyncConnection,
    rng: random.Random,
    teacher_id: int,
    student_ids: list[int],
    count: int,
    first: datetime,
) -> None:
    """`count` past lessons, one booking each, going back hour by hour from yesterday."""
    if not count:
        return
    # Lessons run 08:00-20:00 UTC: 12 a day, so 20,000 lessons reach back about 4.5 years.
    hours = [h for h in range(1, 10 * count) if (first - timedelta(hours=h)).hour in range(8, 20)]
    starts = [first - timedelta(days=1, hours=h) for h in hours[:count]]
    slot_rows = [
        {
            "teacher_id": teacher_id,
            "starts_at": at,
            "ends_at": at + timedelta(hours=1),
            "capacity": 1,
            "booked": 1,
            "subject": ("Maths", "Physics", "")[i % 3],
            "status": "open",
        }
        for i, at in enumerate(starts)
    ]
    slot_ids: list[int] = []
    for chunk in _batches(slot_rows):
        slot_ids += list(
            (await conn.execute(insert(SlotRow).returning(SlotRow.id), chunk)).scalars()
        )
    bookings = []
    for slot_id, at in zip(slot_ids, starts, strict=True):
        roll = rng.random()
        row: dict[str, object] = {
            "slot_id": slot_id,
            "student_id": rng.choice(student_ids),
            "status": "confirmed",
            "created_at": at - timedelta(hours=rng.randint(3, 400)),
            "late_cancel": False,
            "sequence": 0,
            "cancel_reason": "",
            "attended": True,
        }
        if roll < 0.08:
            row |= {"status": "cancelled", "cancelled_by": "student", "attended": None}
            row |= {"cancelled_at": at - timedelta(hours=rng.randint(1, 48))}
            row["late_cancel"] = roll < 0.02
        elif roll < 0.12:
            row |= {"status": "cancelled", "cancelled_by": "teacher", "attended": None}
            row["cancelled_at"] = at - timedelta(hours=rng.randint(1, 48))
        elif roll < 0.15:
            row["attended"] = False
        bookings.append(row)
    await _insert(conn, BookingRow, bookings)


EVENTS = (
    ("booking.confirmed", "ok"),
    ("booking.cancelled", "ok"),
    ("link.opened", "ok"),
    ("link.opened", "link_refused:expired"),
    ("calendar.viewed", "ok"),
)


async def _audit(
    conn: AsyncConnection,
    rng: random.Random,
    teacher_id: int,
    telegram: int,
    student_ids: list[int],
    count: int,
) -> None:
    """`count` events over the last 1,600 days, about the teacher or one of their students."""
    rows = []
    for i in range(count):
        event, outcome = EVENTS[i % len(EVENTS)]
        rows.append(
            {
                "at": NOW - timedelta(minutes=rng.randint(1, 1600 * 24 * 60)),
                "actor_telegram_id": telegram,
                "teacher_id": teacher_id if i % 2 else None,
                "student_id": rng.choice(student_ids),
                "event": event,
                "outcome": outcome,
                "detail": {"n": i},
            }
        )
    await _insert(conn, AuditRow, rows)
