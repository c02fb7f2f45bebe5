"""The student's screens on a phone: every teacher's lessons, a card per lesson, a compact
week, filter pickers and the month grid (issue 12, bug 9 and 'My bookings on a phone')."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.model import BookingStatus
from bot.services import booking
from sandbox.world import ChatMessage
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps

PIANO_TG, MATH_TG, KIM, BEN = 7100, 7200, 7300, 7400
WED_10_UTC = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 11:00 Berlin, 19:00 Tokyo
THU_10_UTC = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
PIANO_LESSON = "Wed, 25 Nov 11:00 · Math · Teacher 7100"
MATH_LESSON = "Thu, 26 Nov 11:00 · Math · Teacher 7200"


async def _two_teachers(h: Harness) -> tuple[int, int, int]:
    """Kim studies with both teachers (Math's link opened last, so Math is current); Ben
    studies piano too. Each has a lesson booked; returns Kim's piano and maths bookings and
    Ben's."""
    piano = await steps.teacher(h, PIANO_TG)
    maths = await steps.teacher(h, MATH_TG)
    [p1, p2] = await steps.slots(h, piano, WED_10_UTC, count=2)
    [m1] = await steps.slots(h, maths, THU_10_UTC)
    kim_piano = await steps.student(h, piano, KIM, "Kim")
    kim_maths = await steps.student(h, maths, KIM, "Kim")
    ben = await steps.student(h, piano, BEN, "Ben")
    deps = h.app.deps
    first = await booking.book(deps, KIM, kim_piano, p1.id)
    second = await booking.book(deps, KIM, kim_maths, m1.id)
    other = await booking.book(deps, BEN, ben, p2.id)
    return first.booking_id, second.booking_id, other.booking_id


def _shown(h: Harness, uid: int, message_id: int) -> ChatMessage:
    """One message of the chat as it reads now."""
    return next(m for m in h.chat(uid) if m.message_id == message_id)


async def test_a_student_of_two_teachers_sees_both_teachers_lessons_grouped(
    harness: Harness,
) -> None:
    h = harness
    await _two_teachers(h)
    h.clock.set(WED_10_UTC - timedelta(minutes=40))  # the piano lesson is 40 minutes away

    await h.send(KIM, "/start")
    home = h.last(KIM).content
    assert "Booking with Teacher 7200" in home, "booking stays with the current teacher"
    assert "Wed, 25 Nov, 11:00–12:00 (Europe/Berlin)" in home
    assert "Thu, 26 Nov, 11:00–12:00 (Europe/Berlin)" in home
    # Grouped under each teacher's name, the sooner lesson's teacher first.
    piano, maths = home.index("👤 Teacher 7100"), home.index("👤 Teacher 7200")
    assert piano < home.index("Wed, 25 Nov") < maths < home.index("Thu, 26 Nov")
    assert "12:00–13:00" not in home, "Ben's lesson with the same teacher is not Kim's"

    await h.send(KIM, "/mybookings")
    mine = h.last(KIM)
    assert "No upcoming lessons" not in mine.content
    lessons = [b for b in mine.button_texts() if "·" in b]
    assert lessons == [PIANO_LESSON, MATH_LESSON], "one row per lesson, soonest teacher first"
    assert "12:00–13:00" not in mine.content and "Nov 12:00" not in str(mine.button_texts())

    await h.send(KIM, "/timezone Asia/Tokyo")
    await h.send(KIM, "/mybookings")
    assert "Wed, 25 Nov 19:00 · Math · Teacher 7100" in h.last(KIM).button_texts()
    assert "Thu, 26 Nov 19:00 · Math · Teacher 7200" in h.last(KIM).button_texts()


async def test_a_lesson_card_cancels_moves_and_adds_to_the_calendar(harness: Harness) -> None:
    h = harness
    piano_id, _maths_id, _ = await _two_teachers(h)
    await h.send(KIM, "/mybookings")
    listing = h.last(KIM)
    await h.press(KIM, MATH_LESSON)
    card = h.last(KIM)
    assert card.message_id == listing.message_id and card.edited, "the card edits the list"
    assert "Your lesson" in card.content and "Teacher: Teacher 7200" in card.content
    assert "You can cancel or move it until Wed, 25 Nov, 11:00" in card.content
    assert card.button_texts() == ["❌ Cancel", "🔁 Move", "📅 Add to calendar", "◀ Back"]

    await h.press(KIM, "📅 Add to calendar")
    assert (h.last(KIM).document_name or "").endswith(".ics")
    await h.press(KIM, "🔁 Move", message_id=card.message_id)
    moving = _shown(h, KIM, card.message_id).content
    assert "Pick a new time for your lesson on Thu, 26 Nov" in moving

    await h.send(KIM, "/mybookings")
    old_list = h.last(KIM)
    await h.send(KIM, "/mybookings")
    await h.press(KIM, PIANO_LESSON)
    await h.press(KIM, "◀ Back")
    assert MATH_LESSON in h.last(KIM).button_texts(), "Back is the list again"
    await h.press(KIM, PIANO_LESSON)
    await h.press(KIM, "❌ Cancel")
    await h.press(KIM, "Yes, cancel it")
    assert "Cancelled: Wed, 25 Nov, 11:00–12:00" in h.last(KIM).content
    async with h.app.deps.uow() as u:
        found = await u.bookings.get(piano_id)
    assert found is not None and found[0].status == BookingStatus.CANCELLED

    # The older list still offers the cancelled lesson: its press says so and shows the list.
    answer = await h.press(KIM, PIANO_LESSON, message_id=old_list.message_id)
    assert answer.show_alert and "already cancelled" in (answer.text or "")
    refreshed = _shown(h, KIM, old_list.message_id)
    assert PIANO_LESSON not in refreshed.button_texts()
    assert MATH_LESSON in refreshed.button_texts()


async def test_a_lesson_that_began_refuses_changes_as_the_press_alert(harness: Harness) -> None:
    h = harness
    await _two_teachers(h)
    await h.send(KIM, "/mybookings")
    await h.press(KIM, PIANO_LESSON)
    h.clock.set(WED_10_UTC + timedelta(minutes=5))
    for action in ("❌ Cancel", "🔁 Move"):
        answer = await h.press(KIM, action)
        assert answer.show_alert and "already started" in (answer.text or "")
        assert "Your lessons" in h.last(KIM).content, "the list as it is now, not a dead end"
        await h.press(KIM, PIANO_LESSON)  # the running lesson's card still opens
        assert "Your lesson" in h.last(KIM).content
    async with h.app.deps.uow() as u:
        assert all(b.status == BookingStatus.CONFIRMED for b, _ in await u.bookings.of_student(1))


async def test_the_week_folds_days_without_free_times(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, WED_10_UTC, count=2)
    await steps.student(h, tutor, KIM, "Kim")
    await h.send(KIM, "/book")
    week = h.last(KIM)
    days = [b for b in week.button_texts() if "free" in b]
    assert days == [
        "Mon, 23 Nov – Tue, 24 Nov · no free times",
        "Wed, 25 Nov · 2 free",
        "Thu, 26 Nov – Sun, 29 Nov · no free times",
    ]
    answer = await h.press(KIM, "Thu, 26 Nov – Sun, 29 Nov · no free times")
    assert answer.text == "No free times on those days."
    assert h.last(KIM).button_texts() == week.button_texts()
    assert "📅" not in "".join(week.button_texts()), "📅 means only 'add to calendar'"


async def test_the_week_in_russian_folds_empty_days_too(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, WED_10_UTC)
    h.user(KIM, "Kim", language="ru")
    _sid, token = await steps.invite(h, tutor, "Kim")
    await h.send(KIM, f"/start {token}")
    await h.send(KIM, "/book")
    days = h.last(KIM).button_texts()
    assert "пн, 23 нояб. – вт, 24 нояб. · нет свободного времени" in days
    await h.press(KIM, "🗓 Выбрать месяц")
    grid = h.last(KIM)
    assert grid.button_texts()[:7] == ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
    answer = await h.press(KIM, "·")
    assert answer.text == "В этот день нет свободного времени."


async def test_the_month_grid_opens_a_day_and_pages_within_the_horizon(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)  # 28 days ahead: the last bookable day is Mon 21 Dec
    await steps.slots(h, tutor, WED_10_UTC)
    await steps.slots(h, tutor, datetime(2026, 12, 21, 8, 0, tzinfo=UTC))
    await steps.student(h, tutor, KIM, "Kim")
    await h.send(KIM, "/book")
    await h.press(KIM, "🗓 Pick a month")
    grid = h.last(KIM)
    assert "November 2026" in grid.content
    assert all(len(row) == 7 for row in grid.buttons[:-2]), "a 7-column calendar"
    assert [b.text for b in grid.buttons[0]] == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    assert [b.text for b in grid.buttons[5]][:2] == ["·", "·"]  # Mon 23, Tue 24
    assert grid.buttons[5][2].text == "25"
    assert "◀ October 2026" not in grid.button_texts()
    answer = await h.press(KIM, "·")
    assert answer.text == "No free times that day."

    await h.press(KIM, "December 2026 ▶")
    assert "December 2026" in h.last(KIM).content
    assert "January 2027 ▶" not in h.last(KIM).button_texts()
    await h.press(KIM, "21")
    day = h.last(KIM)
    assert "Monday, December 21, 2026" in day.content
    assert "🟢 09:00–10:00 Math" in day.button_texts()

    # A month list sent before the grid existed still works: its button shows the grid.
    old = "cm:0:0:0:0"  # MonthsCb, as messages before the month grid carry it
    await h.press_data(KIM, day.message_id, old)
    assert "November 2026" in h.last(KIM).content and "25" in h.last(KIM).button_texts()


async def test_a_move_calendar_of_a_lesson_cancelled_since_leads_back_to_the_list(
    harness: Harness,
) -> None:
    h = harness
    _piano, maths_id, _ = await _two_teachers(h)
    await h.send(KIM, "/mybookings")
    await h.press(KIM, MATH_LESSON)
    await h.press(KIM, "🔁 Move")
    moving = h.last(KIM)
    await booking.cancel_by_student(h.app.deps, KIM, maths_id)  # from another message
    answer = await h.press(KIM, "Next week ▶", message_id=moving.message_id)
    assert answer.show_alert and "already cancelled" in (answer.text or "")
    shown = _shown(h, KIM, moving.message_id)
    assert "Your lessons" in shown.content and MATH_LESSON not in shown.button_texts()
