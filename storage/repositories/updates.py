"""Processed Telegram updates: an atomic claim per update_id, kept alive, finished or released."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.update_claims import Claim
from storage.models import ProcessedUpdateRow
from storage.repositories import rows

IN_PROGRESS = "in_progress"
DONE = "done"


class SqlProcessedUpdates:
    """One row per update_id; the primary key makes the first claim win."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._s = session
        self._dialect = dialect

    async def _insert_if_absent(self, update_id: int, now: datetime, expires: datetime) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING: True if this call created the row."""
        insert = pg_insert if self._dialect == "postgresql" else sqlite_insert
        statement = (
            insert(ProcessedUpdateRow)
            .values(update_id=update_id, status=IN_PROGRESS, claimed_at=now, expires_at=expires)
            .on_conflict_do_nothing(index_elements=["update_id"])
        )
        result = await self._s.execute(statement)
        return bool(rows.changed(result))

    async def claim(
        self, update_id: int, now: datetime, stale_before: datetime, expires: datetime
    ) -> Claim:
        """Claim an update; take over an in-progress claim not refreshed since stale_before."""
        if await self._insert_if_absent(update_id, now, expires):
            return Claim.NEW
        # Conditional UPDATE: of two redeliveries racing for a stale claim, one matches.
        taken = await self._s.execute(
            update(ProcessedUpdateRow)
            .where(
                ProcessedUpdateRow.update_id == update_id,
                ProcessedUpdateRow.status == IN_PROGRESS,
                ProcessedUpdateRow.claimed_at < stale_before,
            )
            .values(claimed_at=now, expires_at=expires)
        )
        if rows.changed(taken):
            return Claim.TAKEN_OVER
        status = await self._s.scalar(
            select(ProcessedUpdateRow.status).where(ProcessedUpdateRow.update_id == update_id)
        )
        return Claim.DUPLICATE if status == DONE else Claim.IN_PROGRESS

    async def refresh(self, update_ids: list[int], now: datetime) -> None:
        """Heartbeat: mark these in-progress claims as still worked on."""
        # Lock the rows in update_id order first, as claiming and finishing do one by one:
        # an UPDATE ... IN (...) locks them in scan order, which on PostgreSQL could deadlock
        # with a worker taking over one of them.
        await self._s.execute(
            select(ProcessedUpdateRow.update_id)
            .where(
                ProcessedUpdateRow.update_id.in_(update_ids),
                ProcessedUpdateRow.status == IN_PROGRESS,
            )
            .order_by(ProcessedUpdateRow.update_id)
            .with_for_update()
        )
        await self._s.execute(
            update(ProcessedUpdateRow)
            .where(
                ProcessedUpdateRow.update_id.in_(update_ids),
                ProcessedUpdateRow.status == IN_PROGRESS,
            )
            .values(claimed_at=now)
        )

    async def finish(self, update_id: int) -> None:
        """Record the update as fully processed."""
        await self._s.execute(
            update(ProcessedUpdateRow)
            .where(ProcessedUpdateRow.update_id == update_id)
            .values(status=DONE)
        )

    async def release(self, update_id: int) -> None:
        """Forget an in-progress claim, so the redelivery of a failed update is processed."""
        await self._s.execute(
            delete(ProcessedUpdateRow).where(
                ProcessedUpdateRow.update_id == update_id, ProcessedUpdateRow.status == IN_PROGRESS
            )
        )

    async def prune(self, now: datetime) -> int:
        """Delete records past their expiry; returns how many."""
        result = await self._s.execute(
            delete(ProcessedUpdateRow).where(ProcessedUpdateRow.expires_at < now)
        )
        return rows.changed(result)
