"""Telegram accounts the bot has seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Account
from storage.models import AccountRow
from storage.repositories import rows


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
            self._s.add(row)
            await self._s.flush()
        return rows.account(row)

    async def update(self, telegram_id: int, **values: object) -> None:
        """Change stored preferences (language, timezone, last_teacher_id, unreachable)."""
        await self._s.execute(
            update(AccountRow).where(AccountRow.telegram_id == telegram_id).values(**values)
        )
