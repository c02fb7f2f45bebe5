"""The pure analytics functions: counts, periods, heatmap, lead time, funnel, exports, ops."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.domain.model import Actor, AuditEvent, Booking, BookingStatus, ShareLink, Slot
from bot.services import analytics as a
from bot.services import audit_csv, exports, ops

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday
BERLIN = "Europe/Berlin"


def _pair(
    booking_id: int,
    start: datetime,
    created: datetime,
    *,
    status: BookingStatus = BookingStatus.CONFIRMED,
    by: Actor | None = None,
    late: bool = False,
    moved_to: int | None = None,
    attended: bool | None = None,
    subject: str = "Math",
) -> tuple[Booking, Slot]:
    booking = Booking(
        booking_id,
        booking_id,
        1,
        status,
        created,
        cancelled_by=by,
        late_cancel=late,
        rescheduled_to_id=moved_to,
        attended=attended,
    )
    slot = Slot(booking_id, 1, start, start + timedelta(hours=1), 1, 1, subject)
    return booking, slot


def _at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


CANCELLED = BookingStatus.CANCELLED
MONTH = [
    _pair(1, _at(3, 9), _at(2, 8), attended=True),
    _pair(2, _at(4, 13), _at(2, 8), attended=False, subject="English"),
    _pair(3, _at(10, 9), _at(6, 8), status=CANCELLED, by=Actor.STUDENT, late=True),
    _pair(4, _at(17, 9), _at(6, 8), status=CANCELLED, by=Actor.TEACHER),
    _pair(5, _at(19, 9), _at(12, 8), status=CANCELLED, by=Actor.STUDENT, moved_to=6),
    _pair(6, _at(24, 9), _at(16, 8)),
    _pair(7, _at(25, 13), _at(20, 8), subject="English"),
    _pair(8, _at(1, 9, 12), _at(23, 8)),
]


def test_a_moved_lesson_counts_once_and_as_a_reschedule() -> None:
    c = a.count(MONTH, NOW)
    assert (c.made, c.taken, c.upcoming, c.no_shows) == (7, 3, 1, 1)
    assert (c.cancelled, c.cancelled_by_student, c.cancelled_by_teacher, c.late) == (2, 1, 1, 1)
    assert c.reschedules == 1 and c.cancellation_rate == 2 / 7


def test_nothing_booked_has_no_cancellation_rate() -> None:
    assert a.count([], NOW).cancellation_rate is None


def test_periods_are_local_days_of_the_teacher() -> None:
    week = a.period_of("week", NOW, BERLIN)
    assert (week.first_day, week.last_day) == (date(2026, 11, 30), date(2026, 12, 6))
    assert week.start == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Berlin midnight
    month = a.period_of("month", NOW, BERLIN)
    assert (month.first_day, month.last_day) == (date(2026, 11, 1), date(2026, 11, 30))
    stats_month = a.period_of("month", NOW, BERLIN, month_holds_week=True)  # /stats: the week too
    assert (stats_month.first_day, stats_month.last_day) == (date(2026, 11, 1), date(2026, 12, 6))
    last90 = a.period_of("90d", NOW, BERLIN)
    assert (last90.last_day - last90.first_day).days == 89


def test_heatmap_uses_local_weekday_and_hour_of_standing_bookings() -> None:
    grid = a.heatmap(MONTH, BERLIN)
    assert grid[1][10] == 3  # Tuesdays 10:00 Berlin: Nov 3, Nov 24, Dec 1
    assert grid[2][14] == 2  # Wednesdays 14:00 Berlin, the no-show included
    assert sum(map(sum, grid)) == 5
    assert a.busiest(a.by_weekday(grid)) == [(1, 3), (2, 2)]
    assert a.busiest(a.by_hour(grid)) == [(10, 3), (14, 2)]


def test_subjects_and_median_lead_time() -> None:
    assert a.subjects(MONTH) == [("Math", 3), ("English", 2)]
    hours = sorted([25, 29, 97, 265, 169, 193, 125, 169])
    assert a.median_lead(MONTH) == timedelta(hours=(hours[3] + hours[4]) / 2)
    assert a.median_lead([]) is None


def test_bookings_per_week_cover_the_period_with_empty_weeks() -> None:
    weeks = a.per_week(MONTH, BERLIN, a.period_of("month", NOW, BERLIN))
    assert weeks[0] == (date(2026, 10, 26), 0)
    assert dict(weeks)[date(2026, 11, 2)] == 2 and dict(weeks)[date(2026, 11, 23)] == 2
    assert len(weeks) == 6


def _link(link_id: int, student_id: int, created: datetime, uses: int) -> ShareLink:
    return ShareLink(link_id, student_id, b"h", b"e", created, use_count=uses, max_uses=5)


def test_funnel_counts_first_bookings_after_the_link() -> None:
    links = [
        _link(1, 1, _at(2, 8), 1),
        _link(2, 2, _at(2, 8), 1),
        _link(3, 3, _at(2, 8), 0),
        _link(4, 4, _at(10, 8), 2),
        _link(5, 5, _at(1, 8, 10), 1),
    ]
    first = {1: _at(2, 9), 4: _at(3, 8)}  # student 4 booked before this link was made
    assert a.funnel(links, first, a.period_of("month", NOW, BERLIN)) == a.Funnel(4, 3, 1)


def test_refusals_by_reason_and_per_link() -> None:
    events = [
        AuditEvent(NOW, "link.open", "link_refused:expired", detail={"link_id": 1}),
        AuditEvent(NOW, "link.open", "link_refused:expired", detail={"link_id": 2}),
        AuditEvent(NOW, "link.open", "link_refused:bound_elsewhere", detail={"link_id": 1}),
        AuditEvent(NOW, "link.open", "opened", detail={"link_id": 1}),
    ]
    assert a.refusals(events) == {"bound_elsewhere": 1, "expired": 2}
    [one, two] = a.link_figures([_link(1, 1, NOW, 2), _link(2, 1, NOW, 9)], events)
    assert one.refused == {"bound_elsewhere": 1, "expired": 1} and one.uses_left == 3
    assert two.uses_left == 0


def test_activity_and_the_inactive_threshold() -> None:
    last = a.last_activity(MONTH[:2], [_link(1, 1, _at(1, 8), 1)], _at(1, 9))
    assert last == _at(2, 8)
    assert a.is_active(last, _at(1, 8), NOW, 30)
    assert not a.is_active(last, _at(1, 8), NOW, 14)
    assert not a.is_active(None, _at(1, 8), NOW, 14)


def test_a_lesson_keeps_its_root_through_moves() -> None:
    moved_from = {6: 5, 9: 6}
    assert exports.lesson_identity(9, moved_from) == (5, 2)
    assert exports.lesson_identity(7, moved_from) == (7, 0)


def test_calendar_has_zoned_times_and_sequence() -> None:
    lesson = exports.CalendarLesson(
        "booking-5@lessonlink", 2, _at(1, 9, 12), _at(1, 10, 12), "Ana", "Math", False
    )
    data = exports.calendar_bytes([lesson], BERLIN, "Lesson: {student} {subject}", NOW)
    [event] = Calendar.from_ical(data).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.hour == 10 and str(start.tzinfo) == BERLIN and start == lesson.starts_at
    assert int(event["sequence"]) == 2 and str(event["summary"]) == "Lesson: Ana Math"


def test_csv_escapes_formulas_and_parses_back() -> None:
    line = exports.BookingLine(
        1, _at(3, 9), _at(3, 10), "=HYPERLINK(1)", "Math", "confirmed", "", False, None, _at(2, 8)
    )
    data = exports.bookings_csv([line], BERLIN, ["h"] * 13)
    [_header, row] = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert row[1:4] == ["2026-11-03", "10:00", "11:00"] and row[6] == "'=HYPERLINK(1)"


def test_audit_csv_row_escapes_the_name_and_sorts_the_detail_unescaped() -> None:
    # The database formats the times and names (tests/storage/test_audit_export.py); the file
    # keeps them, escapes what a spreadsheet would run and writes the detail canonically.
    stored = json.dumps({"z": 1, "name": "Ёжик", "a": None})  # as SQLAlchemy stores it
    line = ("2026-07-03T21:05:59+00:00", "2026-07-03 23:05", "link.opened", "ok", "42", "=Ana")
    data = audit_csv.audit_csv([(*line, stored)], ["h"] * 7)
    [_header, row] = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert row == [*line[:5], "'=Ana", '{"a": null, "name": "Ёжик", "z": 1}']


def test_audit_csv_detail_is_the_sorted_json_of_any_detail() -> None:
    details: list[dict[str, object]] = [
        {},
        {"b": {"y": [1, 2.5, None, True], "x": 'say "hi"\n'}, "a": "\u2028 line"},
        {"-n": -3},
    ]
    cells = ("2026-07-03T09:00:00+00:00", "2026-07-03 11:00", "e", "ok", "", "")
    lines = [(*cells, json.dumps(d)) for d in details] + [(*cells, None)]
    data = audit_csv.audit_csv(lines, ["h"] * 7)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    expected = [json.dumps(d, ensure_ascii=False, sort_keys=True) for d in details]
    assert [row[6] for row in rows] == [*expected, "{}"]


def test_ops_window_median_p95_and_kinds() -> None:
    samples = [(1000.0 - i, float(i), "ok") for i in range(100)]
    samples += [(999.0, 5.0, "error:KeyError"), (10.0, 1.0, "refused:NotFound")]
    hour = ops.window(samples, 1000.0, 3600)
    assert hour.handled == 102 and hour.errors == {"error:KeyError": 1, "refused:NotFound": 1}
    assert hour.p95_ms == ops.percentile([s[1] for s in samples], 0.95)
    assert ops.window(samples, 1000.0, 1.5).handled == 3  # 1000 and both at 999
    assert ops.percentile([], 0.5) is None and ops.percentile([3.0, 1.0, 2.0], 0.95) == 3.0


def test_audit_csv_quotes_what_needs_it_in_any_cell() -> None:
    # Cells the app never makes odd (event, outcome) still follow csv's quoting if they are.
    cells = ("2026-07-03T09:00:00+00:00", "2026-07-03 11:00", 'odd,"event"', "ok\r\n", "")
    lines = [(*cells, 'Lee, "Al"', None), (*cells[:2], "e", "ok", "7", "", "{}")]
    data = audit_csv.audit_csv(lines, ["h"] * 7)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1:]
    assert rows == [[*cells, 'Lee, "Al"', "{}"], [*cells[:2], "e", "ok", "7", "", "{}"]]


def test_audit_csv_writes_an_empty_detail_as_an_empty_object_whatever_its_neighbours() -> None:
    cells = ("2026-07-03T09:00:00+00:00", "2026-07-03 11:00", "e", "ok", "", "")
    for stored in (["null", "[]", '{"b": 1}'], ["null", "[]"], ['"a', 'b"']):
        lines = [(*cells, text) for text in stored]
        if stored == ['"a', 'b"']:  # two broken texts that parse once joined: refused loudly
            with pytest.raises(ValueError):
                audit_csv.audit_csv(lines, ["h"] * 7)
            continue
        data = audit_csv.audit_csv(lines, ["h"] * 7)
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
        expected = ["{}", "{}", '{"b": 1}'][: len(stored)]
        assert [row[6] for row in rows] == expected
