"""Calendar feeds: subscription addresses (out) and the teachers' own busy calendars (in)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.busy_time import Stretch
from storage.models import BusyCalendarRow, FeedTokenRow, TimeOffRow
from storage.repositories import rows


@dataclass(frozen=True)
class FeedToken:
    """A live subscription address: whose lessons it shows."""

    id: int
    teacher_id: int
    student_id: int | None
    created_at: datetime
    use_count: int


@dataclass(frozen=True)
class BusyCalendar:
    """A teacher's own calendar feed and where its fetching stands."""

    id: int
    teacher_id: int
    url_encrypted: bytes
    etag: str
    last_modified: str
    body: bytes | None
    next_fetch_at: datetime
    ok_at: datetime | None
    failures: int
    failure_told: bool
    last_error: str


def _token(row: FeedTokenRow) -> FeedToken:
    return FeedToken(row.id, row.teacher_id, row.student_id, row.created_at, row.use_count)


def _calendar(row: BusyCalendarRow) -> BusyCalendar:
    return rows.entity(BusyCalendar, row)


class SqlCalendarFeeds:
    """Feed tokens by keyed hash; busy calendars claimed per feed by the fetching worker."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._s = session
        self._dialect = dialect

    # --- out: subscription addresses ---

    async def live_token(self, teacher_id: int, student_id: int | None) -> FeedToken | None:
        """The address not revoked of the teacher (student_id None) or of one student."""
        owner = (
            FeedTokenRow.student_id.is_(None)
            if student_id is None
            else FeedTokenRow.student_id == student_id
        )
        query = select(FeedTokenRow).where(
            FeedTokenRow.teacher_id == teacher_id, owner, FeedTokenRow.revoked_at.is_(None)
        )
        row = (await self._s.scalars(query.order_by(FeedTokenRow.id.desc()))).first()
        return _token(row) if row else None

    async def add_token(
        self, teacher_id: int, student_id: int | None, token_hash: bytes, now: datetime
    ) -> FeedToken:
        """Store a new address by its keyed hash."""
        row = FeedTokenRow(
            teacher_id=teacher_id, student_id=student_id, token_hash=token_hash, created_at=now
        )
        return _token(await rows.inserted(self._s, row))

    async def revoke(self, token_id: int, now: datetime) -> int:
        """Stop an address from working; how many rows changed (0: revoked already)."""
        result = await self._s.execute(
            update(FeedTokenRow)
            .where(FeedTokenRow.id == token_id, FeedTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return rows.changed(result)

    async def use(self, token_hash: bytes, now: datetime) -> FeedToken | None:
        """The live address with this hash, its use counted; None if unknown or revoked."""
        query = select(FeedTokenRow).where(
            FeedTokenRow.token_hash == token_hash, FeedTokenRow.revoked_at.is_(None)
        )
        row = (await self._s.scalars(query)).first()
        if row is None:
            return None
        row.use_count += 1
        row.last_used_at = now
        await self._s.flush()
        return _token(row)

    # --- in: the teacher's own calendar ---

    async def busy_calendar(self, teacher_id: int) -> BusyCalendar | None:
        """The teacher's own calendar feed, if they gave one."""
        query = select(BusyCalendarRow).where(BusyCalendarRow.teacher_id == teacher_id)
        row = (await self._s.scalars(query)).first()
        return _calendar(row) if row else None

    async def busy_calendar_by_id(self, calendar_id: int) -> BusyCalendar | None:
        """A calendar by id (None once removed)."""
        row = await self._s.get(BusyCalendarRow, calendar_id)
        return _calendar(row) if row else None

    async def set_busy_calendar(self, teacher_id: int, sealed_url: bytes, now: datetime) -> int:
        """Give the teacher this calendar (replacing theirs, its busy time dropped); its id."""
        await self.remove_busy_calendar(teacher_id)
        row = BusyCalendarRow(
            teacher_id=teacher_id, url_encrypted=sealed_url, next_fetch_at=now, created_at=now
        )
        return (await rows.inserted(self._s, row)).id

    async def remove_busy_calendar(self, teacher_id: int) -> int:
        """Forget the teacher's calendar and the busy time read from it; rows removed."""
        found = await self.busy_calendar(teacher_id)
        if found is None:
            return 0
        await self._s.execute(delete(TimeOffRow).where(TimeOffRow.feed_id == found.id))
        await self._s.execute(delete(BusyCalendarRow).where(BusyCalendarRow.id == found.id))
        return 1

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[BusyCalendar]:
        """Claim calendars due for a fetch until the lease runs out (one worker each)."""
        query = (
            select(BusyCalendarRow)
            .where(
                BusyCalendarRow.next_fetch_at <= now,
                or_(
                    BusyCalendarRow.claimed_until.is_(None),
                    BusyCalendarRow.claimed_until <= now,
                ),
            )
            .order_by(BusyCalendarRow.next_fetch_at, BusyCalendarRow.id)
            .limit(limit)
        )
        if self._dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)  # other workers take the rest
        claimed = list(await self._s.scalars(query))
        for row in claimed:
            row.claimed_until = now + lease
        await self._s.flush()
        return [_calendar(r) for r in claimed]

    async def fetched(self, calendar_id: int, **values: object) -> int:
        """Record a fetch's outcome and release the claim; 0 if the calendar went meanwhile."""
        result = await self._s.execute(
            update(BusyCalendarRow)
            .where(BusyCalendarRow.id == calendar_id)
            .values(claimed_until=None, **values)
        )
        return rows.changed(result)

    async def busy_stretches(self, calendar_id: int) -> list[tuple[int, Stretch]]:
        """The busy time stored from a calendar: (time off id, (start, end))."""
        query = select(TimeOffRow.id, TimeOffRow.starts_at, TimeOffRow.ends_at).where(
            TimeOffRow.feed_id == calendar_id
        )
        return [(i, (s, e)) for i, s, e in (await self._s.execute(query)).all()]

    async def add_busy(
        self, teacher_id: int, calendar_id: int, stretches: Iterable[Stretch], now: datetime
    ) -> None:
        """Store busy stretches read from a calendar as its time off."""
        self._s.add_all(
            TimeOffRow(
                teacher_id=teacher_id,
                feed_id=calendar_id,
                starts_at=s,
                ends_at=e,
                created_at=now,
                reason="",
            )
            for s, e in stretches
        )
        await self._s.flush()

    async def remove_busy(self, time_off_ids: Iterable[int]) -> None:
        """Drop busy stretches the calendar no longer holds."""
        ids = list(time_off_ids)
        if ids:
            await self._s.execute(delete(TimeOffRow).where(TimeOffRow.id.in_(ids)))
