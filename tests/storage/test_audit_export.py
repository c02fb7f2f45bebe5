"""The audit CSV as the database formats it: the same text Python's own formatting gave, on
both databases, across a change of clocks, for the teacher's events and their students'."""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import ManualClock
from bot.domain.model import AuditEvent
from bot.domain.zone_offsets import OffsetSpan, offset_spans
from bot.services import audit_csv
from bot.services.context import Deps
from storage.engine import read_factory, uow_factory
from tests.factories import VAULT, make_student, make_teacher

TEACHER, OTHER = 9000, 9100
BERLIN = "Europe/Berlin"  # clocks go back at 01:00 UTC on Sunday 25 October 2026
CHANGE = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)


def _reference(event: AuditEvent, name: str, zone: str) -> list[str]:
    """The row the export wrote when Python formatted every cell (before issue 14)."""
    detail = json.dumps(event.detail, ensure_ascii=False, sort_keys=True, default=str)
    local = event.at.astimezone(ZoneInfo(zone)).isoformat(" ", "minutes")[:16]
    escape = audit_csv.FORMULA_START
    return [
        event.at.isoformat(),
        local,
        event.event,
        event.outcome,
        str(event.actor_telegram_id or ""),
        "'" + name if name.startswith(escape) else name,
        "'" + detail if detail.startswith(escape) else detail,
    ]


@pytest.mark.parametrize("zone", [BERLIN, "America/St_Johns", "Asia/Kathmandu", "UTC"])
async def test_the_audit_csv_is_what_python_formatting_gave(
    engine: AsyncEngine, clock: ManualClock, zone: str
) -> None:
    deps = Deps(uow=uow_factory(engine), read=read_factory(engine), clock=clock, vault=VAULT)
    now = clock.now()  # Monday 23 November: the last 90 days hold the October change
    teacher = await make_teacher(deps.uow, now - timedelta(days=200), TEACHER, timezone=zone)
    other = await make_teacher(deps.uow, now - timedelta(days=200), OTHER)
    ana = await make_student(deps.uow, teacher, 501, now - timedelta(days=200))
    bob = await make_student(deps.uow, other, 502, now - timedelta(days=200))
    async with deps.uow() as u:
        await u.students.update(ana.id, name="=Ana")  # a name a spreadsheet would run
        await u.commit()
    moments = [
        CHANGE - timedelta(microseconds=1),
        CHANGE,
        CHANGE + timedelta(minutes=59, seconds=59, microseconds=999_999),
        datetime(2026, 9, 1, 12, 30, 15, 250_000, tzinfo=UTC),
        now - timedelta(seconds=1),
    ]
    details: list[dict[str, object]] = [
        {"z": 1, "name": "Ёжик", "a": None},
        {},
        {"b": {"y": [1, 2.5, None, True], "x": 'say "hi"\n'}, "a": "\u2028 line"},
        {"=formula": "x"},
        {"n": -3},
    ]
    events = [
        # The teacher's own, about their student, with an actor.
        AuditEvent(moments[0], "link.opened", "ok", 42, teacher.id, ana.id, details[0]),
        # About their student only (no teacher recorded): still theirs.
        AuditEvent(moments[1], "booking.confirmed", "ok", None, None, ana.id, details[1]),
        # The teacher's, naming another teacher's student: not named.
        AuditEvent(moments[2], "foreign_object", "refused", 0, teacher.id, bob.id, details[2]),
        AuditEvent(moments[3], "settings.changed", "ok", 7, teacher.id, None, details[3]),
        AuditEvent(moments[4], "link.opened", "link_refused:expired", 5, None, ana.id, details[4]),
        # Not theirs: another teacher's event about another student, and one too old.
        AuditEvent(moments[3], "link.opened", "ok", 9, other.id, bob.id, {"secret": 1}),
        AuditEvent(now - timedelta(days=120), "link.opened", "ok", 9, teacher.id, ana.id, {}),
    ]
    async with deps.uow() as u:
        for event in reversed(events):  # stored out of order: the file sorts by time
            await u.audit.add(event)
        await u.commit()

    data = (await audit_csv.audit_file(deps, TEACHER, "90d", ["h"] * 7)).data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]

    names = ["=Ana", "=Ana", "", "", "=Ana"]
    theirs = sorted(zip(events[:5], names, strict=True), key=lambda pair: pair[0].at)
    assert rows == [_reference(e, n, zone) for e, n in theirs]
    if zone == BERLIN:  # the hour from 02:00 to 02:59 local comes twice
        assert [r[1] for r in rows[1:4]] == [
            "2026-10-25 02:59",
            "2026-10-25 02:00",
            "2026-10-25 02:59",
        ]


def test_offset_spans_change_to_the_second_and_stay_one_span_without_a_change() -> None:
    year = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    assert offset_spans(BERLIN, *year) == [
        OffsetSpan(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), 3600),
        OffsetSpan(CHANGE, 7200),
        OffsetSpan(None, 3600),
    ]
    # Lord Howe moves by half an hour, at 02:00 local.
    spans = offset_spans("Australia/Lord_Howe", *year)
    assert [s.seconds for s in spans] == [39600, 37800, 39600]
    assert offset_spans("Asia/Kathmandu", *year) == [OffsetSpan(None, 20700)]
    howe = ZoneInfo("Australia/Lord_Howe")
    for span, nxt in itertools.pairwise(spans):
        assert span.until is not None
        before = (span.until - timedelta(seconds=1)).astimezone(howe).utcoffset()
        after = span.until.astimezone(howe).utcoffset()
        assert before == timedelta(seconds=span.seconds)
        assert after == timedelta(seconds=nxt.seconds)


async def test_details_are_stored_canonically_and_quoted_cells_survive_a_spreadsheet(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps = Deps(uow=uow_factory(engine), read=read_factory(engine), clock=clock, vault=VAULT)
    now = clock.now()
    teacher = await make_teacher(deps.uow, now - timedelta(days=30), TEACHER)
    ana = await make_student(deps.uow, teacher, 501, now - timedelta(days=30))
    name = 'Smith, "Jo"\nsecond line'
    async with deps.uow() as u:
        await u.students.update(ana.id, name=name)
        detail: dict[str, object] = {"z": 'Ёжик, "ok"', "a": [1, None]}
        at = now - timedelta(hours=1)
        await u.audit.add(AuditEvent(at, "note.saved", "ok", 42, teacher.id, ana.id, detail))
        await u.commit()
    async with engine.connect() as conn:
        stored = (
            await conn.exec_driver_sql("SELECT CAST(detail AS TEXT) FROM audit_events")
        ).scalar_one()
    # One text on both databases, what the export writes: keys sorted, Cyrillic unescaped.
    assert stored == '{"a": [1, null], "z": "Ёжик, \\"ok\\""}'

    data = (await audit_csv.audit_file(deps, TEACHER, "90d", ["h"] * 7)).data
    [_header, row] = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert row[2:] == ["note.saved", "ok", "42", name, stored]
