"""Between rows and domain entities, and counts of changed rows: what every repository shares.

A domain field is stored in the column of the same name; a mapper names only the fields
stored differently (an enum kept as text, a renamed column, JSON copied out of the session).
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.engine import CursorResult, Row
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import (
    Account,
    Actor,
    AuditEvent,
    Booking,
    BookingStatus,
    OutboxMessage,
    OutboxStatus,
    ShareLink,
    Slot,
    SlotStatus,
    Student,
    Teacher,
    TeacherSettings,
    Window,
)
from bot.domain.time_off import TimeOff
from storage.models import (
    AccountRow,
    AuditRow,
    BookingRow,
    OutboxRow,
    ShareLinkRow,
    SlotRow,
    StudentRow,
    TeacherRow,
    TimeOffRow,
    WindowRow,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

E = TypeVar("E", bound="DataclassInstance")
R = TypeVar("R")
# One table's columns picked out of a joined row (attribute per column name).
Columns = SimpleNamespace


@cache
def _names(cls: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def entity(cls: type[E], row: object, **differing: object) -> E:
    """An entity from the row's columns of the same names; `differing` gives the others."""
    same = {name: getattr(row, name) for name in _names(cls) if name not in differing}
    return cls(**same, **differing)


def columns(item: DataclassInstance, *leave_out: str) -> dict[str, object]:
    """The item's fields as values for the columns of the same names, but those left out."""
    return {name: getattr(item, name) for name in _names(type(item)) if name not in leave_out}


async def inserted(session: AsyncSession, row: R) -> R:
    """The row, added and flushed: the database has numbered it."""
    session.add(row)
    await session.flush()
    return row


def changed(result: object) -> int:
    """How many rows an INSERT, UPDATE or DELETE changed (0 when its condition held none)."""
    assert isinstance(result, CursorResult)  # what every data-changing statement returns
    return int(result.rowcount)


def account(row: AccountRow | Columns) -> Account:
    """An account from its row."""
    return entity(Account, row)


def teacher(row: TeacherRow | Columns) -> Teacher:
    """A teacher from its row; the settings are columns of the same row."""
    leads = tuple(int(x) for x in row.reminder_leads.split(",") if x)
    return entity(Teacher, row, settings=entity(TeacherSettings, row, reminder_leads_minutes=leads))


def settings_columns(settings: TeacherSettings) -> dict[str, object]:
    """The columns of a teacher's row that hold these settings (lead times as "1440,60")."""
    leads = ",".join(str(m) for m in settings.reminder_leads_minutes)
    return columns(settings, "reminder_leads_minutes") | {"reminder_leads": leads}


def student(row: StudentRow | Columns) -> Student:
    """A student from its row."""
    return entity(Student, row)


def link(row: ShareLinkRow | Columns) -> ShareLink:
    """A share link from its row."""
    return entity(ShareLink, row)


def window(row: WindowRow) -> Window:
    """An availability window from its row."""
    return entity(Window, row, start=row.start_time, end=row.end_time)


def time_off(row: TimeOffRow) -> TimeOff:
    """Time off from its row."""
    return entity(TimeOff, row, reason=row.reason or "")


def slot(row: SlotRow | Row[tuple[object, ...]]) -> Slot:
    """A slot from its ORM row, or from a plain row of the slots table."""
    return entity(Slot, row, status=SlotStatus(row.status))


def booking(row: BookingRow) -> Booking:
    """A booking from its row."""
    by = Actor(row.cancelled_by) if row.cancelled_by else None
    return entity(Booking, row, status=BookingStatus(row.status), cancelled_by=by)


def message(row: OutboxRow) -> OutboxMessage:
    """An outbox message from its row (the payload copied out of the session)."""
    payload = dict(row.payload or {})
    return entity(OutboxMessage, row, payload=payload, status=OutboxStatus(row.status))


def event(row: AuditRow) -> AuditEvent:
    """An audit event from its row (the detail copied out of the session)."""
    return entity(AuditEvent, row, detail=dict(row.detail or {}))
