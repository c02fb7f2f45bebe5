"""A teacher reads their figures, pictures, audit trail and exports after a scripted month."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from icalendar import Calendar
from PIL import Image

from bot.domain.clock import ManualClock
from bot.services import booking
from tests.handlers.conftest import Harness, running_bot
from tests.steps import student_steps as steps
from tests.steps.analytics_steps import ADMIN, ANA, OTHER, TEACHER, play_month, utc
from tests.steps.teacher_steps import said


@pytest.fixture
async def h(database_url: str, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """The bot with one admin, on SQLite and PostgreSQL."""
    async with running_bot(database_url, tmp_path, clock, admin_ids=[ADMIN]) as harness:
        yield harness


def _png(data: bytes | None) -> tuple[int, int]:
    assert data
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


async def test_a_teacher_reads_every_figure_of_a_scripted_month(h: Harness) -> None:
    await play_month(h)
    await h.send(TEACHER, "/stats Ana")
    await h.press(TEACHER, "✅ Tue, 3 Nov 10:00")
    await h.send(TEACHER, "/stats Ben")
    await h.press(TEACHER, "🚫 Wed, 4 Nov 14:00")
    ben = h.last(TEACHER).content
    assert "Bookings made: 3 · lessons taken: 1 · coming: 0" in ben
    assert "Cancelled by the student: 0 (late: 0) · by you: 1" in ben
    assert "Rescheduled: 0 · no-shows: 1" in ben
    assert "Wed, 4 Nov, 14:00–15:00 English — no-show" in ben

    await h.send(TEACHER, "/stats")
    week = h.last(TEACHER).content
    assert "this week" in week and "Mon, 30 Nov – Sun, 6 Dec (Europe/Berlin)" in week
    assert "Lessons booked: 1 · taken: 0 · coming: 1 · no-shows: 0" in week
    await h.press(TEACHER, "This month")
    month = h.last(TEACHER).content
    # November and the rest of this week: Ana's coming lesson on 1 Dec counts in both.
    assert "Sun, 1 Nov – Sun, 6 Dec" in month
    assert "Lessons booked: 7 · taken: 3 · coming: 1 · no-shows: 1" in month
    assert "Cancelled: 2 (29%) · by students: 1 (late: 0) · by you: 1" in month
    assert "Rescheduled: 1" in month
    assert "Busiest days: Tue (3), Wed (2)" in month
    assert "Busiest hours: 10:00 (3), 14:00 (2)" in month
    assert "Popular subjects: Math (3), English (2)" in month
    assert "Booked ahead (median): 6 days" in month  # (125 h + 169 h) / 2, 1 Dec included
    assert "Links: created 4 → opened 3 → first booking 2" in month
    assert "Refused link openings: another account (1)" in month
    assert "Students: 2 active, 2 inactive" in month  # Cleo and Dan: nothing for 14 days

    await h.press(TEACHER, "🗓 Heatmap")
    heat = h.last(TEACHER)
    assert _png(heat.photo)[0] > 100
    assert "Tue 3 · Wed 2" in heat.content and "Tue 10:00 (3), Wed 14:00 (2)" in heat.content
    await h.press(TEACHER, "📊 Per week")
    bars = h.last(TEACHER)
    assert _png(bars.photo)[0] > 100
    assert "26 Oct: 0 · 2 Nov: 2 · 9 Nov: 0 · 16 Nov: 0 · 23 Nov: 2 · 30 Nov: 1" in bars.content

    await h.send(TEACHER, "/stats Ana")
    ana = h.last(TEACHER).content
    assert "Ana · active" in ana and "Last activity: Mon, 23 Nov" in ana
    assert "Bookings made: 4 · lessons taken: 2 · coming: 1" in ana
    assert "Cancelled by the student: 1 (late: 0) · by you: 0" in ana
    assert "Rescheduled: 1 · no-shows: 0" in ana
    assert "Tue, 3 Nov, 10:00–11:00 Math — attended" in ana
    assert "created Mon, 2 Nov · expires Wed, 2 Dec · uses left: unlimited" in ana
    assert "opened 1 time, last Mon, 2 Nov · refused: another account 1" in ana


async def test_recent_events_are_paged_newest_first(h: Harness) -> None:
    month = await play_month(h)
    await h.send(TEACHER, "/stats Ana")
    await h.press(TEACHER, "✅ Tue, 3 Nov 10:00")
    await h.press(TEACHER, "✅ Tue, 24 Nov 10:00")
    async with h.app.deps.uow() as u:
        newest = await u.audit.recent(student_id=month.ana, limit=100)
    assert len(newest) > 10
    await h.press(TEACHER, "📜 Recent events")
    first = h.last(TEACHER).content.splitlines()
    assert "Recent events: Ana" in first[0] and "(page 1)" in first[0]
    assert len(first) == 11 and "Marked attended · you" in first[1]
    assert first[1].startswith("Mon, 30 Nov 09:00")  # Berlin time of the newest event
    await h.press(TEACHER, "Older ▶")
    second = h.last(TEACHER).content.splitlines()
    assert "(page 2)" in second[0] and len(second) == 1 + len(newest) - 10
    assert "Student enrolled · you" in second[-1]


async def test_exports_parse_back_into_the_same_bookings(h: Harness) -> None:
    month = await play_month(h)
    await h.send(TEACHER, "/export")
    await h.press(TEACHER, "Bookings: this month")
    doc = h.last(TEACHER)
    assert doc.document_name == "bookings_2026-11-01_2026-11-30.csv" and doc.document
    rows = list(csv.DictReader(io.StringIO(doc.document.decode("utf-8-sig"))))
    rows_of = [*await steps.bookings_of(h, month.ana), *await steps.bookings_of(h, month.ben)]
    stored = {b.id: (b, s) for b, s in rows_of if s.starts_at < utc(12, 1, 0)}
    assert {int(r["id"]) for r in rows} == set(stored)
    for row in rows:
        b, s = stored[int(row["id"])]
        assert row["start (UTC)"] == s.starts_at.isoformat()
        assert row["start"] == f"{s.starts_at.hour + 1:02d}:00"  # Berlin is UTC+1
        assert row["status"] == ("rescheduled" if b.rescheduled_to_id else b.status.value)
        assert row["cancelled by"] == (b.cancelled_by.value if b.cancelled_by else "")
        assert row["created (UTC)"] == b.created_at.isoformat()
        assert row["student"] in ("Ana", "Ben") and row["subject"] == s.subject
    await h.press(TEACHER, "Audit: this month")
    audit = list(csv.DictReader(io.StringIO(h.last(TEACHER).document.decode("utf-8-sig"))))
    events = [(r["event"], r["outcome"]) for r in audit]
    assert ("booking.rescheduled", "ok") in events
    assert ("link.open", "link_refused:bound_elsewhere") in events


async def test_calendar_reexport_after_a_move_keeps_the_uid_and_raises_sequence(
    h: Harness,
) -> None:
    month = await play_month(h)
    await h.send(TEACHER, "/export")
    await h.press(TEACHER, "📅 Calendar of coming lessons (.ics)")
    [before] = Calendar.from_ical(h.last(TEACHER).document).walk("VEVENT")
    start = before.decoded("dtstart")
    assert (start.hour, str(start.tzinfo)) == (10, "Europe/Berlin")
    assert start == utc(12, 1, 9) and before.decoded("dtend") == utc(12, 1, 10)
    assert str(before["uid"]) == f"booking-{month.ana_dec1}@lessonlink"
    await booking.reschedule(h.app.deps, ANA, month.ana_dec1, month.slot_dec2)
    await h.send(TEACHER, "/export")
    await h.press(TEACHER, "📅 Calendar of coming lessons (.ics)")
    [after] = Calendar.from_ical(h.last(TEACHER).document).walk("VEVENT")
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("dtstart") == utc(12, 2, 9)


async def test_another_teacher_sees_none_of_it(h: Harness) -> None:
    month = await play_month(h)
    await steps.teacher(h, OTHER, "UTC")
    await h.send(OTHER, "/stats Ana")
    await steps.settle(h)
    assert said(h, OTHER, "No student called Ana.")
    await h.send(OTHER, "/stats")
    assert "Lessons booked: 0" in h.last(OTHER).content
    anchor = h.last(OTHER).message_id
    past = next(b.id for b, _ in await steps.bookings_of(h, month.ben))
    for data in (f"sst:{month.ana}", f"aud:{month.ana}:0", f"att:{past}:1"):
        await h.press_data(OTHER, anchor, data)
    await steps.settle(h)
    async with h.app.deps.uow() as u:
        refused = [e for e in await u.audit.recent(limit=50) if e.event == "foreign_object"]
        [(ben_booking, _)] = [(b, s) for b, s in await u.bookings.of_student(month.ben)][:1]
    assert len(refused) == 3 and all(e.actor_telegram_id == OTHER for e in refused)
    assert ben_booking.attended is None  # the forged mark did not land
    await h.send(OTHER, "/export")
    await h.press(OTHER, "Bookings: 90 days")
    assert len(h.last(OTHER).document.decode("utf-8-sig").splitlines()) == 1  # header only
    await h.press(OTHER, "📅 Calendar of coming lessons (.ics)")
    assert not Calendar.from_ical(h.last(OTHER).document).walk("VEVENT")


async def test_ops_is_for_admins_only(h: Harness) -> None:
    await play_month(h)
    await h.send(TEACHER, "/ops")
    assert "I don't know that command" in h.last(TEACHER).content
    h.user(ADMIN, "Root")
    await h.send(ADMIN, "/ops")
    view = h.last(ADMIN).content
    assert "Last hour" in view and "Last 24 hours" in view and "Outbox" in view
    handled = int(view.split("Updates handled: ")[1].split("\n")[0])
    assert handled >= 10
    assert "median" in view and "95th percentile" in view
    assert "Due and waiting: 0" not in view  # the month's notices, never flushed here


async def test_the_student_card_leads_to_stats_and_events(h: Harness) -> None:
    await play_month(h)
    await h.send(TEACHER, "/students")
    [ana] = [b for b in h.last(TEACHER).button_texts() if b.endswith(" Ana")]
    await h.press(TEACHER, ana)
    assert {"📊 Stats", "📜 Recent events"} <= set(h.last(TEACHER).button_texts())
    await h.press(TEACHER, "📊 Stats")
    assert "Bookings made: 4 · lessons taken: 2 · coming: 1" in h.last(TEACHER).content
    await h.press(TEACHER, "📜 Recent events")
    assert "Recent events: Ana" in h.last(TEACHER).content
