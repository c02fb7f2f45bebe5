"""The one place where domain errors become sentences: the chat's, the Mini App's and the API's."""

from __future__ import annotations

import html
import logging

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain import errors as e
from bot.domain.guardians import GuardianMayNotAct
from bot.domain.series import SeriesRefused, SeriesUnavailable
from bot.domain.typed import plain_number
from bot.domain.waitlist import WaitlistRefused
from bot.domain.zones import zone_label
from handlers import waitlist_views
from views.formatting import sentence, shorten

log = logging.getLogger("lessonlink.errors")

ALERT_LIMIT = 200  # Telegram's longest callback answer text


def _link_refusal(reason: e.LinkRefusal) -> str:
    texts = {
        e.LinkRefusal.UNKNOWN: _(
            "This link is not valid. Please ask your teacher to send you a new link."
        ),
        e.LinkRefusal.EXPIRED: _("This link has expired. Please ask your teacher for a new link."),
        e.LinkRefusal.REVOKED: _(
            "Your teacher has turned this link off. Please ask them for a new link."
        ),
        e.LinkRefusal.REPLACED: _(
            "This link was replaced by a newer one. Please use the latest link from your teacher."
        ),
        e.LinkRefusal.USED_UP: _(
            "This link has been used as many times as allowed. "
            "Please ask your teacher for a new link."
        ),
        e.LinkRefusal.BOUND_ELSEWHERE: _(
            "This link already belongs to another Telegram account. "
            "Please ask your teacher for your own link."
        ),
        e.LinkRefusal.ARCHIVED: _(
            "Your teacher has closed this booking access. Please contact them directly."
        ),
        e.LinkRefusal.OWN_STUDENT: _(
            "This is your student's link: send it to them. Opening it yourself would not "
            "connect them."
        ),
    }
    return texts[reason]


def _invalid_input(what: str, value: str) -> str:
    """Name the wrong part of a teacher's command and show the right form."""
    shown = html.escape(shorten(value)) or _("(nothing)")
    # Picks the plural form; a giant number (beyond int()'s digit limit) reads as "many".
    minutes = plain_number(value) or 0 if value.isascii() and value.isdigit() else 0
    texts = {
        "weekday": _("“{value}” is not a weekday or date. Use mon…sun or a date like 2026-12-05."),
        "date": _("“{value}” is not a usable date. Use a date like 2026-12-05."),
        "past_date": _("{value} is already in the past. Please pick a coming date."),
        "no_time_off": _("You have no time off starting on {value}. /unblock lists it all."),
        "time": _("“{value}” is not a time range. Use HH:MM-HH:MM, e.g. 10:00-14:00."),
        "hours": _(
            "“{value}” is not a time range within one day: use HH:MM-HH:MM with the end "
            "after the start, e.g. 10:00-14:00."
        ),
        "length": ngettext(
            "A lesson of {value} minute is not possible: use 10 to 480 minutes.",
            "A lesson of {value} minutes is not possible: use 10 to 480 minutes.",
            minutes,
        ),
        "length_fit": ngettext(
            "A lesson of {value} minute does not fit into these hours.",
            "A lesson of {value} minutes does not fit into these hours.",
            minutes,
        ),
        "capacity": _("“{value}” is not a group size: use x2 to x50."),
        "extra_time": _(
            "“{value}” is not a start time. Use HH:MM such as 18:00, or a range such as "
            "18:00-19:00."
        ),
        "name": _("Please type a name of 1 to 64 characters."),
        "note": _("A note cannot hold invisible control characters; please type it again."),
        "student_name": _("Please type a name of 1 to 64 characters."),
        "place_scheme": _(
            "Only https:// links can be a lesson place; a {value}: link is refused. "
            "Send a link that starts with https:// or an address."
        ),
        "place_link": _(
            "That is not a link students can open. Send a link that starts with https:// "
            "and names a website, or an address."
        ),
        "place": _("Please send a link or an address of at most 300 characters."),
        # The typed address is a secret: never repeated back.
        "calendar_address": _(
            "That is not a calendar address I can read. Send the https (or webcal) address "
            "of your calendar in iCal format after /busycalendar."
        ),
    }
    # Settings, and anything without a sentence of its own, get the general one: `what` is
    # an internal name and never shown.
    text = texts.get(what) or _(
        "“{value}” is not a valid value here. Please try again, as in the example."
    )
    return text.format(value=shown)


def _echo(typed: str, limit: int = 40) -> str:
    """Typed input as a reply repeats it: one line, at most `limit` characters, escaped."""
    line = " ".join(typed.split())
    return html.escape(line if len(line) <= limit else line[: limit - 1].rstrip() + "…")


def _slot_refusal(reason: e.SlotUnavailable) -> str:
    texts = {
        e.SlotUnavailable.GONE: _("This time is no longer offered. Please pick another one."),
        e.SlotUnavailable.STARTED: _(
            "This lesson time has already started. Please pick a later one."
        ),
        e.SlotUnavailable.FULL: _("This slot was just taken. Please pick another time."),
        e.SlotUnavailable.TOO_SOON: _(
            "This time is too soon to book: your teacher needs more notice. "
            "Please pick a later one."
        ),
        e.SlotUnavailable.TOO_FAR: _(
            "This time is too far ahead: your teacher does not take bookings that early yet."
        ),
        e.SlotUnavailable.OVERLAP: _("You already have a lesson with this teacher at that time."),
        e.SlotUnavailable.ALREADY_YOURS: _("You have already booked this slot."),
        e.SlotUnavailable.BUFFER: _(
            "This time is too close to another lesson: your teacher keeps a break between "
            "lessons. Please pick another time."
        ),
        e.SlotUnavailable.TEACHER_BUSY: _(
            "You already teach a lesson at that time. Please pick another time."
        ),
        e.SlotUnavailable.STUDENT_BUSY: _(
            "The student already has a lesson at that time. Please pick another time."
        ),
    }
    return texts[reason]


def describe(error: e.DomainError) -> str:
    """One short sentence telling the user what happened and what to do."""
    match error:
        case e.LinkRefused(reason=reason):
            return _link_refusal(reason)
        case e.SlotRefused(reason=reason):
            return _slot_refusal(reason)
        case SeriesRefused(reason=SeriesUnavailable.OFF):
            return _("Your teacher does not take weekly bookings. Book single lessons instead.")
        case SeriesRefused(max_weeks=weeks):
            return ngettext(
                "Your teacher takes weekly bookings for at most {n} week.",
                "Your teacher takes weekly bookings for at most {n} weeks.",
                weeks,
            ).format(n=weeks)
        case e.TooManyAttempts(wait_seconds=seconds) if seconds < 120:
            return ngettext(
                "Too many invalid links from this account. Please wait {n} second.",
                "Too many invalid links from this account. Please wait {n} seconds.",
                seconds,
            ).format(n=seconds)
        case e.TooManyAttempts(wait_seconds=seconds):
            minutes = -(-seconds // 60)
            return ngettext(
                "Too many invalid links from this account. Please wait {n} minute.",
                "Too many invalid links from this account. Please wait {n} minutes.",
                minutes,
            ).format(n=minutes)
        case e.NotAllowedToTeach():
            return _("This bot is private: teacher registration is limited to invited teachers.")
        case e.NotATeacher():
            return _("This command is for teachers. Send /teach to register as a teacher.")
        case GuardianMayNotAct():
            return _(
                "The teacher lets guardians follow this student's lessons, not book, cancel or "
                "move them. Please ask the teacher or the student."
            )
        case e.NotAStudent():
            return _("You are not connected to a teacher yet. Open the link your teacher sent you.")
        case e.UnknownTimezone(name=name, suggestions=suggestions) if suggestions:
            return _("I don't know the time zone {name}. Did you mean: {options}?").format(
                name=html.escape(shorten(name)), options=", ".join(map(zone_label, suggestions))
            )
        case e.UnknownTimezone(name=name):
            return _(
                "I don't know the time zone {name}. Please type a name like Europe/Berlin."
            ).format(name=html.escape(shorten(name)))
        case e.NoteTooLong(length=length, limit=limit):
            return _(
                "Your note is {length} characters long; notes hold up to {limit}. "
                "Please shorten it and send it again."
            ).format(length=length, limit=limit)
        case e.InvalidInput(what=what, value=value):
            return _invalid_input(what, value)
        case e.WindowOverlap(other=other):
            return _("This overlaps your existing availability: {other}.").format(
                other=html.escape(other)
            )
        case e.StudentNeverOpened():
            return _(
                "This student has not opened their link yet, so I cannot write to them. "
                "Share the link with them instead."
            )
        case e.UnknownStudent(name=name):
            return (
                sentence(_("No student called {name}").format(name=_echo(name)))
                + " "
                + _("/students lists them all.")
            )
        case e.AmbiguousStudent(name=name):
            return _(
                "Several students are called {name}: rename one from /students to tell them apart."
            ).format(name=_echo(name))
        case e.DuplicateStudentName(name=name):
            return (
                sentence(_("You already have a student called {name}").format(name=_echo(name)))
                + " "
                + _(
                    "Please add something that tells them apart, e.g. “{name} B.” or "
                    "“{name} (piano)”."
                ).format(name=_echo(name))
            )
        case WaitlistRefused(reason=reason):
            return waitlist_views.refusal(reason)
        case e.NotFound():
            return _("That is not available any more.")
        case e.CancellationWindowPassed(window_minutes=minutes):
            return _(
                "It is too late to change this lesson: changes are possible up to {hours} h "
                "before the start. Your teacher can still cancel it."
            ).format(hours=f"{minutes / 60:g}")
        case e.BookingNotActive():
            return _("This lesson was already cancelled or has already started.")
        case e.LessonNotPast():
            return _("This lesson has not begun yet: mark attendance once it has started.")
        case e.TooManySlots(would_open=n, limit=limit, open_now=now_open):
            return (
                ngettext(
                    "This would open {n} slot, but you may have at most {limit} open slots "
                    "({open} are open now).",
                    "This would open {n} slots, but you may have at most {limit} open slots "
                    "({open} are open now).",
                    n,
                ).format(n=n, limit=limit, open=now_open)
                + " "
                + _("Choose a shorter booking horizon in /settings, longer slots or fewer hours.")
            )
        case e.ConfirmationNeeded(affected=n):
            return ngettext(
                "This would cancel {n} booked lesson. Please confirm.",
                "This would cancel {n} booked lessons. Please confirm.",
                n,
            ).format(n=n)
    return _("That did not work. Please try again.")
