"""What a typed place may be (https links, addresses), which place wins, and how the one
event builder writes it into an .ics (parsed back with icalendar)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.domain.errors import InvalidInput
from bot.domain.model import Account
from bot.domain.notices import PlaceChanged
from bot.domain.outgoing import Outgoing
from bot.domain.places import Candidates, PlaceChoice, effective, is_link, parse_place
from bot.services.lesson_events import CalendarHead, LessonEvent, calendar_bytes
from tests.sample_notices import lesson
from views.i18n import make_i18n
from views.notifications import render
from views.places import place_html

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://zoom.us/j/123?pwd=abc", "https://zoom.us/j/123?pwd=abc"),
        ("  https://meet.google.com/abc-defg-hij  ", "https://meet.google.com/abc-defg-hij"),
        ("www.example.org/room", "https://www.example.org/room"),
        ("HTTPS://Zoom.us/j/1", "https://Zoom.us/j/1"),  # stored so that it shows as a link
        ("Main St 5,\n  Room 3", "Main St 5, Room 3"),
        ("Room 5: first floor", "Room 5: first floor"),
        ("Office:3", "Office:3"),
        ("Café Müller <Hinterhof> & Co", "Café Müller <Hinterhof> & Co"),
        ("off", None),
        ("-", None),
    ],
)
def test_links_and_addresses_are_read(typed: str, stored: str | None) -> None:
    assert parse_place(typed) == stored
    assert stored is None or is_link(stored) == stored.startswith("https://")


@pytest.mark.parametrize(
    ("typed", "what"),
    [
        ("http://zoom.us/j/1", "place_scheme"),
        ("HTTP://zoom.us/j/1", "place_scheme"),
        ("javascript:alert(1)", "place_scheme"),
        ("JavaScript://%0aalert(1)", "place_scheme"),
        ("data:text/html,<script>x</script>", "place_scheme"),
        ("ftp://files.example.org", "place_scheme"),
        ("https://", "place_link"),
        ("https://zoom.us@evil.example/j/1", "place_link"),
        ("https://localhost/x", "place_link"),
        ("https://zoom.us:notaport/", "place_link"),
        ("https://zoom.us/j/1 and more", "place_link"),
        ("", "place"),
        ("Main St\x00 5", "place"),
        ("x" * 301, "place"),
    ],
)
def test_other_schemes_and_broken_links_are_refused(typed: str, what: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_place(typed)
    assert refused.value.what == what


def test_the_most_specific_place_wins() -> None:
    default = PlaceChoice("https://zoom.us/j/1", T0)
    hours = PlaceChoice("Main St 5", T0)
    lesson = PlaceChoice("https://meet.example.org/x", T0)
    assert effective(Candidates(lesson, hours, default)) == lesson
    assert effective(Candidates(None, hours, default)) == hours
    assert effective(Candidates(None, None, default)) == default
    assert effective(Candidates()) is None


def test_a_link_is_a_link_and_an_address_is_escaped() -> None:
    assert is_link("https://zoom.us/j/1") and not is_link("Main St 5")
    link = place_html("https://zoom.us/j/1?a=1&b=2")
    assert link == ('<a href="https://zoom.us/j/1?a=1&amp;b=2">https://zoom.us/j/1?a=1&amp;b=2</a>')
    assert place_html('<b>Room "5"</b>') == "&lt;b&gt;Room &quot;5&quot;&lt;/b&gt;"


def _event(place: str | None) -> LessonEvent:
    return LessonEvent(
        "booking-1@lessonlink", 2, T0, T0 + timedelta(hours=1), "Lesson", False, T0, place=place
    )


def test_the_event_builder_writes_location_url_and_the_method() -> None:
    head = CalendarHead("-//test//EN", zone="Europe/Berlin", method="REQUEST")
    cal = Calendar.from_ical(calendar_bytes([_event("https://zoom.us/j/1")], head))
    assert str(cal["METHOD"]) == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert str(event["LOCATION"]) == "https://zoom.us/j/1"
    assert str(event["URL"]) == "https://zoom.us/j/1"
    assert event.decoded("DTSTART") == T0
    assert str(event["SEQUENCE"]) == "2"


def test_an_address_has_no_url_and_no_place_has_neither() -> None:
    head = CalendarHead("-//test//EN")
    address, nothing = Calendar.from_ical(
        calendar_bytes([_event("Main St 5, Room 3"), _event(None)], head)
    ).walk("VEVENT")
    assert str(address["LOCATION"]) == "Main St 5, Room 3" and "URL" not in address
    assert "LOCATION" not in nothing and "URL" not in nothing
    assert "METHOD" not in Calendar.from_ical(calendar_bytes([], head))


def test_a_changed_place_is_told_as_it_is_when_sent() -> None:
    notice = PlaceChanged(lesson=lesson())
    outgoing = Outgoing(1, 1, notice, place="https://zoom.us/j/9")
    text, markup = render(make_i18n(), outgoing, Account(1, "Sam", language="ru"), T0)
    assert "📍 Tanya изменил(а) место вашего занятия" in text
    assert 'Место: <a href="https://zoom.us/j/9">https://zoom.us/j/9</a>' in text
    assert markup is not None and markup.inline_keyboard[0][0].text == "📋 Мои записи"
