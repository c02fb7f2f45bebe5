"""Share links, found by keyed hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ScalarSelect, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import ShareLink
from storage.models import ShareLinkRow, StudentRow
from storage.repositories import rows


def newest_link_id() -> ScalarSelect[int]:
    """The id of the students row's newest link (NULL if it never had one), to join on."""
    links, students = ShareLinkRow.__table__.alias("newest"), StudentRow.__table__
    return (
        select(func.max(links.c.id))
        .where(links.c.student_id == students.c.id)
        .correlate(students)
        .scalar_subquery()
    )


class SqlLinks:
    """Links per student; at most one is live at a time."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(
        self,
        student_id: int,
        token_hash: bytes,
        token_encrypted: bytes,
        now: datetime,
        expires_at: datetime | None,
        max_uses: int | None,
    ) -> ShareLink:
        """Store a new link."""
        row = ShareLinkRow(
            student_id=student_id,
            token_hash=token_hash,
            token_encrypted=token_encrypted,
            created_at=now,
            expires_at=expires_at,
            max_uses=max_uses,
            use_count=0,
            replaced=False,
        )
        return rows.link(await rows.inserted(self._s, row))

    async def by_hash(self, token_hash: bytes) -> ShareLink | None:
        """The link whose token hashes to this value."""
        row = await self._s.scalar(
            select(ShareLinkRow).where(ShareLinkRow.token_hash == token_hash)
        )
        return rows.link(row) if row else None

    async def current(self, student_id: int) -> ShareLink | None:
        """The student's newest link (revoked or not)."""
        query = (
            select(ShareLinkRow)
            .where(ShareLinkRow.student_id == student_id)
            .order_by(ShareLinkRow.id.desc())
            .limit(1)
        )
        row = await self._s.scalar(query)
        return rows.link(row) if row else None

    async def revoke_all(self, student_id: int, now: datetime, *, replaced: bool) -> None:
        """End every live link of a student."""
        await self._s.execute(
            update(ShareLinkRow)
            .where(ShareLinkRow.student_id == student_id, ShareLinkRow.revoked_at.is_(None))
            .values(revoked_at=now, replaced=replaced)
        )

    async def count_use(self, link_id: int, now: datetime, *, spend: bool = True) -> None:
        """Note an opening; count it as a use when `spend`, atomically (no read-modify-write)."""
        await self._s.execute(
            update(ShareLinkRow)
            .where(ShareLinkRow.id == link_id)
            .values(use_count=ShareLinkRow.use_count + int(spend), last_used_at=now)
        )

    async def set_limits(
        self, link_id: int, expires_at: datetime | None, max_uses: int | None
    ) -> None:
        """Change a link's expiry and maximum uses."""
        await self._s.execute(
            update(ShareLinkRow)
            .where(ShareLinkRow.id == link_id)
            .values(expires_at=expires_at, max_uses=max_uses)
        )

    async def expiring_between(self, start: datetime, end: datetime) -> list[ShareLink]:
        """Live links whose expiry falls in [start, end)."""
        query = select(ShareLinkRow).where(
            ShareLinkRow.revoked_at.is_(None),
            ShareLinkRow.expires_at >= start,
            ShareLinkRow.expires_at < end,
        )
        return [rows.link(r) for r in await self._s.scalars(query)]
