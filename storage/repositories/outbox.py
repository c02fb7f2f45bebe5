"""The notifications outbox: written with its cause, claimed by the dispatcher."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import OutboxMessage, OutboxStatus
from storage.models import OutboxRow
from storage.repositories import rows

PENDING = OutboxStatus.PENDING.value
ATTEMPTED = (OutboxStatus.SENT, OutboxStatus.UNCONFIRMED)  # rows whose sent_at is set


_outbox = cast(Table, OutboxRow.__table__)
_QUEUE_POSTGRES = postgresql.insert(_outbox).on_conflict_do_nothing()
_QUEUE_SQLITE = sqlite.insert(_outbox).on_conflict_do_nothing()


class SqlOutbox:
    """Outbox rows; a natural key (dedup_key) makes each reminder exist at most once."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._s = session
        self._dialect = dialect

    async def add(
        self,
        kind: str,
        chat_id: int,
        payload: dict[str, object],
        due_at: datetime,
        now: datetime,
        *,
        dedup_key: str | None = None,
        booking_id: int | None = None,
    ) -> bool:
        """Queue a notification; False if one with the same dedup key already exists."""
        if dedup_key is not None:
            found = await self._s.scalar(
                select(OutboxRow.id).where(OutboxRow.dedup_key == dedup_key)
            )
            if found is not None:
                return False
        self._s.add(
            OutboxRow(
                kind=kind,
                chat_id=chat_id,
                payload=payload,
                due_at=due_at,
                dedup_key=dedup_key,
                booking_id=booking_id,
                status=PENDING,
                attempts=0,
                last_error="",
                created_at=now,
            )
        )
        await self._s.flush()
        return True

    async def add_many(self, messages: Iterable[OutboxMessage], now: datetime) -> None:
        """Queue notifications in one statement; one whose dedup key exists is left out."""
        values = [
            {
                "kind": m.kind,
                "chat_id": m.chat_id,
                "payload": m.payload,
                "due_at": m.due_at,
                "dedup_key": m.dedup_key,
                "booking_id": m.booking_id,
                "status": PENDING,
                "attempts": 0,
                "last_error": "",
                "created_at": now,
                "channel": m.channel,
            }
            for m in messages
        ]
        if not values:
            return
        # ON CONFLICT DO NOTHING on the unique dedup key: a notice already queued (a
        # redelivered press, a re-planned reminder) is kept, never doubled, and the rest go in.
        # One execute of a statement built once, with every row (one trip to the database).
        queue = _QUEUE_POSTGRES if self._dialect == "postgresql" else _QUEUE_SQLITE
        await self._s.execute(queue, values)

    async def withdraw_for_booking(self, booking_id: int, kinds: Iterable[str]) -> int:
        """Withdraw pending notifications of a booking (its reminders, when it is cancelled)."""
        result = await self._s.execute(
            update(OutboxRow)
            .where(
                OutboxRow.booking_id == booking_id,
                OutboxRow.status == PENDING,
                OutboxRow.kind.in_(list(kinds)),
            )
            # The key is freed: a lesson moved back, or a lead time restored, can be
            # reminded again; the withdrawn row stays as history.
            .values(status=OutboxStatus.WITHDRAWN.value, dedup_key=None)
            .execution_options(synchronize_session=False)
        )
        return rows.changed(result)

    async def claim_due(
        self, now: datetime, limit: int, lease: timedelta, channel: str = "telegram"
    ) -> list[OutboxMessage]:
        """Claim due rows of one channel (Telegram, email) for its dispatcher, for the lease."""
        query = (
            select(OutboxRow)
            .where(
                OutboxRow.channel == channel,
                OutboxRow.status == PENDING,
                OutboxRow.due_at <= now,
                or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until <= now),
            )
            .order_by(OutboxRow.due_at, OutboxRow.id)
            .limit(limit)
        )
        if self._dialect == "postgresql":
            # Other dispatchers skip rows we hold instead of waiting for them.
            query = query.with_for_update(skip_locked=True)
        claimed = list(await self._s.scalars(query))
        for row in claimed:
            row.claimed_until = now + lease
            row.attempts += 1
        await self._s.flush()
        return [rows.message(r) for r in claimed]

    async def finish(
        self, message_id: int, status: OutboxStatus, now: datetime, error: str = ""
    ) -> None:
        """Record how a claimed row ended (sent, skipped, failed)."""
        await self._s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(
                status=status.value,
                sent_at=now if status in ATTEMPTED else None,
                claimed_until=None,
                last_error=error[:500],
            )
        )

    async def retry_later(self, message_id: int, due_at: datetime, error: str) -> None:
        """Put a claimed row back for another attempt at due_at."""
        await self._s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(due_at=due_at, claimed_until=None, last_error=error[:500])
        )

    async def planned_leads(self, booking_id: int, kind: str) -> list[int]:
        """Lead times of a booking's reminders of one kind, except withdrawn ones."""
        query = select(OutboxRow.payload).where(
            OutboxRow.booking_id == booking_id,
            OutboxRow.kind == kind,
            OutboxRow.status != OutboxStatus.WITHDRAWN.value,
        )
        payloads = await self._s.scalars(query)
        return [lead for p in payloads if p and isinstance(lead := p.get("lead_minutes"), int)]

    async def backlog(self, now: datetime) -> tuple[int, datetime | None]:
        """How many due Telegram rows wait, and the oldest due time (email has its own job)."""
        query = select(func.count(), func.min(OutboxRow.due_at)).where(
            OutboxRow.channel == "telegram", OutboxRow.status == PENDING, OutboxRow.due_at <= now
        )
        count, oldest = (await self._s.execute(query)).one()
        return int(count), oldest

    async def unconfirmed_since(self, since: datetime) -> int:
        """How many sends since a moment timed out after being written (maybe delivered)."""
        query = select(func.count()).where(
            OutboxRow.status == OutboxStatus.UNCONFIRMED.value, OutboxRow.sent_at >= since
        )
        return int(await self._s.scalar(query) or 0)

    async def by_status(self, status: OutboxStatus) -> list[OutboxMessage]:
        """Rows in one status (for tests and the operations view)."""
        query = select(OutboxRow).where(OutboxRow.status == status.value).order_by(OutboxRow.id)
        return [rows.message(r) for r in await self._s.scalars(query)]
