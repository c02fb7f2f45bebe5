"""What the calendar shows: the student's own zone across DST and a date line, and filters."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps

KEN = 821
# New York leaves daylight saving on Sun 1 Nov 2026: a weekly 19:00 lesson moves in UTC.
SAT_31_OCT_19_NY = datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # EDT, UTC-4: Sun 08:00 Tokyo
MON_2_NOV_19_NY = datetime(2026, 11, 3, 0, 0, tzinfo=UTC)  # EST, UTC-5: Tue 09:00 Tokyo


async def test_student_zone_across_dst_and_the_date_line(harness: Harness) -> None:
    h = harness
    h.clock.set(datetime(2026, 10, 26, 12, 0, tzinfo=UTC))
    tutor = await steps.teacher(h, timezone="America/New_York")
    await steps.slots(h, tutor, SAT_31_OCT_19_NY)
    await steps.slots(h, tutor, MON_2_NOV_19_NY)
    sid = await steps.student(h, tutor, KEN, "Ken")
    await h.send(KEN, "/timezone Asia/Tokyo")
    assert "Times are shown in your time zone, Asia/Tokyo." in h.last(KEN).content

    await h.press(KEN, "📝 Book a lesson")
    week = h.last(KEN)
    assert "Times in Asia/Tokyo. Your teacher's zone is America/New_York." in week.content
    assert "Sun, 1 Nov · 1 free" in week.button_texts()
    assert "Mon, 26 Oct – Sat, 31 Oct · no free times" in week.button_texts()
    await h.press(KEN, "Sun, 1 Nov · 1 free")
    assert "🟢 08:00–09:00 Math" in h.last(KEN).button_texts()

    await h.press(KEN, "◀ Back to the week")
    await h.press(KEN, "Next week ▶")
    assert "Tue, 3 Nov · 1 free" in h.last(KEN).button_texts()
    assert "Mon, 2 Nov · no free times" in h.last(KEN).button_texts()
    await h.press(KEN, "Tue, 3 Nov · 1 free")
    await h.press(KEN, "🟢 09:00–10:00 Math")
    card = h.last(KEN).content
    assert "Tuesday, November 3, 2026" in card
    assert "09:00–10:00 (Asia/Tokyo)" in card
    assert "Your teacher's time: Mon, 2 Nov, 19:00–20:00 (America/New_York)" in card
    await h.press(KEN, "✅ Confirm")
    assert "Tue, 3 Nov, 09:00–10:00 (Asia/Tokyo)" in h.last(KEN).content
    [(_, slot)] = await steps.bookings_of(h, sid)
    assert slot.starts_at == MON_2_NOV_19_NY


async def test_zone_buttons_and_following_the_teacher_again(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.student(h, tutor, KEN, "Ken")
    await h.send(KEN, "/start")
    await h.press(KEN, "🌍 Time zone")
    await h.press(KEN, "Pacific/Auckland")
    assert "your time zone, Pacific/Auckland" in h.last(KEN).content
    await h.press(KEN, "🌍 Time zone")
    await h.press(KEN, "Use my teacher's time zone")
    assert "your teacher's time zone, Europe/Berlin" in h.last(KEN).content
    await h.send(KEN, "/timezone Mars/Olympus")
    await steps.settle(h)
    assert "I don't know the time zone Mars/Olympus" in h.last(KEN).content


async def test_filters_by_subject_and_time_of_day(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    wed = datetime(2026, 11, 25, tzinfo=UTC)
    await steps.slots(h, tutor, wed.replace(hour=8), subject="Math")  # 09:00 Berlin
    await steps.slots(h, tutor, wed.replace(hour=12), subject="Piano")  # 13:00
    await steps.slots(h, tutor, wed.replace(hour=17), subject="Math")  # 18:00
    await steps.student(h, tutor, KEN, "Ken")
    await h.send(KEN, "/book")
    assert "Filter: Subject: all · Time of day: any" in h.last(KEN).content
    await h.press(KEN, "Wed, 25 Nov · 3 free")
    await h.press(KEN, "Subject: all")
    picker = h.last(KEN)
    assert "Pick a subject:" in picker.content
    assert picker.button_texts() == ["✔️ all", "Math", "Piano", "◀ Back"]
    await h.press(KEN, "Math")
    day = h.last(KEN)
    assert "Filter: Subject: Math · Time of day: any" in day.content
    assert [b for b in day.button_texts() if b.startswith("🟢")] == [
        "🟢 09:00–10:00 Math",
        "🟢 18:00–19:00 Math",
    ]
    await h.press(KEN, "Time of day: any")
    assert h.last(KEN).button_texts() == ["✔️ any", "morning", "afternoon", "evening", "◀ Back"]
    await h.press(KEN, "morning")
    day = h.last(KEN)
    assert "Filter: Subject: Math · Time of day: morning" in day.content
    assert [b for b in day.button_texts() if b.startswith("🟢")] == ["🟢 09:00–10:00 Math"]
    await h.press(KEN, "◀ Back to the week")
    assert "Wed, 25 Nov · 1 free" in h.last(KEN).button_texts()  # the week keeps the filter
    await h.press(KEN, "Subject: Math")
    assert "✔️ Math" in h.last(KEN).button_texts()
    await h.press(KEN, "Piano")
    await h.press(KEN, "Time of day: morning")
    await h.press(KEN, "afternoon")
    assert "Filter: Subject: Piano · Time of day: afternoon" in h.last(KEN).content
    assert "Wed, 25 Nov · 1 free" in h.last(KEN).button_texts()
    await h.press(KEN, "Time of day: afternoon")
    await h.press(KEN, "◀ Back")
    assert "Filter: Subject: Piano · Time of day: afternoon" in h.last(KEN).content


async def test_one_subject_means_no_subject_filter(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, datetime(2026, 11, 25, 8, tzinfo=UTC), count=2)
    await steps.student(h, tutor, KEN, "Ken")
    await h.send(KEN, "/book")
    assert not any(b.startswith("Subject") for b in h.last(KEN).button_texts())
    assert "Filter: Time of day: any" in h.last(KEN).content
