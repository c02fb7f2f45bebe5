"""Where a lesson takes place, as the teacher sets it and the student reads it: the default
meeting link, an address for a set of hours, a lesson's own place from /schedule; in the
confirmation, the lesson's card, the reminder (as it is when sent) and the .ics file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from bot.services import booking, places
from sandbox.markup import parse_html
from sandbox.world import ChatMessage
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps
from tests.steps.teacher_steps import told

ANA = 851
TEACHER = steps.TEACHER_TG
ZOOM = "https://zoom.example.org/j/123?pwd=a1&lang=en"
NEW_ZOOM = "https://zoom.example.org/j/456"
ADDRESS = "Main St 5 & Co <Hinterhof>, Room 3"
WED_10_BERLIN = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
THU_10_BERLIN = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def links(message: ChatMessage) -> list[str]:
    """The addresses of the links the message shows (Telegram's text_link entities)."""
    parsed = parse_html(message.raw_text or "")
    return [e["url"] for e in parsed.entities if e["type"] == "text_link"]


async def calendar_event(h: Harness, lesson_button: str) -> dict[str, str]:
    """Ana opens the lesson's card from My bookings and adds it to her calendar: its VEVENT."""
    await h.send(ANA, "/mybookings")
    await h.press(ANA, lesson_button)
    await h.press(ANA, "📅 Add to calendar")
    [event] = Calendar.from_ical(h.last(ANA).document or b"").walk("VEVENT")
    return {key: str(event[key]) for key in ("LOCATION", "URL") if key in event}


async def test_the_default_link_is_in_the_confirmation_the_reminder_and_the_file(
    harness: Harness,
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await h.send(TEACHER, f"/place {ZOOM}")
    assert "✅ Saved." in h.last(TEACHER).content
    assert links(h.last(TEACHER)) == [ZOOM]
    await steps.slots(h, tutor, WED_10_BERLIN)
    await steps.student(h, tutor, ANA, "Ana")

    await h.press(ANA, "📝 Book a lesson")
    await h.press(ANA, "Wed, 25 Nov · 1 free")
    await h.press(ANA, "🟢 10:00–11:00 Math")
    await h.press(ANA, "✅ Confirm")
    confirmation = h.last(ANA)
    assert "Booked:" in confirmation.content
    assert f"📍 Place: {ZOOM}" in confirmation.content
    assert links(confirmation) == [ZOOM], "the link opens from the confirmation"

    # The teacher changes the link after booking: the reminder says where it is now.
    await h.send(TEACHER, f"/place {NEW_ZOOM}")
    h.clock.set(WED_10_BERLIN - timedelta(minutes=60))
    await h.flush()
    await told(h, ANA, "⏰ Reminder")
    reminder = next(m for m in reversed(h.chat(ANA)) if "⏰ Reminder" in m.content)
    assert f"📍 Place: {NEW_ZOOM}" in reminder.content and ZOOM not in reminder.content
    assert links(reminder) == [NEW_ZOOM]

    event = await calendar_event(h, "Wed, 25 Nov 10:00 · Math · Teacher 7000")
    assert event == {"LOCATION": NEW_ZOOM, "URL": NEW_ZOOM}


async def test_hours_and_lesson_places_win_over_the_default(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await h.send(TEACHER, "/addslots wed 10:00-12:00 60 Math")
    await h.send(TEACHER, "/addslots thu 10:00-11:00 60 Math")
    await h.send(TEACHER, f"/place {ZOOM}")
    await h.press(TEACHER, "📍 Wednesday 10:00–12:00 · 60 min · Math")
    assert "Type the place for these hours (Wednesday 10:00–12:00" in h.last(TEACHER).content
    await h.send(TEACHER, ADDRESS)
    shown = h.last(TEACHER)
    assert "✅ Saved." in shown.content
    assert f"Wednesday 10:00–12:00 · 60 min · Math: {ADDRESS}" in shown.content
    assert links(shown) == [ZOOM], "an address is text, never a link"

    ana = await steps.student(h, tutor, ANA, "Ana")
    async with h.app.deps.uow() as u:
        found = await u.slots.between(tutor.id, WED_10_BERLIN, THU_10_BERLIN + timedelta(hours=1))
    wed, _wed_later, thu = sorted(found, key=lambda s: s.starts_at)
    await booking.book(h.app.deps, ANA, ana, wed.id)
    await booking.book(h.app.deps, ANA, ana, thu.id)

    wed_button = "Wed, 25 Nov 10:00 · Math · Teacher 7000"
    assert await calendar_event(h, wed_button) == {"LOCATION": ADDRESS}
    assert f"📍 Place: {ADDRESS}" in h.chat(ANA)[-2].content, "the lesson's card says it too"
    thu_event = await calendar_event(h, "Thu, 26 Nov 10:00 · Math · Teacher 7000")
    assert thu_event == {"LOCATION": ZOOM, "URL": ZOOM}

    # The teacher gives Wednesday's lesson a place of its own from /schedule.
    await h.send(TEACHER, "/schedule")
    await h.press(TEACHER, "📍")
    card = h.last(TEACHER).content
    assert "📍 Lesson with Ana on Wed, 25 Nov, 10:00–11:00" in card
    assert f"Place: {ADDRESS}" in card
    await h.send(TEACHER, NEW_ZOOM)
    assert "✅ Saved." in h.last(TEACHER).content and links(h.last(TEACHER)) == [NEW_ZOOM]
    assert await calendar_event(h, wed_button) == {"LOCATION": NEW_ZOOM, "URL": NEW_ZOOM}
    thu_event = await calendar_event(h, "Thu, 26 Nov 10:00 · Math · Teacher 7000")
    assert thu_event == {"LOCATION": ZOOM, "URL": ZOOM}, "other lessons keep theirs"
    await h.send(TEACHER, "/export")
    await h.press(TEACHER, "📅 Calendar of coming lessons (.ics)")
    exported = Calendar.from_ical(h.last(TEACHER).document or b"").walk("VEVENT")
    assert [str(e["LOCATION"]) for e in exported] == [NEW_ZOOM, ZOOM], "the teacher's file too"

    # Moved to 11:00 from the chat, the lesson keeps its own place: on the card that says
    # it moved, and in its calendar event.
    await h.send(ANA, "/mybookings")
    await h.press(ANA, wed_button)
    await h.press(ANA, "🔁 Move")
    await h.press(ANA, "Wed, 25 Nov · 1 free")
    await h.press(ANA, "🟢 11:00–12:00 Math")
    await h.press(ANA, "✅ Confirm")
    card = h.last(ANA)
    assert "Moved." in card.content and f"📍 Place: {NEW_ZOOM}" in card.content
    assert links(card) == [NEW_ZOOM]
    moved = await calendar_event(h, "Wed, 25 Nov 11:00 · Math · Teacher 7000")
    assert moved == {"LOCATION": NEW_ZOOM, "URL": NEW_ZOOM}

    # Back to the usual place: the hours' address.
    await h.send(TEACHER, "/schedule")
    await h.press(TEACHER, "📍")
    await h.press(TEACHER, "🗑 Use the usual place")
    assert f"Place: {ADDRESS}" in h.last(TEACHER).content
    assert await calendar_event(h, "Wed, 25 Nov 11:00 · Math · Teacher 7000") == {
        "LOCATION": ADDRESS
    }


async def test_an_http_or_javascript_link_is_refused_with_a_clear_sentence(
    harness: Harness,
) -> None:
    h = harness
    await steps.teacher(h)
    await h.send(TEACHER, "/place http://zoom.example.org/j/1")
    await told(h, TEACHER, "Only https:// links can be a lesson place; a http: link is refused.")
    await h.send(TEACHER, "/place")
    assert "Default: not set" in h.last(TEACHER).content

    await h.press(TEACHER, "✏️ Default place")
    await h.send(TEACHER, "javascript:alert(document.cookie)")
    await told(h, TEACHER, "a javascript: link is refused")
    await h.send(TEACHER, "https://zoom.us@evil.example.org/j/1")
    await told(h, TEACHER, "That is not a link students can open.")
    await h.send(TEACHER, ZOOM)  # the question is still open: the next try is taken
    assert "✅ Saved." in h.last(TEACHER).content
    assert links(h.last(TEACHER)) == [ZOOM]
    await h.press(TEACHER, "🗑 Remove")
    assert "Default: not set" in h.last(TEACHER).content


async def test_students_are_told_when_the_place_of_their_lessons_changes(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await h.send(TEACHER, f"/place {ZOOM}")
    assert "told" not in h.last(TEACHER).content, "no lessons yet: nobody to tell"
    wed, thu = (
        await steps.slots(h, tutor, WED_10_BERLIN),
        await steps.slots(h, tutor, THU_10_BERLIN),
    )
    ana = await steps.student(h, tutor, ANA, "Ana")
    await booking.book(h.app.deps, ANA, ana, wed[0].id)
    await booking.book(h.app.deps, ANA, ana, thu[0].id)

    await h.send(TEACHER, f"/place {ADDRESS}")
    assert "1 student with coming lessons is told." in h.last(TEACHER).content
    await h.flush()
    await told(h, ANA, "changed where your coming lessons take place (2 lessons, the first on")
    told_of = h.last(ANA)
    assert f"📍 Place: {ADDRESS}" in told_of.content and links(told_of) == []
    assert "📋 My bookings" in told_of.button_texts()

    await h.send(TEACHER, "/schedule")
    await h.press(TEACHER, "📍")
    await h.send(TEACHER, NEW_ZOOM)
    assert "1 student with coming lessons is told." in h.last(TEACHER).content
    await h.flush()
    await told(h, ANA, "📍 Teacher 7000 changed where your lesson on Wed, 25 Nov, 10:00–11:00")
    assert links(h.last(ANA)) == [NEW_ZOOM]

    before = len(h.chat(ANA))
    await h.send(TEACHER, f"/place {ADDRESS}")  # the same place again: nothing changed
    assert "told" not in h.last(TEACHER).content
    await h.flush()
    assert len(h.chat(ANA)) == before


async def test_forged_place_buttons_change_nothing_of_another_teacher(harness: Harness) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await h.send(TEACHER, "/addslots wed 10:00-12:00 60 Math")
    [wed, _] = await steps.slots(h, tutor, WED_10_BERLIN + timedelta(days=7), count=2)
    ana = await steps.student(h, tutor, ANA, "Ana")
    lesson = await booking.book(h.app.deps, ANA, ana, wed.id)
    async with h.app.deps.uow() as u:
        [window] = await u.availability.windows(tutor.id)
    await places.set_hours(h.app.deps, TEACHER, window.id, ADDRESS)
    await places.set_lesson(h.app.deps, TEACHER, lesson.booking_id, ZOOM)
    other = 7100
    await steps.teacher(h, telegram_id=other)
    await h.send(other, "/settings")
    await h.press(other, "📍 Where lessons take place")
    assert "Where your lessons take place" in h.last(other).content
    menu = h.last(other).message_id
    for data in (f"plc:ask:l:{lesson.booking_id}", f"plc:clr:h:{window.id}", "plc:ask:x:1"):
        answer = await h.press_data(other, menu, data)
        assert answer is not None and answer.text, data
        assert "Where your lessons take place" in h.last(other).content, "nothing else opened"
    await h.send(other, "https://evil.example.org/")  # no question is open: not a place
    async with h.app.deps.uow() as u:
        found = (await u.places.of_bookings([lesson.booking_id]))[lesson.booking_id]
        hours = await u.places.of_windows([window.id])
    assert found.lesson is not None and found.lesson.place == ZOOM
    assert hours == {window.id: ADDRESS}
