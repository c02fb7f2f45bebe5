"""The audit log: the application only appends and reads."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import AuditEvent
from storage.models import AuditRow
from storage.repositories import rows

_ADD = insert(cast(Table, AuditRow.__table__))


class SqlAudit:
    """Append and query audit events."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, event: AuditEvent) -> None:
        """Append one event."""
        # The database numbers events; a plain INSERT built once, no ORM object kept.
        await self._s.execute(_ADD, rows.columns(event, "id"))

    async def count_by_actor(self, actor: int, outcome_prefix: str, since: datetime) -> int:
        """How many events of an actor with an outcome starting with a prefix, since a moment."""
        query = select(func.count()).where(
            AuditRow.actor_telegram_id == actor,
            AuditRow.at >= since,
            AuditRow.outcome.startswith(outcome_prefix),
        )
        return int(await self._s.scalar(query) or 0)

    async def times_by_actor(
        self, actor: int, outcome_prefix: str, since: datetime
    ) -> list[datetime]:
        """When an actor's events with outcomes starting with a prefix happened, since then."""
        query = select(AuditRow.at).where(
            AuditRow.actor_telegram_id == actor,
            AuditRow.at >= since,
            AuditRow.outcome.startswith(outcome_prefix),
        )
        return list(await self._s.scalars(query))

    async def recent(
        self,
        *,
        teacher_id: int | None = None,
        student_id: int | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> list[AuditEvent]:
        """Newest events for a teacher or one student, paged."""
        query = select(AuditRow)
        if teacher_id is not None:
            query = query.where(AuditRow.teacher_id == teacher_id)
        if student_id is not None:
            query = query.where(AuditRow.student_id == student_id)
        query = query.order_by(AuditRow.at.desc(), AuditRow.id.desc()).offset(offset).limit(limit)
        return [rows.event(r) for r in await self._s.scalars(query)]
