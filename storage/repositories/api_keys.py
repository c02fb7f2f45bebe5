"""Teachers' API keys, found by keyed hash."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.api_keys import ApiKey
from storage.models import ApiKeyRow
from storage.repositories import rows


class SqlApiKeys:
    """A teacher's keys; revoked ones stay, for the audit trail."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, teacher_id: int, label: str, key_hash: bytes, now: datetime) -> ApiKey:
        """Store a new key by its hash."""
        row = ApiKeyRow(teacher_id=teacher_id, label=label, key_hash=key_hash, created_at=now)
        return rows.entity(ApiKey, await rows.inserted(self._s, row))

    async def of_teacher(self, teacher_id: int, *, live_only: bool = False) -> list[ApiKey]:
        """The teacher's keys, oldest first."""
        query = select(ApiKeyRow).where(ApiKeyRow.teacher_id == teacher_id)
        if live_only:
            query = query.where(ApiKeyRow.revoked_at.is_(None))
        found = await self._s.scalars(query.order_by(ApiKeyRow.id))
        return [rows.entity(ApiKey, r) for r in found]

    async def get(self, key_id: int) -> ApiKey | None:
        """A key by id."""
        row = await self._s.get(ApiKeyRow, key_id)
        return rows.entity(ApiKey, row) if row else None

    async def by_hash(self, key_hash: bytes) -> ApiKey | None:
        """The key whose secret hashes to this value, revoked or not."""
        row = await self._s.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))
        return rows.entity(ApiKey, row) if row else None

    async def revoke(self, key_id: int, now: datetime) -> bool:
        """End a live key; False if it was already revoked."""
        result = await self._s.execute(
            update(ApiKeyRow)
            .where(ApiKeyRow.id == key_id, ApiKeyRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return rows.changed(result) > 0

    async def touch(self, key_id: int, now: datetime, every: timedelta) -> bool:
        """Note a use, at most once per `every` (a write per request would be waste)."""
        result = await self._s.execute(
            update(ApiKeyRow)
            .where(
                ApiKeyRow.id == key_id,
                or_(ApiKeyRow.last_used_at.is_(None), ApiKeyRow.last_used_at <= now - every),
            )
            .values(last_used_at=now)
        )
        return rows.changed(result) > 0
