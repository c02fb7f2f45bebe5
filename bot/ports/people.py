"""Ports for who is involved: accounts, teachers, students and their links."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.model import (
    Account,
    ShareLink,
    Student,
    Teacher,
    TeacherSettings,
)


class AccountsRepository(Protocol):
    """Accounts by Telegram id."""

    async def get(self, telegram_id: int) -> Account | None:
        """The account, or None if never seen."""
        ...

    async def ensure(
        self, telegram_id: int, first_name: str, now: datetime, language: str | None = None
    ) -> Account:
        """The account, created on first contact with the language Telegram reports."""
        ...

    async def update(self, telegram_id: int, **values: object) -> None:
        """Change stored preferences (language, timezone, last_teacher_id, unreachable)."""
        ...


class TeachersRepository(Protocol):
    """Teachers by id or Telegram id."""

    async def add(
        self, telegram_id: int, display_name: str, settings: TeacherSettings, now: datetime
    ) -> Teacher:
        """Register a teacher."""
        ...

    async def get(self, teacher_id: int) -> Teacher | None:
        """A teacher by id."""
        ...

    async def by_telegram(self, telegram_id: int) -> Teacher | None:
        """The teacher registered by this Telegram account, if any."""
        ...

    async def save(self, teacher: Teacher) -> None:
        """Store a changed name or settings."""
        ...

    async def all(self) -> list[Teacher]:
        """Every teacher (for scheduled upkeep)."""
        ...

    async def agenda_due(self) -> list[Teacher]:
        """Teachers who want a daily agenda."""
        ...


class StudentsRepository(Protocol):
    """Students, always scoped by teacher where a teacher asks."""

    async def add(self, teacher_id: int, name: str, colour: int, now: datetime) -> Student:
        """Enroll a student."""
        ...

    async def get(self, student_id: int) -> Student | None:
        """A student by id."""
        ...

    async def of_teacher(
        self, teacher_id: int, *, archived: bool = False, offset: int = 0, limit: int | None = None
    ) -> list[Student]:
        """A teacher's roster, by name."""
        ...

    async def count_of_teacher(self, teacher_id: int, *, archived: bool = False) -> int:
        """How many students a teacher has."""
        ...

    async def by_telegram(self, telegram_id: int) -> list[Student]:
        """Every student record bound to this Telegram account (one per teacher)."""
        ...

    async def colours_in_use(self, teacher_id: int) -> set[int]:
        """Colour indexes worn by the teacher's active students."""
        ...

    async def update(self, student_id: int, **values: object) -> None:
        """Change name, binding or archived flag."""
        ...

    async def lock(self, student_id: int) -> None:
        """Serialize one student's bookings (PostgreSQL row lock; SQLite writers are serial)."""
        ...


class LinksRepository(Protocol):
    """Links per student; at most one is live at a time."""

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
        ...

    async def by_hash(self, token_hash: bytes) -> ShareLink | None:
        """The link whose token hashes to this value."""
        ...

    async def current(self, student_id: int) -> ShareLink | None:
        """The student's newest link (revoked or not)."""
        ...

    async def revoke_all(self, student_id: int, now: datetime, *, replaced: bool) -> None:
        """End every live link of a student."""
        ...

    async def count_use(self, link_id: int, now: datetime, *, spend: bool = True) -> None:
        """Note an opening; count it as a use when `spend`, atomically (no read-modify-write)."""
        ...

    async def set_limits(
        self, link_id: int, expires_at: datetime | None, max_uses: int | None
    ) -> None:
        """Change a link's expiry and maximum uses."""
        ...

    async def expiring_between(self, start: datetime, end: datetime) -> list[ShareLink]:
        """Live links whose expiry falls in [start, end)."""
        ...
