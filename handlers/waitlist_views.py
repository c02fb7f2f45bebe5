"""The waitlist's screens and sentences: a place in line, the list of places, refusals."""

from __future__ import annotations

import html

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.waitlist import WaitRefusal
from bot.services.waitlist import Place
from handlers.student_views import home_row
from views import formatting as fmt
from views.waitlist_callbacks import WaitAction, WaitCb, WaitJoinCb

Keyboard = InlineKeyboardMarkup


def refusal(reason: WaitRefusal) -> str:
    """One short sentence for a waitlist refusal."""
    texts = {
        WaitRefusal.ALREADY_YOURS: _("You have already booked this slot."),
        WaitRefusal.ALREADY_WAITING: _("You are already in line for this slot."),
        WaitRefusal.STARTED: _("This lesson has already started or is no longer offered."),
        WaitRefusal.NOT_FULL: _("A seat is free in this slot: you can book it right away."),
        WaitRefusal.OFFER_GONE: _("This offer is no longer open."),
        WaitRefusal.NOT_WAITING: _("You are no longer in line for this lesson."),
        WaitRefusal.STUDENT_ONLY: _(
            "Only the student can join the line: a seat that frees up is offered in their chat."
        ),
    }
    return texts[reason]


def full_note() -> str:
    """Above the day, when a full slot was pressed."""
    return _("🔴 This time is fully booked. Tap 🔔 to be told when a seat frees up.")


def with_join(keyboard: Keyboard, student_id: int, slot_id: int) -> Keyboard:
    """A full slot's screen with "Notify me if it frees up" on top."""
    join = WaitJoinCb(student_id=student_id, slot_id=slot_id).pack()
    row = [InlineKeyboardButton(text=_("🔔 Notify me if it frees up"), callback_data=join)]
    return Keyboard(inline_keyboard=[row, *keyboard.inline_keyboard])


def _lesson(place: Place) -> str:
    text = fmt.when(place.starts_at, place.ends_at, place.zone)
    subject = f", {html.escape(place.subject)}" if place.subject else ""
    return f"{text}{subject} · {html.escape(place.teacher_name)}"


def _line(place: Place) -> str:
    if place.place == 0 and place.hold_until is not None:
        until = fmt.day_time(place.hold_until, place.zone)
        return _("🎟 {lesson}: a seat is held for you until {until}").format(
            lesson=_lesson(place), until=until
        )
    return _("🔔 {lesson}: you are number {n} in line").format(lesson=_lesson(place), n=place.place)


def joined(place: Place) -> tuple[str, Keyboard]:
    """The student's new place in line, and how they will hear of a free seat."""
    text = "\n".join(
        [
            _line(place),
            _(
                "I will write as soon as a seat frees up and hold it for you for a while. "
                "Send /waitlist to see your places in line."
            ),
        ]
    )
    return text, _keyboard([place])


def places_screen(places: list[Place]) -> tuple[str, Keyboard]:
    """Every place in line of the student, with a button to book a held seat or to leave."""
    if not places:
        text = _(
            "You are not waiting for any lesson. When a time is fully booked, open it in the "
            "calendar and tap “Notify me if it frees up”."
        )
    else:
        text = "\n".join([_("<b>Your places in line</b>"), *(_line(p) for p in places)])
    return text, _keyboard(places)


def _keyboard(places: list[Place]) -> Keyboard:
    rows = []
    for place in places:
        if place.place == 0:
            book = WaitCb(action=WaitAction.BOOK, entry_id=place.entry_id).pack()
            decline = WaitCb(action=WaitAction.DECLINE, entry_id=place.entry_id).pack()
            rows.append(
                [
                    InlineKeyboardButton(text=_("✅ Book it"), callback_data=book),
                    InlineKeyboardButton(text=_("✖ No, thanks"), callback_data=decline),
                ]
            )
        else:
            leave = WaitCb(action=WaitAction.LEAVE, entry_id=place.entry_id).pack()
            label = _("🚪 Leave the line: {when}").format(
                when=fmt.day_time(place.starts_at, place.zone)
            )
            rows.append([InlineKeyboardButton(text=label, callback_data=leave)])
    rows.append(home_row(0))
    return Keyboard(inline_keyboard=rows)


def left(declined: bool) -> str:
    """After leaving a line, or passing a held seat on."""
    if declined:
        return _("OK: the seat goes to the next student in line.")
    return _("You left the line.")
