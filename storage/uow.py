"""The unit of work: one transaction, rolled back unless commit() is called."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories.accounts import SqlAccounts
from storage.repositories.api_keys import SqlApiKeys
from storage.repositories.audit import SqlAudit
from storage.repositories.availability import SqlAvailability
from storage.repositories.bookings import SqlBookings
from storage.repositories.calendar_feeds import SqlCalendarFeeds
from storage.repositories.guardians import SqlGuardians
from storage.repositories.links import SqlLinks
from storage.repositories.outbox import SqlOutbox
from storage.repositories.places import SqlPlaces
from storage.repositories.series import SqlSeries
from storage.repositories.slots import SqlSlots
from storage.repositories.stats import SqlStats
from storage.repositories.student_emails import SqlStudentEmails
from storage.repositories.students import SqlStudents
from storage.repositories.teachers import SqlTeachers
from storage.repositories.updates import SqlProcessedUpdates
from storage.repositories.waitlist import SqlWaitlist

READONLY = "lessonlink_readonly"


@dataclass
class _Update:
    """One update's handling (one task): the read unit its identity was read in, if kept."""

    task: asyncio.Task[object] | None
    kept: SqlUnitOfWork | None = None


_UPDATE: ContextVar[_Update | None] = ContextVar("lessonlink_update_reads", default=None)


def _this_update() -> _Update | None:
    """The scope of the update this task handles (a task it started has its own reads)."""
    scope = _UPDATE.get()
    return scope if scope is not None and scope.task is asyncio.current_task() else None


@asynccontextmanager
async def one_read_per_update() -> AsyncIterator[None]:
    """Around one update: the read unit its identity is read in stays open for the update's
    next unit, so a screen reads in the identity's transaction (one transaction, not two).

    The next read unit takes the open transaction over; a write unit, a Bot API call
    (end_kept_read) or the end of the update ends it first, so no write is ever read past
    and no transaction waits on the network.
    """
    scope = _Update(asyncio.current_task())
    token = _UPDATE.set(scope)
    try:
        yield
    finally:
        _UPDATE.reset(token)
        kept, scope.kept = scope.kept, None
        if kept is not None:
            await kept.end()


async def end_kept_read() -> None:
    """End this update's kept read transaction, if one is waiting (before a Bot API call)."""
    scope = _this_update()
    if scope is not None and scope.kept is not None:
        kept, scope.kept = scope.kept, None
        await kept.end()


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
    waitlist: SqlWaitlist

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], dialect: str, readonly: bool = False
    ) -> None:
        self._sessions = sessions
        self.dialect = dialect
        self.readonly = readonly
        self._session: AsyncSession | None = None
        self._keep = False

    async def __aenter__(self) -> Self:
        scope = _this_update()
        kept = scope.kept if scope is not None else None
        if scope is not None:
            scope.kept = None
        if kept is not None and self.readonly and kept._sessions.kw == self._sessions.kw:
            session, kept._session = kept.session, None  # the identity's transaction, taken over
        else:
            if kept is not None:
                await kept.end()
            session = self._sessions()
            if self.readonly:
                await session.connection(execution_options={READONLY: True})
        self._session = session
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
        self.student_emails = SqlStudentEmails(session)
        self.places = SqlPlaces(session, self.dialect)
        self.waitlist = SqlWaitlist(session)
        self.guardians = SqlGuardians(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        scope = _this_update()
        if self._keep and exc_type is None and scope is not None and scope.kept is None:
            self._keep, scope.kept = False, self  # for the update's next unit
            return
        await self.end()

    def keep_open(self) -> None:
        """Leave this read unit's transaction open for the update's next read, if inside
        one_read_per_update (elsewhere, leaving the block ends it as usual)."""
        self._keep = self.readonly

    async def end(self) -> None:
        """Roll back and close (what leaving the block does)."""
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
