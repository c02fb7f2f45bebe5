"""The waitlist's rows, and the seat arithmetic of holds: every change is one conditional
UPDATE, so the database decides every race (a hold vs its expiry, two takers of one seat)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Row, Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Slot, SlotStatus
from bot.domain.waitlist import LIVE, WaitEntry, WaitState
from storage.models import SlotRow, WaitlistEntryRow
from storage.repositories import rows

_slots = cast(Table, SlotRow.__table__)
_entries = cast(Table, WaitlistEntryRow.__table__)
_LIVE = [s.value for s in LIVE]


def _entry(row: Row[tuple[object, ...]]) -> WaitEntry:
    """An entry from a plain row of its table."""
    return rows.entity(WaitEntry, row, state=WaitState(row.state))


class SqlWaitlist:
    """Lines of students for full slots, and the seats held for those offered."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, slot_id: int, student_id: int, now: datetime) -> WaitEntry:
        """Put the student at the end of the slot's line."""
        values = {
            "slot_id": slot_id,
            "student_id": student_id,
            "state": WaitState.WAITING.value,
            "created_at": now,
        }
        new_id = await self._s.scalar(insert(_entries).values(values).returning(_entries.c.id))
        return WaitEntry(int(new_id or 0), slot_id, student_id, WaitState.WAITING, now)

    async def get(self, entry_id: int) -> WaitEntry | None:
        """An entry by id, in any state."""
        row = (await self._s.execute(select(_entries).where(_entries.c.id == entry_id))).first()
        return _entry(row) if row else None

    async def live(self, slot_id: int, student_id: int) -> WaitEntry | None:
        """The student's live entry (waiting or offered) for the slot, if any."""
        query = select(_entries).where(
            _entries.c.slot_id == slot_id,
            _entries.c.student_id == student_id,
            _entries.c.state.in_(_LIVE),
        )
        row = (await self._s.execute(query)).first()
        return _entry(row) if row else None

    async def place(self, entry: WaitEntry) -> int:
        """The entry's place in its line (1: next to be offered); 0 once it is not waiting."""
        if entry.state != WaitState.WAITING:
            return 0
        ahead = await self._s.scalar(
            select(func.count()).where(
                _entries.c.slot_id == entry.slot_id,
                _entries.c.state == WaitState.WAITING.value,
                _entries.c.id < entry.id,
            )
        )
        return int(ahead or 0) + 1

    async def next_waiting(self, slot_id: int, after: int = 0) -> WaitEntry | None:
        """The first entry still waiting in the slot's line (after a given id)."""
        query = (
            select(_entries)
            .where(
                _entries.c.slot_id == slot_id,
                _entries.c.state == WaitState.WAITING.value,
                _entries.c.id > after,
            )
            .order_by(_entries.c.id)
            .limit(1)
        )
        row = (await self._s.execute(query)).first()
        return _entry(row) if row else None

    async def offer(self, entry_id: int, now: datetime, until: datetime) -> bool:
        """Mark a waiting entry offered until `until`; False if it no longer waits."""
        done = await self._s.execute(
            update(_entries)
            .where(_entries.c.id == entry_id, _entries.c.state == WaitState.WAITING.value)
            .values(state=WaitState.OFFERED.value, offered_at=now, hold_until=until)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    async def close(
        self, entry_id: int, to: WaitState, now: datetime, *, live_at: bool | None = None
    ) -> WaitState | None:
        """Close a live entry (the state it had), or None if it was closed already.

        `live_at=True` closes an offer only while its hold runs, `False` only once it ran
        out: a holder's Book and the hold's expiry exclude each other in the database.
        """
        found = await self.get(entry_id)
        if found is None or found.state not in LIVE:
            return None
        where = [_entries.c.id == entry_id, _entries.c.state == found.state.value]
        if live_at is True:
            where.append(_entries.c.hold_until > now)
        elif live_at is False:
            where.append(_entries.c.hold_until <= now)
        done = await self._s.execute(
            update(_entries).where(*where).values(state=to.value, closed_at=now)
        )
        return found.state if done.rowcount else None  # type: ignore[attr-defined]

    async def claim_offer(self, slot_id: int, student_id: int, now: datetime) -> bool:
        """Turn the student's running offer for the slot into a booking: True if they had one
        (the held seat is now booked), False if not (nothing changed)."""
        done = await self._s.execute(
            update(_entries)
            .where(
                _entries.c.slot_id == slot_id,
                _entries.c.student_id == student_id,
                _entries.c.state == WaitState.OFFERED.value,
                _entries.c.hold_until > now,
            )
            .values(state=WaitState.BOOKED.value, closed_at=now)
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            return False
        return await self._seat(slot_id, now, held=-1, booked=1)

    async def hold_seat(self, slot_id: int, now: datetime) -> bool:
        """Hold a free seat of an open slot that has not begun; False if none is free."""
        return await self._seat(slot_id, now, held=1, booked=0)

    async def release_hold(self, slot_id: int) -> None:
        """Give a held seat back (free again, for the next in line or anyone)."""
        await self._s.execute(
            update(_slots)
            .where(_slots.c.id == slot_id, _slots.c.held > 0)
            .values(held=_slots.c.held - 1)
        )

    async def _seat(self, slot_id: int, now: datetime, *, held: int, booked: int) -> bool:
        """Move seat counts in one conditional update the CHECK constraint also guards."""
        free = _slots.c.booked + _slots.c.held < _slots.c.capacity
        room = _slots.c.held > 0 if held < 0 else free
        done = await self._s.execute(
            update(_slots)
            .where(
                _slots.c.id == slot_id,
                _slots.c.status == SlotStatus.OPEN.value,
                _slots.c.starts_at > now,
                room,
            )
            .values(held=_slots.c.held + held, booked=_slots.c.booked + booked)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    async def lapsed(self, now: datetime, limit: int = 100) -> list[WaitEntry]:
        """Offers whose hold ran out, oldest first."""
        query = (
            select(_entries)
            .where(_entries.c.state == WaitState.OFFERED.value, _entries.c.hold_until <= now)
            .order_by(_entries.c.hold_until)
            .limit(limit)
        )
        return [_entry(r) for r in (await self._s.execute(query)).all()]

    async def drop_started(self, now: datetime) -> int:
        """Silently close the live entries of lessons that began or went; how many."""
        gone = (
            select(_slots.c.id)
            .where(
                _slots.c.id == _entries.c.slot_id,
                (_slots.c.starts_at <= now) | (_slots.c.status != SlotStatus.OPEN.value),
            )
            .exists()
        )
        done = await self._s.execute(
            update(_entries)
            .where(_entries.c.state.in_(_LIVE), gone)
            .values(state=WaitState.DROPPED.value, closed_at=now)
        )
        return int(done.rowcount or 0)  # type: ignore[attr-defined]

    async def slots_with_room(self, now: datetime, limit: int = 100) -> list[int]:
        """Open, coming slots with a free seat and someone waiting for one."""
        waiting = select(_entries.c.slot_id).where(_entries.c.state == WaitState.WAITING.value)
        query = (
            select(_slots.c.id)
            .where(
                _slots.c.id.in_(waiting),
                _slots.c.status == SlotStatus.OPEN.value,
                _slots.c.starts_at > now,
                _slots.c.booked + _slots.c.held < _slots.c.capacity,
            )
            .order_by(_slots.c.starts_at)
            .limit(limit)
        )
        return list(await self._s.scalars(query))

    async def of_students(self, student_ids: list[int]) -> list[tuple[WaitEntry, Slot, int]]:
        """The live entries of these student records, each with its slot and place in line."""
        query = select(_entries).where(
            _entries.c.student_id.in_(student_ids), _entries.c.state.in_(_LIVE)
        )
        found = []
        for row in (await self._s.execute(query)).all():
            entry = _entry(row)
            slot_query = select(_slots).where(_slots.c.id == entry.slot_id)
            slot_row = (await self._s.execute(slot_query)).one()
            found.append((entry, rows.slot(slot_row), await self.place(entry)))
        return sorted(found, key=lambda item: item[1].starts_at)
