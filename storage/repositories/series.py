"""Weekly series and the dates each has tried; the claim on a date is the idempotency key."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Actor, Booking, BookingStatus, Slot, SlotStatus
from bot.domain.series import Series, SeriesStatus
from storage.models import BookingRow, SeriesOccurrenceRow, SeriesRow, SlotRow
from storage.repositories import rows


def _series(row: SeriesRow) -> Series:
    return rows.entity(
        Series, row, status=SeriesStatus(row.status), created_by=Actor(row.created_by)
    )


class SqlSeries:
    """Series of every teacher, and their tried dates."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._s = session
        self._dialect = dialect

    async def add(
        self,
        teacher_id: int,
        student_id: int,
        at: tuple[int, time, int, str],
        first: date,
        until: date | None,
        by: Actor,
        now: datetime,
    ) -> Series:
        """Store an active series; `at` is (weekday, local time, minutes, subject)."""
        weekday, local_time, minutes, subject = at
        row = SeriesRow(
            teacher_id=teacher_id,
            student_id=student_id,
            weekday=weekday,
            local_time=local_time,
            minutes=minutes,
            subject=subject,
            first_date=first,
            until_date=until,
            status=SeriesStatus.ACTIVE.value,
            created_by=by.value,
            created_at=now,
        )
        return _series(await rows.inserted(self._s, row))

    async def get(self, series_id: int) -> Series | None:
        """A series by id (fresh from the database)."""
        row = await self._s.get(SeriesRow, series_id, populate_existing=True)
        return _series(row) if row else None

    async def active(self) -> list[Series]:
        """Every active series, oldest first."""
        query = select(SeriesRow).where(SeriesRow.status == SeriesStatus.ACTIVE.value)
        return [_series(r) for r in await self._s.scalars(query.order_by(SeriesRow.id))]

    async def end(self, series_id: int, now: datetime, until: date | None = None) -> bool:
        """Stop an active series (optionally cutting its last date); False if it had ended."""
        values: dict[str, object] = {"status": SeriesStatus.ENDED.value, "ended_at": now}
        if until is not None:
            values["until_date"] = until
        result = await self._s.execute(
            update(SeriesRow)
            .where(SeriesRow.id == series_id, SeriesRow.status == SeriesStatus.ACTIVE.value)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(rows.changed(result))

    async def tried(self, series_id: int) -> set[date]:
        """The dates this series has claimed, booked or skipped."""
        query = select(SeriesOccurrenceRow.on_date).where(
            SeriesOccurrenceRow.series_id == series_id
        )
        return set(await self._s.scalars(query))

    async def claim(self, series_id: int, on_date: date, now: datetime) -> bool:
        """Claim a date for this series; False when it was claimed before (by anyone).

        INSERT ... ON CONFLICT DO NOTHING on the (series, date) unique constraint: on
        PostgreSQL a second claimer waits for the first to commit, then finds the row.
        """
        insert = pg_insert if self._dialect == "postgresql" else sqlite_insert
        statement = (
            insert(SeriesOccurrenceRow)
            .values(series_id=series_id, on_date=on_date, created_at=now)
            .on_conflict_do_nothing(index_elements=["series_id", "on_date"])
        )
        return bool(rows.changed(await self._s.execute(statement)))

    async def settle(
        self, series_id: int, on_date: date, booking_id: int | None, skipped: str | None
    ) -> None:
        """Record what a claimed date became: its booking, or why it was skipped."""
        await self._s.execute(
            update(SeriesOccurrenceRow)
            .where(
                SeriesOccurrenceRow.series_id == series_id, SeriesOccurrenceRow.on_date == on_date
            )
            .values(booking_id=booking_id, skipped=skipped)
            .execution_options(synchronize_session=False)
        )

    async def slot_at(self, teacher_id: int, starts_at: datetime, ends_at: datetime) -> Slot | None:
        """The teacher's open slot with exactly these times, if there is one."""
        query = select(SlotRow).where(
            SlotRow.teacher_id == teacher_id,
            SlotRow.status == SlotStatus.OPEN.value,
            SlotRow.starts_at == starts_at,
            SlotRow.ends_at == ends_at,
        )
        row = (await self._s.scalars(query.limit(1))).first()
        return rows.slot(row) if row else None

    async def coming_bookings(self, series_id: int, start: datetime) -> list[tuple[Booking, Slot]]:
        """The series' confirmed lessons starting at or after `start`, by time."""
        query = (
            select(BookingRow, SlotRow)
            .join(SlotRow, SlotRow.id == BookingRow.slot_id)
            .where(
                BookingRow.series_id == series_id,
                BookingRow.status == BookingStatus.CONFIRMED.value,
                SlotRow.starts_at >= start,
            )
            .order_by(SlotRow.starts_at)
        )
        found = (await self._s.execute(query)).all()
        return [(rows.booking(b), rows.slot(s)) for b, s in found]

    async def join(self, booking_id: int, series_id: int) -> None:
        """Make a booking an occurrence of a series (a new booking, or one moved from it)."""
        await self._s.execute(
            update(BookingRow)
            .where(BookingRow.id == booking_id)
            .values(series_id=series_id)
            .execution_options(synchronize_session=False)
        )
