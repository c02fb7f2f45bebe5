"""Lesson places: the teacher's default, each set of hours' and each lesson's own."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, Table, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.places import Candidates, PlaceChoice
from storage.models import BookingPlaceRow, BookingRow, SlotRow, TeacherPlaceRow, WindowPlaceRow

_TABLES: dict[str, tuple[Table, str]] = {
    "teacher": (TeacherPlaceRow.__table__, "teacher_id"),  # type: ignore[dict-item]
    "window": (WindowPlaceRow.__table__, "window_id"),  # type: ignore[dict-item]
    "booking": (BookingPlaceRow.__table__, "booking_id"),  # type: ignore[dict-item]
}


def _of_bookings() -> Select[tuple[int, str, datetime, str, datetime, str, datetime]]:
    lesson, hours, default = (
        aliased(BookingPlaceRow),
        aliased(WindowPlaceRow),
        aliased(TeacherPlaceRow),
    )
    return (
        select(
            BookingRow.id,
            lesson.place,
            lesson.changed_at,
            hours.place,
            hours.changed_at,
            default.place,
            default.changed_at,
        )
        .join(SlotRow, SlotRow.id == BookingRow.slot_id)
        .outerjoin(lesson, lesson.booking_id == BookingRow.id)
        .outerjoin(hours, hours.window_id == SlotRow.window_id)
        .outerjoin(default, default.teacher_id == SlotRow.teacher_id)
        .where(BookingRow.id.in_(bindparam("ids", expanding=True)))
    )


# Every booking card reads this; its three aliases cost about a millisecond to build, so the
# statement (and its cache key) is built once.
_OF_BOOKINGS = _of_bookings()


def _choice(place: str | None, changed_at: datetime | None) -> PlaceChoice | None:
    return PlaceChoice(place, changed_at) if place is not None and changed_at else None


class SqlPlaces:
    """Places by what they belong to; the domain picks which one a lesson shows."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._s = session
        self._dialect = dialect

    async def _put(self, owner: str, key: int, place: str | None, now: datetime) -> None:
        """Store (an upsert on the owner's key) or, with None, remove one place."""
        table, column = _TABLES[owner]
        if place is None:
            await self._s.execute(delete(table).where(table.c[column] == key))
            return
        insert = pg_insert if self._dialect == "postgresql" else sqlite_insert
        statement = insert(table).values({column: key, "place": place, "changed_at": now})
        await self._s.execute(
            statement.on_conflict_do_update(
                index_elements=[column], set_={"place": place, "changed_at": now}
            )
        )

    async def set_default(self, teacher_id: int, place: str | None, now: datetime) -> None:
        """The teacher's default place (None: none)."""
        await self._put("teacher", teacher_id, place, now)

    async def set_hours(self, window_id: int, place: str | None, now: datetime) -> None:
        """The place of one set of hours (None: the default applies)."""
        await self._put("window", window_id, place, now)

    async def set_lesson(self, booking_id: int, place: str | None, now: datetime) -> None:
        """The place of one lesson (None: its hours' or the default applies)."""
        await self._put("booking", booking_id, place, now)

    async def carry(self, from_booking: int, to_booking: int) -> None:
        """A moved lesson keeps its own place: copy it to the booking it moved to."""
        row = await self._s.get(BookingPlaceRow, from_booking)
        if row is not None:
            await self._put("booking", to_booking, row.place, row.changed_at)

    async def default(self, teacher_id: int) -> PlaceChoice | None:
        """The teacher's default place, if set."""
        row = await self._s.get(TeacherPlaceRow, teacher_id)
        return PlaceChoice(row.place, row.changed_at) if row else None

    async def of_windows(self, window_ids: Iterable[int]) -> dict[int, str]:
        """The places set for these hours, by window id."""
        ids = list(window_ids)
        if not ids:
            return {}
        query = select(WindowPlaceRow.window_id, WindowPlaceRow.place).where(
            WindowPlaceRow.window_id.in_(ids)
        )
        return {key: place for key, place in (await self._s.execute(query)).tuples()}

    async def of_bookings(self, booking_ids: Iterable[int]) -> dict[int, Candidates]:
        """Each booking's candidate places (its own, its hours', the default) in one query."""
        ids = list(booking_ids)
        if not ids:
            return {}
        found = (await self._s.execute(_OF_BOOKINGS, {"ids": ids})).tuples()
        return {
            key: Candidates(_choice(lp, lc), _choice(hp, hc), _choice(dp, dc))
            for key, lp, lc, hp, hc, dp, dc in found
        }
