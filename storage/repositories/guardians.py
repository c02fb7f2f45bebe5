"""Guardian links of students, found by keyed hash, and the teacher's switch per student."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select, update

from bot.domain.audience import Audience
from bot.domain.guardians import Guardian
from storage.models import AccountRow, GuardianRow, GuardianRuleRow, StudentEmailRow, StudentRow
from storage.repositories import rows
from storage.repositories.links import TokenLinks
from storage.repositories.student_emails import email_entity


def _guardian(row: GuardianRow, name: str | None = None) -> Guardian:
    return rows.entity(Guardian, row, name=name or "")


# Joins a student to the guardians told of their lessons: bound, live, student not archived.
_TOLD = and_(
    GuardianRow.student_id == StudentRow.id,
    GuardianRow.telegram_id.is_not(None),
    GuardianRow.removed_at.is_(None),
    or_(
        GuardianRow.expires_at.is_(None),
        GuardianRow.expires_at > bindparam("now", type_=GuardianRow.expires_at.type),
    ),
    StudentRow.archived.is_(False),
)
_RECIPIENTS = (
    select(GuardianRow)
    .join(StudentRow, _TOLD)
    .where(GuardianRow.student_id == bindparam("student_id"))
    .order_by(GuardianRow.id)
)
# Every booking's notices ask this: built once, with its cache key.
_AUDIENCE = (
    select(GuardianRow, StudentEmailRow)
    .select_from(StudentRow)
    .outerjoin(GuardianRow, _TOLD)
    .outerjoin(StudentEmailRow, StudentEmailRow.student_id == StudentRow.id)
    .where(StudentRow.id == bindparam("student_id"))
    .order_by(GuardianRow.id)
)


class SqlGuardians(TokenLinks[GuardianRow, Guardian]):
    """Guardians per student; a removed one is kept (audit) but never counts again."""

    _row = GuardianRow

    def _item(self, row: GuardianRow) -> Guardian:
        return _guardian(row)

    async def add(
        self,
        student_id: int,
        token_hash: bytes,
        token_encrypted: bytes,
        now: datetime,
        expires_at: datetime | None,
    ) -> Guardian:
        """Store a new guardian link, not yet opened."""
        return await self._add(student_id, token_hash, token_encrypted, now, expires_at)

    async def get(self, guardian_id: int) -> Guardian | None:
        """A guardian link by id, as stored now (not as this session first read it)."""
        # Opening a link reads it by hash, then waits for the student's lock: the row read
        # again after that must show a binding another account committed meanwhile.
        row = await self._s.get(GuardianRow, guardian_id, populate_existing=True)
        return _guardian(row) if row else None

    async def of_student(self, student_id: int) -> list[Guardian]:
        """The student's guardian links not removed, oldest first, with the bound account's name."""
        query = (
            select(GuardianRow, AccountRow.first_name)
            .outerjoin(AccountRow, AccountRow.telegram_id == GuardianRow.telegram_id)
            .where(GuardianRow.student_id == student_id, GuardianRow.removed_at.is_(None))
            .order_by(GuardianRow.id)
        )
        return [_guardian(row, name) for row, name in (await self._s.execute(query)).all()]

    async def following(self, telegram_id: int) -> list[Guardian]:
        """The guardian links this account holds, not removed (expired ones too)."""
        query = (
            select(GuardianRow)
            .where(GuardianRow.telegram_id == telegram_id, GuardianRow.removed_at.is_(None))
            .order_by(GuardianRow.id)
        )
        return [_guardian(row) for row in await self._s.scalars(query)]

    async def of_account(self, telegram_id: int, student_id: int) -> Guardian | None:
        """This account's live guardian link of the student (the newest), if it holds one."""
        query = (
            select(GuardianRow)
            .where(
                GuardianRow.telegram_id == telegram_id,
                GuardianRow.student_id == student_id,
                GuardianRow.removed_at.is_(None),
            )
            .order_by(GuardianRow.id.desc())
            .limit(1)
        )
        row = await self._s.scalar(query)
        return _guardian(row) if row else None

    async def recipients(self, student_id: int, now: datetime) -> list[Guardian]:
        """The bound, live guardians of a student: who is told of the student's lessons."""
        found = await self._s.scalars(_RECIPIENTS, {"student_id": student_id, "now": now})
        return [_guardian(row) for row in found]

    async def audience(self, student_id: int, now: datetime) -> Audience:
        """The guardians told of a student's lessons and the student's address, in one read
        (every booking's notices ask both)."""
        values = {"student_id": student_id, "now": now}
        found = (await self._s.execute(_AUDIENCE, values)).all()
        told = tuple(_guardian(g) for g, _ in found if g is not None)
        email = found[0][1] if found else None
        return Audience(told, email_entity(email) if email is not None else None)

    async def bind(self, guardian_id: int, telegram_id: int, now: datetime) -> None:
        """Bind the link to the account that opened it first."""
        await self._s.execute(
            update(GuardianRow)
            .where(GuardianRow.id == guardian_id)
            .values(telegram_id=telegram_id, bound_at=now)
        )

    async def count_use(self, guardian_id: int, now: datetime) -> None:
        """Note an opening, atomically."""
        await self._s.execute(
            update(GuardianRow)
            .where(GuardianRow.id == guardian_id)
            .values(use_count=GuardianRow.use_count + 1, last_used_at=now)
        )

    async def remove(self, guardian_id: int, now: datetime) -> bool:
        """End a guardian's access and notices; False if it was removed already."""
        result = await self._s.execute(
            update(GuardianRow)
            .where(GuardianRow.id == guardian_id, GuardianRow.removed_at.is_(None))
            .values(removed_at=now)
        )
        return rows.changed(result) > 0

    async def may_act(self, student_id: int) -> bool:
        """Whether the teacher lets this student's guardians book, cancel and move."""
        found = await self._s.scalar(
            select(GuardianRuleRow.may_act).where(GuardianRuleRow.student_id == student_id)
        )
        return bool(found)

    async def set_may_act(self, student_id: int, value: bool) -> None:
        """Set the switch (the caller has locked the student, so the insert cannot race)."""
        row = await self._s.get(GuardianRuleRow, student_id)
        if row is None:
            self._s.add(GuardianRuleRow(student_id=student_id, may_act=value))
        else:
            row.may_act = value
        await self._s.flush()
