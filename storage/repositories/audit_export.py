"""The audit CSV's cells, formatted by the database: UTC and local times as text, the name.

A 90-day export of a busy teacher is ten thousand rows; building a datetime, an event object
and two time strings per row in Python was most of its time. Here the database hands back
text, in time order, from the range scans of the audit indexes, and Python only rewrites the
detail canonically and writes the CSV.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Integer, String, Subquery, case, func, literal, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import type_coerce

from bot.domain.zone_offsets import OffsetSpan
from storage.models import StudentRow

STUDENT = StudentRow.__table__.c
# One row: UTC time (ISO 8601), local time (YYYY-MM-DD HH:MM), event, outcome, actor,
# the student's name ('' when none), the detail as its stored JSON text.
AuditCells = tuple[str, str, str, str, str, str, str | None]


def _text(value: str) -> ColumnElement[str]:
    return literal(value, String)


def _times(
    dialect: str, at: ColumnElement[object], spans: Sequence[OffsetSpan]
) -> tuple[ColumnElement[str], ColumnElement[str]]:
    """`at.isoformat()` and the local 'YYYY-MM-DD HH:MM', as SQL of this dialect."""
    if dialect == "sqlite":
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (storage.types.UTCDateTime); a zero
        # fraction is one isoformat() leaves out, and no other part of the text has a dot.
        raw = type_coerce(at, String)
        utc = func.replace(
            func.replace(raw, _text(" "), _text("T"), type_=String), _text(".000000"), _text("")
        ).concat(_text("+00:00"))
        # Whole seconds only: SQLite keeps milliseconds and would round 01:59:59.9995 up.
        seconds = func.substr(raw, 1, 19, type_=String)

        def shifted(offset: int) -> ColumnElement[str]:
            # One constant modifier per span, not one made per row: half the formatting cost.
            return func.strftime(
                "%Y-%m-%d %H:%M", seconds, _text(f"{offset:+d} seconds"), type_=String
            )

        *changing, last = spans
        if not changing:
            return utc, shifted(last.seconds)
        whens = [(at < span.until, shifted(span.seconds)) for span in changing]
        return utc, case(*whens, else_=shifted(last.seconds))
    plain = func.timezone("UTC", at)  # timestamp without zone, in UTC
    whole = func.date_trunc("second", at) == at
    utc = (
        func.to_char(plain, 'YYYY-MM-DD"T"HH24:MI:SS', type_=String)
        .concat(case((whole, _text("")), else_=func.to_char(plain, ".US", type_=String)))
        .concat(_text("+00:00"))
    )

    def moved(offset: int) -> ColumnElement[object]:
        # A constant interval per span, folded once by the planner rather than made per row.
        return plain + func.make_interval(0, 0, 0, 0, 0, 0, literal(offset, Integer))

    *changing, last = spans
    local = (
        case(*[(at < s.until, moved(s.seconds)) for s in changing], else_=moved(last.seconds))
        if changing
        else moved(last.seconds)
    )
    return utc, func.to_char(local, "YYYY-MM-DD HH24:MI", type_=String)


async def audit_cells(
    session: AsyncSession, teacher_id: int, events: Subquery, spans: Sequence[OffsetSpan]
) -> list[AuditCells]:
    """The CSV cells of `events` (the teacher's audit rows of a period), oldest first."""
    dialect = session.get_bind().dialect.name
    e = events.c
    utc, local = _times(dialect, e.at, spans)
    actor = case(
        (func.coalesce(e.actor_telegram_id, 0) == 0, _text("")),
        else_=sql_cast(e.actor_telegram_id, String),
    )
    query = (
        select(
            utc,
            local,
            e.event,
            e.outcome,
            actor,
            func.coalesce(STUDENT.name, _text(""), type_=String),
            e.detail,
        )
        .select_from(events)
        # Only the teacher's own students are named, as the export always did.
        .outerjoin(
            StudentRow.__table__,
            (STUDENT.id == e.student_id) & (STUDENT.teacher_id == teacher_id),
        )
        .order_by(e.at, e.id)
    )
    return [tuple(r) for r in (await session.execute(query)).all()]
