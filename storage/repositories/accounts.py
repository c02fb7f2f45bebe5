"""Telegram accounts the bot has seen."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from types import SimpleNamespace

from sqlalchemy import BigInteger, FromClause, Select, bindparam, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Account, ShareLink, Student, Teacher
from storage.models import AccountRow, ShareLinkRow, StudentRow, TeacherRow
from storage.repositories import rows
from storage.repositories.links import newest_link_id

# A student record of an account, with its teacher and its newest link (None: never had one).
Seat = tuple[Student, Teacher, ShareLink | None]

_ACCOUNTS = AccountRow.__table__
_STUDENTS = StudentRow.__table__
_TEACHERS = TeacherRow.__table__
_LINKS = ShareLinkRow.__table__


def _part(row: Row[tuple[object, ...]], table: FromClause) -> SimpleNamespace:
    """One table's columns out of a joined row, by column name."""
    return SimpleNamespace(**{c.name: row._mapping[c] for c in table.c})


@cache
def _identity_query() -> tuple[Select[tuple[object, ...]], FromClause]:
    """The identity statement, built once (and its cache key with it), and its teacher alias."""
    telegram_id = bindparam("telegram_id", type_=BigInteger)
    teaches = select(_TEACHERS.c.id).where(_TEACHERS.c.telegram_id == telegram_id).exists()
    own = _TEACHERS.alias("own")
    query = (
        select(_ACCOUNTS, teaches.label("teaches"), _STUDENTS, own, _LINKS)
        .select_from(
            _ACCOUNTS.outerjoin(_STUDENTS, _STUDENTS.c.telegram_id == _ACCOUNTS.c.telegram_id)
            .outerjoin(own, own.c.id == _STUDENTS.c.teacher_id)
            .outerjoin(_LINKS, _LINKS.c.id == newest_link_id())
        )
        .where(_ACCOUNTS.c.telegram_id == telegram_id)
        .order_by(_STUDENTS.c.id)
    )
    return query, own


class SqlAccounts:
    """Accounts by Telegram id."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, telegram_id: int) -> Account | None:
        """The account, or None if never seen."""
        row = await self._s.get(AccountRow, telegram_id)
        return rows.account(row) if row else None

    async def ensure(
        self, telegram_id: int, first_name: str, now: datetime, language: str | None = None
    ) -> Account:
        """The account, created on first contact with the language Telegram reports."""
        row = await self._s.get(AccountRow, telegram_id)
        if row is None:
            row = AccountRow(
                telegram_id=telegram_id,
                first_name=first_name[:128],
                language=language,
                unreachable=False,
                created_at=now,
            )
            row = await rows.inserted(self._s, row)
        return rows.account(row)

    async def update(self, telegram_id: int, **values: object) -> None:
        """Change stored preferences (language, timezone, last_teacher_id, unreachable)."""
        await self._s.execute(
            update(AccountRow).where(AccountRow.telegram_id == telegram_id).values(**values)
        )

    async def identity(self, telegram_id: int) -> tuple[Account, bool, list[Seat]] | None:
        """The account, whether it is a teacher, and its student records with their teachers
        and newest links, in one statement; None if the account was never seen."""
        query, own = _identity_query()
        found = (await self._s.execute(query, {"telegram_id": telegram_id})).all()
        if not found:
            return None
        account = rows.account(_part(found[0], _ACCOUNTS))
        seats: list[Seat] = []
        for row in found:
            if row._mapping[_STUDENTS.c.id] is None or row._mapping[own.c.id] is None:
                continue
            student = rows.student(_part(row, _STUDENTS))
            teacher = rows.teacher(_part(row, own))
            has_link = row._mapping[_LINKS.c.id] is not None
            link = rows.link(_part(row, _LINKS)) if has_link else None
            seats.append((student, teacher, link))
        return account, bool(found[0].teaches), seats
