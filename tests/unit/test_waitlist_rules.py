"""The waitlist's rules and its offer as the student reads it (language, zone, buttons)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.model import Account, Slot, SlotStatus
from bot.domain.notices import WaitlistOffer
from bot.domain.outgoing import Outgoing
from bot.domain.waitlist import WaitEntry, WaitRefusal, WaitState, hold_until, offer_open
from bot.domain.waitlist import refusal_to_join as refusal
from views.i18n import make_i18n
from views.notifications import render

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _slot(booked: int = 1, held: int = 0, capacity: int = 1, **kw: object) -> Slot:
    return Slot(1, 1, START, START + timedelta(hours=1), capacity, booked, held=held, **kw)  # type: ignore[arg-type]


def test_who_may_join_a_line() -> None:
    assert refusal(_slot(), NOW, holds_seat=False, waiting=False) is None
    assert refusal(_slot(booked=0, held=1), NOW, holds_seat=False, waiting=False) is None
    assert refusal(_slot(), NOW, holds_seat=True, waiting=False) == WaitRefusal.ALREADY_YOURS
    assert refusal(_slot(), NOW, holds_seat=False, waiting=True) == WaitRefusal.ALREADY_WAITING
    assert refusal(_slot(capacity=2), NOW, holds_seat=False, waiting=False) == WaitRefusal.NOT_FULL
    begun = START + timedelta(minutes=1)
    assert refusal(_slot(), begun, holds_seat=False, waiting=False) == WaitRefusal.STARTED
    gone = _slot(status=SlotStatus.REMOVED)
    assert refusal(gone, NOW, holds_seat=False, waiting=False) == WaitRefusal.STARTED


def test_a_hold_lasts_the_teachers_minutes_but_never_past_the_start() -> None:
    assert hold_until(_slot(), 15, NOW) == NOW + timedelta(minutes=15)
    late = START - timedelta(minutes=5)
    assert hold_until(_slot(), 15, late) == START
    entry = WaitEntry(1, 1, 1, WaitState.OFFERED, NOW, NOW, NOW + timedelta(minutes=15))
    assert offer_open(entry, NOW + timedelta(minutes=14, seconds=59))
    assert not offer_open(entry, NOW + timedelta(minutes=15))
    waiting = WaitEntry(1, 1, 1, WaitState.WAITING, NOW)
    assert not offer_open(waiting, NOW)


def test_the_offer_reads_in_the_students_language_and_zone() -> None:
    offer = WaitlistOffer(
        entry_id=3,
        student_id=5,
        teacher_name="Tanya <b>",
        teacher_tz="Europe/Berlin",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        hold_until=NOW + timedelta(minutes=15),
        subject="Math",
    )
    account = Account(1, "Ann", language="ru", timezone="Asia/Tokyo")
    text, markup = render(make_i18n(), Outgoing(1, 1, offer), account, NOW)
    assert "Освободилось место" in text and "19:00" in text  # 10:00 UTC in Tokyo
    assert "18:15" in text  # held until 09:15 UTC, Tokyo time
    assert "Tanya &lt;b&gt;" in text  # names are escaped
    assert markup is not None
    assert [b.text for b in markup.inline_keyboard[0]] == ["✅ Забронировать", "✖ Нет, спасибо"]
