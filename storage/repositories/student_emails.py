"""Students' email addresses: one per student, found by student or by unsubscribe secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.mail import StudentEmail
from storage.models import StudentEmailRow
from storage.repositories import rows


def email_entity(row: StudentEmailRow) -> StudentEmail:
    """The domain address of a stored row."""
    return StudentEmail(
        row.student_id, row.address, row.notices, row.unsubscribed_at, row.token_sealed
    )


class SqlStudentEmails:
    """The student_emails table."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, student_id: int) -> StudentEmail | None:
        """The student's address, if their card has one."""
        row = await self._s.get(StudentEmailRow, student_id)
        return email_entity(row) if row is not None else None

    async def put(
        self, student_id: int, address: str, token_hash: bytes, sealed: bytes, now: datetime
    ) -> StudentEmail:
        """Store a new address (with a fresh unsubscribe secret), replacing any other."""
        row = await self._s.get(StudentEmailRow, student_id)
        if row is None:
            row = StudentEmailRow(student_id=student_id, notices=True)
            self._s.add(row)
        row.address = address
        row.token_hash = token_hash
        row.token_sealed = sealed
        row.unsubscribed_at = None
        row.updated_at = now
        await self._s.flush()
        return email_entity(row)

    async def set_notices(self, student_id: int, on: bool, now: datetime) -> bool:
        """Turn lesson notices by email on or off; False when the card has no address."""
        result = await self._s.execute(
            update(StudentEmailRow)
            .where(StudentEmailRow.student_id == student_id)
            .values(notices=on, updated_at=now)
        )
        return rows.changed(result) > 0

    async def remove(self, student_id: int) -> None:
        """Forget the student's address."""
        await self._s.execute(
            delete(StudentEmailRow).where(StudentEmailRow.student_id == student_id)
        )

    async def by_token(self, token_hash: bytes) -> StudentEmail | None:
        """The address an unsubscribe secret belongs to."""
        row = await self._s.scalar(
            select(StudentEmailRow).where(StudentEmailRow.token_hash == token_hash)
        )
        return email_entity(row) if row is not None else None

    async def unsubscribe(self, student_id: int, now: datetime) -> None:
        """No more mail to this address (kept, so the teacher sees its owner said no)."""
        await self._s.execute(
            update(StudentEmailRow)
            .where(
                StudentEmailRow.student_id == student_id,
                StudentEmailRow.unsubscribed_at.is_(None),
            )
            .values(unsubscribed_at=now)
        )
