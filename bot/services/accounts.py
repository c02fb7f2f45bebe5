"""Who is talking: first contact, roles, language and zone preferences."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.domain.errors import InvalidInput
from bot.domain.model import Account, ShareLink, Student, Teacher
from bot.services.context import Deps

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


class Role(StrEnum):
    """How the bot knows an account."""

    NEWCOMER = "newcomer"
    TEACHER = "teacher"
    STUDENT = "student"


@dataclass(frozen=True)
class Seat:
    """One student record of an account, with its teacher and newest link (None: never had one)."""

    student: Student
    teacher: Teacher
    link: ShareLink | None


@dataclass(frozen=True)
class Identity:
    """An account with the roles it holds, read once per update.

    The seats are every student record bound to the account (archived ones too), so a
    service acting as a student needs no second read of the account, student, link or teacher.
    """

    account: Account
    is_teacher: bool
    seats: tuple[Seat, ...] = ()

    @property
    def student_of(self) -> int:
        """How many teachers this account is an active student of."""
        return sum(1 for seat in self.seats if not seat.student.archived)

    @property
    def role(self) -> Role:
        """The main role, teacher first."""
        if self.is_teacher:
            return Role.TEACHER
        if self.student_of:
            return Role.STUDENT
        return Role.NEWCOMER


async def identify(
    deps: Deps, telegram_id: int, first_name: str, language_code: str | None = None
) -> Identity:
    """Record first contact (with the user's Telegram language) and tell the account's roles."""
    language = language_code.split("-")[0].lower() if language_code else None
    async with deps.reading() as uow:  # every update passes here: keep it off the write lock
        known = await identity_in(uow, telegram_id)
        uow.keep_open()  # for the update's next read (storage.uow.one_read_per_update)
    if known is not None and not known.account.unreachable:
        return known
    async with deps.uow() as uow:
        account = await uow.accounts.ensure(telegram_id, first_name, deps.clock.now(), language)
        if account.unreachable:  # they write to us, so they have unblocked the bot
            await uow.accounts.update(telegram_id, unreachable=False)
        known = await identity_in(uow, telegram_id)
        await uow.commit()
    assert known is not None  # ensured just above
    return known


async def identity_in(uow: SqlUnitOfWork, telegram_id: int) -> Identity | None:
    """The account's identity read in the caller's unit of work (one statement); None if unseen."""
    found = await uow.accounts.identity(telegram_id)
    if found is None:
        return None
    account, teaches, seats = found
    return Identity(account, teaches, tuple(Seat(*seat) for seat in seats))


async def set_language(deps: Deps, telegram_id: int, code: str, available: set[str]) -> str:
    """Store the language an account chose; InvalidInput for one without a catalog."""
    if code not in available:
        raise InvalidInput("language", code)
    async with deps.uow() as uow:
        await uow.accounts.update(telegram_id, language=code)
        await uow.commit()
    return code
