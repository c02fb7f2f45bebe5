"""The schema as both databases hold it: migrations from empty, and the guarantees it enforces."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.model import AuditEvent, TeacherSettings
from storage.migrate import upgrade_to_head
from storage.uow import SqlUnitOfWork

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


async def _teacher_with_slot(uow: SqlUnitOfWork, capacity: int = 1) -> tuple[int, int]:
    teacher = await uow.teachers.add(1001, "Anna", TeacherSettings(), T0)
    await uow.slots.add_many(teacher.id, None, [(T0, T0 + timedelta(hours=1))], capacity, "Math")
    slots = await uow.slots.between(teacher.id, T0, T0 + timedelta(days=1))
    return teacher.id, slots[0].id


async def test_migrations_create_every_table_from_empty(empty_engine: AsyncEngine) -> None:
    await upgrade_to_head(empty_engine)
    async with empty_engine.connect() as conn:
        names = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert {
        "accounts",
        "teachers",
        "students",
        "share_links",
        "availability_windows",
        "time_off",
        "slots",
        "bookings",
        "outbox",
        "audit_events",
        "alembic_version",
    } <= names


async def test_times_come_back_aware_in_utc(uow: Callable[[], SqlUnitOfWork]) -> None:
    berlin_noon = datetime.fromisoformat("2026-12-01T12:00:00+01:00")
    async with uow() as u:
        teacher = await u.teachers.add(1, "Anna", TeacherSettings(), berlin_noon)
        await u.commit()
    async with uow() as u:
        again = await u.teachers.get(teacher.id)
    assert again is not None
    assert again.created_at == berlin_noon
    assert again.created_at.tzinfo is not None
    assert again.created_at.utcoffset() == timedelta(0)


async def test_database_refuses_more_bookings_than_seats(uow: Callable[[], SqlUnitOfWork]) -> None:
    async with uow() as u:
        _, slot_id = await _teacher_with_slot(u)
        await u.commit()
    async with uow() as u:
        with pytest.raises(IntegrityError):
            # Bypass the conditional UPDATE: the CHECK constraint must still hold the line.
            await u.session.execute(
                text("UPDATE slots SET booked = 2 WHERE id = :id"), {"id": slot_id}
            )
            await u.session.flush()


async def test_take_seat_stops_at_capacity(uow: Callable[[], SqlUnitOfWork]) -> None:
    async with uow() as u:
        _, slot_id = await _teacher_with_slot(u, capacity=2)
        await u.commit()
    taken = []
    for _ in range(3):
        async with uow() as u:
            taken.append(await u.slots.take_seat(slot_id, T0 - timedelta(days=1)))
            await u.commit()
    assert taken == [True, True, False]


async def test_take_seat_refuses_a_started_slot(uow: Callable[[], SqlUnitOfWork]) -> None:
    async with uow() as u:
        _, slot_id = await _teacher_with_slot(u)
        assert await u.slots.take_seat(slot_id, T0 + timedelta(minutes=1)) is False


async def test_audit_log_is_append_only(uow: Callable[[], SqlUnitOfWork]) -> None:
    async with uow() as u:
        await u.audit.add(AuditEvent(at=T0, event="link.opened", outcome="ok", actor_telegram_id=5))
        await u.commit()
    for statement in ("UPDATE audit_events SET outcome = 'forged'", "DELETE FROM audit_events"):
        async with uow() as u:
            with pytest.raises(DBAPIError):
                await u.session.execute(text(statement))


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_postgres_refuses_overlapping_open_slots(uow: Callable[[], SqlUnitOfWork]) -> None:
    async with uow() as u:
        teacher_id, _ = await _teacher_with_slot(u)
        await u.commit()
    async with uow() as u:
        with pytest.raises(IntegrityError):
            half = T0 + timedelta(minutes=30)
            await u.slots.add_many(teacher_id, None, [(half, half + timedelta(hours=1))], 1, "")


def test_migrations_form_one_line_of_history() -> None:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1, "two migrations claim the same parent: rebase one"


async def test_a_reader_is_not_held_up_by_a_writer_in_progress(engine) -> None:  # type: ignore[no-untyped-def]
    from storage.engine import read_factory, uow_factory

    write, read = uow_factory(engine), read_factory(engine)
    async with write() as writer:
        await writer.teachers.add(1, "Anna", TeacherSettings(), T0)  # holds the write lock
        async with read() as reader:  # on SQLite this would wait 30 s with BEGIN IMMEDIATE
            assert await reader.teachers.by_telegram(1) is None, "readers see committed data"
        await writer.commit()
    async with read() as reader:
        assert await reader.teachers.by_telegram(1) is not None
        with pytest.raises(RuntimeError):
            await reader.commit()
