"""The calendar's read statements, built once with named parameters and reused.

Building a statement and computing its cache key cost SQLAlchemy more than SQLite takes to
run it (a week's counts: about 1 ms of expression building per press). A statement built
once keeps its cache key, so a press pays only for binding its values.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    null,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnClause, Null
from sqlalchemy.sql.selectable import Exists, ScalarSelect

from storage.models import BookingRow, SlotRow

SLOTS = SlotRow.__table__
BOOKINGS = BookingRow.__table__
# Literals, not parameters: only then may SQLite and PostgreSQL use the partial indexes
# (open slots by teacher and start; confirmed bookings by slot and student).
OPEN: ColumnClause[str] = literal_column("'open'", String)
CONFIRMED: ColumnClause[str] = literal_column("'confirmed'", String)


def _open_between() -> ColumnElement[bool]:
    """A teacher's open slots starting in [start, end): a range of one index."""
    c = SLOTS.c
    return and_(
        c.teacher_id == bindparam("teacher_id"),
        c.status == OPEN,
        c.starts_at >= bindparam("start"),
        c.starts_at < bindparam("end"),
    )


def _held() -> Exists:
    """Whether the student holds a confirmed booking in the slot: one probe of the unique
    index per slot shown (a join would read all of the student's bookings)."""
    b = BOOKINGS.c
    return (
        select(b.id)
        .where(
            b.slot_id == SLOTS.c.id,
            b.student_id == bindparam("student_id"),
            b.status == CONFIRMED,
        )
        .exists()
    )


@cache
def subjects() -> Select[tuple[str]]:
    """The subjects (but "") of a teacher's open slots starting in [start, end).

    A loose index scan: each of the teacher's subjects by one seek past the one before,
    kept if one seek finds a slot of it in the range; no cost per slot in the horizon.
    """
    c, other = SLOTS.c, SLOTS.alias("other")

    def after(previous: ColumnElement[str]) -> ScalarSelect[str]:
        return (
            select(other.c.subject)
            .where(
                other.c.teacher_id == bindparam("teacher_id"),
                other.c.status == OPEN,
                other.c.subject > previous,
            )
            .order_by(other.c.subject)
            .limit(1)
            .scalar_subquery()
        )

    nothing: ColumnClause[str] = literal_column("''", String)
    seen = select(after(nothing).label("subject")).cte("seen", recursive=True)
    seen = seen.union_all(
        select(after(seen.c.subject).label("subject")).where(seen.c.subject.is_not(None))
    )
    held = select(c.id).where(_open_between(), c.subject == seen.c.subject).exists()
    return select(seen.c.subject).where(seen.c.subject.is_not(None), held)


@cache
def seen_by() -> Select[tuple[object, ...]]:
    """A teacher's open slots starting in [start, end) by time, each with `mine`."""
    return select(SLOTS, _held().label("mine")).where(_open_between()).order_by(SLOTS.c.starts_at)


def clear_slots(spans: int) -> int:
    """How many kept-clear spans a statement takes for `spans` of them: the next power of two,
    so a handful of statements (padded with spans that match nothing) serve every week."""
    return 1 << max(spans - 1, 0).bit_length() if spans else 0


def _kept_clear(spans: int) -> ColumnElement[bool]:
    """Whether the slot overlaps kept-clear span i ([ks<i>, ke<i>), of slot k<i>) for some i:
    a buffer or another lesson next to a booked one (bot.domain.buffers.kept_clear)."""
    c = SLOTS.c
    return or_(
        *(
            and_(
                c.id != bindparam(f"k{i}"),
                c.starts_at < bindparam(f"ke{i}"),
                c.ends_at > bindparam(f"ks{i}"),
            )
            for i in range(spans)
        )
    )


@cache
def day_counts(
    spans: int, by_subject: bool, clear: int = 0
) -> Select[tuple[int | None, int, int, int]]:
    """Per span i in [s<i>, e<i>): slots the student could book (a seat free, starting after
    `now`, from `earliest` until `latest`, clear of the `clear` kept-clear spans), slots
    they hold, and full ones they could wait for; grouped in one statement."""
    c = SLOTS.c
    whens: list[tuple[ColumnElement[bool], ColumnElement[int] | Null]] = []
    for index in range(spans):
        whens += [
            (c.starts_at < bindparam(f"s{index}"), null()),
            (c.starts_at < bindparam(f"e{index}"), literal_column(str(index), Integer)),
        ]
    in_reach = and_(
        c.starts_at > bindparam("now"),
        c.starts_at >= bindparam("earliest"),
        c.starts_at <= bindparam("latest"),
    )
    bookable = and_(in_reach, c.booked + c.held < c.capacity)
    full = and_(in_reach, c.booked + c.held >= c.capacity)  # its waitlist can be joined
    if clear:
        bookable = and_(bookable, ~_kept_clear(clear))
    # Each slot once (its span, bookable, held), then counted per span.
    each = select(
        case(*whens, else_=null()).label("span"),
        bookable.label("bookable"),
        _held().label("mine"),
        full.label("full"),
    ).where(_open_between())
    if by_subject:
        each = each.where(c.subject == bindparam("subject"))
    slot = each.subquery("slot")
    free = and_(slot.c.bookable, ~slot.c.mine)
    return select(
        slot.c.span,
        func.sum(case((free, 1), else_=0)),
        func.sum(case((slot.c.mine, 1), else_=0)),
        func.sum(case((and_(slot.c.full, ~slot.c.mine), 1), else_=0)),
    ).group_by(slot.c.span)
