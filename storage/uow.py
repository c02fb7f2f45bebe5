"""The unit of work: one transaction, rolled back unless commit() is called."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories.accounts import SqlAccounts
from storage.repositories.api_keys import SqlApiKeys
from storage.repositories.audit import SqlAudit
from storage.repositories.availability import SqlAvailability
from storage.repositories.bookings import SqlBookings
from storage.repositories.calendar_feeds import SqlCalendarFeeds
from storage.repositories.links import SqlLinks
from storage.repositories.outbox import SqlOutbox
from storage.repositories.series import SqlSeries
from storage.repositories.slots import SqlSlots
from storage.repositories.stats import SqlStats
from storage.repositories.students import SqlStudents
from storage.repositories.teachers import SqlTeachers
from storage.repositories.updates import SqlProcessedUpdates

READONLY = "lessonlink_readonly"


class SqlUnitOfWork:
    """Repositories sharing one session; leaving the block without commit() rolls back."""

    accounts: SqlAccounts
    teachers: SqlTeachers
    students: SqlStudents
    links: SqlLinks
    availability: SqlAvailability
    slots: SqlSlots
    bookings: SqlBookings
    outbox: SqlOutbox
    audit: SqlAudit
    updates: SqlProcessedUpdates
    stats: SqlStats
    series: SqlSeries
    api_keys: SqlApiKeys
    feeds: SqlCalendarFeeds

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], dialect: str, readonly: bool = False
    ) -> None:
        self._sessions = sessions
        self.dialect = dialect
        self.readonly = readonly
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        session = self._sessions()
        self._session = session
        if self.readonly:
            await session.connection(execution_options={READONLY: True})
        self.accounts = SqlAccounts(session)
        self.teachers = SqlTeachers(session)
        self.students = SqlStudents(session, self.dialect)
        self.links = SqlLinks(session)
        self.availability = SqlAvailability(session)
        self.slots = SqlSlots(session)
        self.bookings = SqlBookings(session)
        self.outbox = SqlOutbox(session, self.dialect)
        self.audit = SqlAudit(session)
        self.updates = SqlProcessedUpdates(session, self.dialect)
        self.stats = SqlStats(session)
        self.series = SqlSeries(session, self.dialect)
        self.api_keys = SqlApiKeys(session)
        self.feeds = SqlCalendarFeeds(session, self.dialect)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    async def commit(self) -> None:
        """Make everything done in this unit permanent."""
        assert self._session is not None
        if self.readonly:
            raise RuntimeError("a read-only unit of work cannot commit")
        await self._session.commit()

    async def rollback(self) -> None:
        """Throw away everything done in this unit so far."""
        assert self._session is not None
        await self._session.rollback()

    @property
    def session(self) -> AsyncSession:
        """The raw session of an open unit, for storage tests only."""
        assert self._session is not None, "the unit of work is not open"
        return self._session
