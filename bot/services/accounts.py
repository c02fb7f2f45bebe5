"""Who is talking: first contact, roles, language and zone preferences."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import InvalidInput
from bot.domain.model import Account
from bot.services.context import Deps


class Role(StrEnum):
    """How the bot knows an account."""

    NEWCOMER = "newcomer"
    TEACHER = "teacher"
    STUDENT = "student"


@dataclass(frozen=True)
class Identity:
    """An account with the roles it holds."""

    account: Account
    is_teacher: bool
    student_of: int  # how many teachers this account is a student of

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
        account = await uow.accounts.get(telegram_id)
        teacher = await uow.teachers.by_telegram(telegram_id)
        students = await uow.students.by_telegram(telegram_id)
    if account is None or account.unreachable:
        async with deps.uow() as uow:
            account = await uow.accounts.ensure(telegram_id, first_name, deps.clock.now(), language)
            if account.unreachable:  # they write to us, so they have unblocked the bot
                await uow.accounts.update(telegram_id, unreachable=False)
                account.unreachable = False
            await uow.commit()
    active = [s for s in students if not s.archived]
    return Identity(account=account, is_teacher=teacher is not None, student_of=len(active))


async def set_language(deps: Deps, telegram_id: int, code: str, available: set[str]) -> str:
    """Store the language an account chose; InvalidInput for one without a catalog."""
    if code not in available:
        raise InvalidInput("language", code)
    async with deps.uow() as uow:
        await uow.accounts.update(telegram_id, language=code)
        await uow.commit()
    return code
