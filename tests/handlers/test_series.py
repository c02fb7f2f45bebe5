"""Weekly lessons as a student and a teacher see them: book a series, skipped weeks named,
time off over one week, move one and cancel the rest, daylight saving, rolling forward."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.model import BookingStatus, Teacher
from bot.domain.notices import NoticeKind
from bot.services import booking
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps
from tests.steps.teacher_steps import delivered

KEN, LIV = 851, 852
BERLIN = ZoneInfo("Europe/Berlin")
TUE = datetime(2026, 11, 24, tzinfo=UTC)  # the clock starts on Monday 23 Nov 2026


async def tuesdays(h: Harness, tutor: Teacher, first: datetime, weeks: int) -> list[int]:
    """A 17:00–18:00 Berlin Math slot every Tuesday from `first` on; their ids by time."""
    ids = []
    for week in range(weeks):
        day = (first + timedelta(weeks=week)).date()
        start = datetime.combine(day, time(17, 0), BERLIN).astimezone(UTC)
        [slot] = await steps.slots(h, tutor, start)
        ids.append(slot.id)
    return ids


async def weekly_card(h: Harness, uid: int, day: str) -> None:
    """From /book to the card of Tuesday 17:00, then 'Every week at this time'."""
    await h.send(uid, "/book")
    await h.press(uid, f"{day} · 1 free")
    await h.press(uid, "🟢 17:00–18:00 Math")
    card = h.last(uid)
    assert card.button_texts() == [
        "✅ Confirm",
        "◀ Back",
        "🔁 Every week at this time",
        "📝 Add a note",
    ]
    await h.press(uid, "🔁 Every week at this time")


async def confirmed(h: Harness, student_id: int) -> list[int]:
    return [
        s.id
        for b, s in await steps.bookings_of(h, student_id)
        if b.status == BookingStatus.CONFIRMED
    ]


async def test_a_series_of_eight_is_eight_lessons_in_my_bookings_and_the_schedule(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h, horizon_days=70)
    ids = await tuesdays(h, tutor, TUE, 9)
    ken = await steps.student(h, tutor, KEN, "Ken")
    await weekly_card(h, KEN, "Tue, 24 Nov")
    choice = h.last(KEN)
    assert (
        "Every Tuesday at 17:00 (Europe/Berlin), from Tuesday, November 24, 2026" in choice.content
    )
    assert choice.button_texts() == [
        "4 weeks",
        "8 weeks",
        "12 weeks",
        "Ongoing",
        "📅 Until a date…",
        "◀ Back",
    ]
    await h.press(KEN, "8 weeks")
    done = h.last(KEN).content
    assert "8 weekly lessons booked" in done and "Tue, 12 Jan 17:00" in done
    assert "Not available" not in done
    assert await confirmed(h, ken) == ids[:8]
    await h.send(KEN, "/mybookings")
    mine = h.last(KEN)
    assert sum("17:00 · Math" in b for b in mine.button_texts()) == 8
    await h.send(tutor.telegram_id, "/schedule")
    for week in range(8):
        assert "17:00–18:00" in h.last(tutor.telegram_id).content
        assert "Ken · Math" in h.last(tutor.telegram_id).content, week
        await h.press(tutor.telegram_id, "Next week ▶")
    assert "Ken" not in h.last(tutor.telegram_id).content  # the ninth week is free
    assert len(await steps.outbox(h, NoticeKind.SERIES_BOOKED)) == 1
    assert await steps.outbox(h, NoticeKind.BOOKING_NEW) == []  # told once, not eight times


async def test_an_unavailable_week_is_named_and_skipped(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h, horizon_days=70)
    ids = await tuesdays(h, tutor, TUE, 4)
    ken = await steps.student(h, tutor, KEN, "Ken")
    liv = await steps.student(h, tutor, LIV, "Liv")
    await booking.book(h.app.deps, LIV, liv, ids[2])  # Liv has Tuesday 8 Dec
    await weekly_card(h, KEN, "Tue, 24 Nov")
    await h.press(KEN, "4 weeks")
    done = h.last(KEN).content
    assert "3 weekly lessons booked" in done
    assert "Not available, so not booked: Tue, 8 Dec." in done
    assert await confirmed(h, ken) == [ids[0], ids[1], ids[3]]


async def test_time_off_over_one_week_cancels_that_lesson_only(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h, horizon_days=70)
    ids = await tuesdays(h, tutor, TUE, 4)
    ken = await steps.student(h, tutor, KEN, "Ken")
    await weekly_card(h, KEN, "Tue, 24 Nov")
    await h.press(KEN, "4 weeks")
    await h.send(tutor.telegram_id, "/block 2026-12-01")
    await h.press(tutor.telegram_id, "Yes, cancel them")
    assert await confirmed(h, ken) == [ids[0], ids[2], ids[3]]
    [told] = await steps.outbox(h, NoticeKind.LESSON_CANCELLED_BY_TEACHER)
    assert told.chat_id == KEN
    await h.app.jobs["horizon"]()  # the upkeep never books the blocked week again
    assert await confirmed(h, ken) == [ids[0], ids[2], ids[3]]


async def test_move_one_lesson_then_cancel_this_and_all_later(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h, horizon_days=70)
    ids = await tuesdays(h, tutor, TUE, 4)
    wed = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # 11:00 Berlin
    [spare] = await steps.slots(h, tutor, wed)
    ken = await steps.student(h, tutor, KEN, "Ken")
    await weekly_card(h, KEN, "Tue, 24 Nov")
    await h.press(KEN, "4 weeks")
    await h.send(KEN, "/mybookings")
    await h.press(KEN, "Tue, 1 Dec 17:00 · Math · Teacher 7000")
    await h.press(KEN, "🔁 Move")
    await h.press(KEN, "Next week ▶")
    await h.press(KEN, "Wed, 2 Dec · 1 free")
    await h.press(KEN, "🟢 11:00–12:00 Math")
    await h.press(KEN, "✅ Confirm")
    assert "Moved." in h.last(KEN).content
    assert await confirmed(h, ken) == [ids[0], spare.id, ids[2], ids[3]]
    await h.send(KEN, "/mybookings")
    await h.press(KEN, "Tue, 8 Dec 17:00 · Math · Teacher 7000")
    await h.press(KEN, "❌ Cancel")
    assert h.last(KEN).button_texts() == [
        "Yes, cancel it",
        "No, keep it",
        "Cancel this and all later lessons",
    ]
    await h.press(KEN, "Cancel this and all later lessons")
    done = h.last(KEN).content
    assert "Cancelled 2 lessons of your weekly series" in done
    assert "Tue, 8 Dec 17:00" in done and "Tue, 15 Dec 17:00" in done
    assert await confirmed(h, ken) == [ids[0], spare.id]
    [told] = await steps.outbox(h, NoticeKind.SERIES_CANCELLED)
    assert told.chat_id == tutor.telegram_id
    assert await steps.outbox(h, NoticeKind.BOOKING_CANCELLED) == []


async def test_a_series_across_the_end_of_daylight_saving_keeps_17_in_berlin(
    harness: Harness,
) -> None:
    h = harness
    h.clock.set(datetime(2026, 10, 5, 9, 0, tzinfo=UTC))
    tutor = await steps.teacher(h, horizon_days=60)
    await h.send(tutor.telegram_id, "/addslots tue 17:00-18:00 60 Math")
    ken = await steps.student(h, tutor, KEN, "Ken")
    await h.send(KEN, "/timezone America/New_York")
    await h.send(KEN, "/book")
    await h.press(KEN, "Next week ▶")
    await h.press(KEN, "Tue, 13 Oct · 1 free")
    await h.press(KEN, "🟢 11:00–12:00 Math")
    await h.press(KEN, "🔁 Every week at this time")
    choice = h.last(KEN).content
    assert "Every Tuesday at 11:00 (America/New_York)" in choice
    assert "keeps your teacher's time (17:00, Europe/Berlin) all year" in choice
    await h.press(KEN, "4 weeks")
    done = h.last(KEN).content
    # Berlin leaves summer time on 25 Oct, New York on 1 Nov: for one week the gap is 5 h.
    for line in ("Tue, 13 Oct 11:00", "Tue, 20 Oct 11:00", "Tue, 27 Oct 12:00", "Tue, 3 Nov 11:00"):
        assert line in done, done
    starts = [s.starts_at for b, s in await steps.bookings_of(h, ken)]
    assert [s.astimezone(BERLIN).time() for s in starts] == [time(17, 0)] * 4


async def test_an_ongoing_series_rolls_forward_and_stops_when_cancelled(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h, horizon_days=21)
    ids = await tuesdays(h, tutor, TUE, 8)
    ken = await steps.student(h, tutor, KEN, "Ken")
    await weekly_card(h, KEN, "Tue, 24 Nov")
    await h.press(KEN, "Ongoing")
    done = h.last(KEN).content
    assert "3 weekly lessons booked" in done and "Each new week is booked" in done
    h.clock.advance(timedelta(days=14))
    await h.app.jobs["horizon"]()
    await h.app.jobs["horizon"]()  # a second run books nothing twice
    assert await confirmed(h, ken) == ids[:5]
    await h.send(KEN, "/mybookings")
    await h.press(KEN, "Tue, 15 Dec 17:00 · Math · Teacher 7000")
    await h.press(KEN, "❌ Cancel")
    await h.press(KEN, "Cancel this and all later lessons")
    h.clock.advance(timedelta(days=14))
    await h.app.jobs["horizon"]()
    assert await confirmed(h, ken) == ids[:3]


async def test_the_teacher_limits_or_turns_off_weekly_lessons_in_settings(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h, horizon_days=70)
    await tuesdays(h, tutor, TUE, 2)
    await steps.student(h, tutor, KEN, "Ken")
    await h.send(tutor.telegram_id, "/settings")
    await h.press(tutor.telegram_id, "🔁 Weekly lessons: up to 26 weeks")
    assert h.last(tutor.telegram_id).button_texts()[:5] == [
        "off",
        "up to 4 weeks",
        "up to 12 weeks",
        "✓ up to 26 weeks",
        "up to 52 weeks",
    ]
    await h.press(tutor.telegram_id, "up to 4 weeks")
    await weekly_card(h, KEN, "Tue, 24 Nov")
    assert h.last(KEN).button_texts() == ["4 weeks", "Ongoing", "📅 Until a date…", "◀ Back"]
    await h.press(KEN, "📅 Until a date…")
    assert h.last(KEN).button_texts() == ["Tue, 1 Dec", "Tue, 8 Dec", "Tue, 15 Dec", "◀ Back"]
    await h.press(KEN, "◀ Back")
    await h.send(tutor.telegram_id, "/settings")
    await h.press(tutor.telegram_id, "🔁 Weekly lessons: up to 4 weeks")
    await h.press(tutor.telegram_id, "off")
    await h.press(KEN, "4 weeks")  # the old screen's button: refused, nothing booked
    await steps.settle(h)
    assert await steps.outbox(h, NoticeKind.SERIES_BOOKED) == []
    await h.send(KEN, "/book")
    await h.press(KEN, "Tue, 24 Nov · 1 free")
    await h.press(KEN, "🟢 17:00–18:00 Math")
    assert h.last(KEN).button_texts() == ["✅ Confirm", "◀ Back", "📝 Add a note"]  # no series


async def test_the_teacher_books_a_series_for_a_student_and_cancels_the_rest(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h, horizon_days=70)
    ids = await tuesdays(h, tutor, TUE, 6)
    ken = await steps.student(h, tutor, KEN, "Ken")
    me = tutor.telegram_id
    await h.send(me, "/students")
    await h.press(me, next(b for b in h.last(me).button_texts() if "Ken" in b))
    await h.press(me, "🔁 Weekly lessons")
    assert "Pick the day of the first lesson." in h.last(me).content
    await h.press(me, "Tue, 24 Nov")
    await h.press(me, "17:00–18:00 Math")
    assert "Every Tuesday at 17:00 (Europe/Berlin)" in h.last(me).content
    await h.press(me, "4 weeks")
    assert "4 weekly lessons booked for Ken" in h.last(me).content
    assert await confirmed(h, ken) == ids[:4]
    [told] = await steps.outbox(h, NoticeKind.SERIES_BOOKED)
    assert told.chat_id == KEN
    await delivered(h, KEN, "booked a weekly lesson for you: 4 lessons")
    await h.send(me, "/schedule")
    await h.press(me, "Next week ▶")
    await h.press(me, next(b for b in h.last(me).button_texts() if "Ken" in b))
    await h.send(me, "I change schools")
    await h.press(me, "Cancel this and all later lessons")
    assert "Cancelled 3 lessons of the weekly lesson with Ken" in h.last(me).content
    assert await confirmed(h, ken) == ids[:1]
    [gone] = await steps.outbox(h, NoticeKind.SERIES_CANCELLED)
    assert gone.chat_id == KEN
    await delivered(h, KEN, "Reason: I change schools")
    assert await steps.outbox(h, NoticeKind.LESSON_CANCELLED_BY_TEACHER) == []


async def test_a_series_until_a_date_ends_on_that_lesson(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h, horizon_days=70)
    ids = await tuesdays(h, tutor, TUE, 8)
    ken = await steps.student(h, tutor, KEN, "Ken")
    await weekly_card(h, KEN, "Tue, 24 Nov")
    await h.press(KEN, "📅 Until a date…")
    assert "Until which lesson?" in h.last(KEN).content
    await h.press(KEN, "Tue, 15 Dec")
    assert "4 weekly lessons booked" in h.last(KEN).content
    assert await confirmed(h, ken) == ids[:4]
    await h.send(KEN, "/mybookings")
    await h.press(KEN, "Tue, 8 Dec 17:00 · Math · Teacher 7000")
    assert "🔁 One of your weekly lessons." in h.last(KEN).content


async def test_a_week_taken_before_the_series_reaches_it_is_told_once_to_both(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h, horizon_days=21)
    ids = await tuesdays(h, tutor, TUE, 6)
    ken = await steps.student(h, tutor, KEN, "Ken")
    liv = await steps.student(h, tutor, LIV, "Liv")
    await weekly_card(h, KEN, "Tue, 24 Nov")
    await h.press(KEN, "Ongoing")
    await delivered(h, tutor.telegram_id, "Ken booked a weekly lesson: 3 lessons")
    h.clock.advance(timedelta(days=9))  # Tuesday 22 Dec came within the horizon
    await booking.book(h.app.deps, LIV, liv, ids[4])  # and Liv was first to it
    await h.app.jobs["horizon"]()
    await h.app.jobs["horizon"]()
    assert await confirmed(h, ken) == [ids[0], ids[1], ids[2], ids[3]]
    [to_ken] = [m for m in await steps.outbox(h, NoticeKind.SERIES_SKIPPED) if m.chat_id == KEN]
    assert to_ken is not None
    await delivered(h, KEN, "not available, so not booked: Tue, 22 Dec")
    await delivered(h, tutor.telegram_id, "not available, so not booked: Tue, 22 Dec")
    assert len(await steps.outbox(h, NoticeKind.SERIES_SKIPPED)) == 2  # one each, once


async def test_a_lesson_the_teacher_moves_stays_in_its_series(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h, horizon_days=70)
    ids = await tuesdays(h, tutor, TUE, 4)
    wed = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # 11:00 Berlin
    [spare] = await steps.slots(h, tutor, wed)
    ken = await steps.student(h, tutor, KEN, "Ken")
    me = tutor.telegram_id
    await h.send(me, "/students")
    await h.press(me, next(b for b in h.last(me).button_texts() if "Ken" in b))
    await h.press(me, "🔁 Weekly lessons")
    await h.press(me, "Tue, 24 Nov")
    await h.press(me, "17:00–18:00 Math")
    await h.press(me, "4 weeks")
    assert await confirmed(h, ken) == ids

    await h.send(me, "/students")
    await h.press(me, next(b for b in h.last(me).button_texts() if "Ken" in b))
    await h.press(me, "🔁 Move Tue, 1 Dec, 17:00")
    await h.press(me, "Wed, 2 Dec · 1")
    await h.press(me, "11:00–12:00 · Math")
    await h.send(me, "Parents' evening")
    assert "Moved the lesson with Ken" in h.last(me).content
    assert await confirmed(h, ken) == [ids[0], spare.id, ids[2], ids[3]]

    # The moved lesson is still a week of the series: cancelling from the first takes it too.
    await h.send(KEN, "/mybookings")
    await h.press(KEN, "Tue, 24 Nov 17:00 · Math · Teacher 7000")
    await h.press(KEN, "❌ Cancel")
    await h.press(KEN, "Cancel this and all later lessons")
    assert "Cancelled 4 lessons of your weekly series" in h.last(KEN).content
    assert await confirmed(h, ken) == []
