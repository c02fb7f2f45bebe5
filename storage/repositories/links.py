"""Share links, found by keyed hash; what guardian links share with them."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import ScalarSelect, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import ShareLink
from storage.models import GuardianRow, ShareLinkRow, StudentRow
from storage.repositories import rows

# The tables of links held as keyed hash and sealed copy, and the entity a row becomes.
TokenRow = TypeVar("TokenRow", ShareLinkRow, GuardianRow)
Item = TypeVar("Item")


def newest_link_id() -> ScalarSelect[int]:
    """The id of the students row's newest link (NULL if it never had one), to join on."""
    links, students = ShareLinkRow.__table__.alias("newest"), StudentRow.__table__
    return (
        select(func.max(links.c.id))
        .where(links.c.student_id == students.c.id)
        .correlate(students)
        .scalar_subquery()
    )


class TokenLinks(Generic[TokenRow, Item]):
    """A student's links stored as keyed hash and sealed copy: storing one, finding one."""

    _row: type[TokenRow]

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def _item(self, row: TokenRow) -> Item:
        raise NotImplementedError

    async def _add(
        self,
        student_id: int,
        token_hash: bytes,
        token_encrypted: bytes,
        now: datetime,
        expires_at: datetime | None,
        **more: object,
    ) -> Item:
        """Store a new link, not yet used; `more` fills the table's own columns."""
        row = self._row(
            student_id=student_id,
            token_hash=token_hash,
            token_encrypted=token_encrypted,
            created_at=now,
            expires_at=expires_at,
            use_count=0,
            **more,
        )
        return self._item(await rows.inserted(self._s, row))

    async def by_hash(self, token_hash: bytes) -> Item | None:
        """The link whose token hashes to this value."""
        row = await self._s.scalar(select(self._row).where(self._row.token_hash == token_hash))
        return self._item(row) if row else None


class SqlLinks(TokenLinks[ShareLinkRow, ShareLink]):
    """Links per student; at most one is live at a time."""

    _row = ShareLinkRow

    def _item(self, row: ShareLinkRow) -> ShareLink:
        return rows.link(row)

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
        return await self._add(
            student_id,
            token_hash,
            token_encrypted,
            now,
            expires_at,
            max_uses=max_uses,
            replaced=False,
        )

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
