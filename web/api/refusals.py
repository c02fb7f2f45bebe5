"""Domain refusals as problem details: one status and stable code each, the bot's own sentence.

The sentences are the chat's (handlers.refusal_texts.describe), so the portal and the chat say the
same thing in the same words and the catalogs hold each sentence once.
"""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.domain import errors as e
from bot.domain.series import SeriesRefused
from bot.services.portal import BrowserLinksOff, ProofNeeded
from handlers.refusal_texts import describe
from web.api.auth import CHALLENGE
from web.api.problems import Problem, not_found

LINK_CODES: dict[e.LinkRefusal, tuple[int, str]] = {
    e.LinkRefusal.UNKNOWN: (404, "link-unknown"),
    e.LinkRefusal.EXPIRED: (403, "link-expired"),
    e.LinkRefusal.REVOKED: (403, "link-revoked"),
    e.LinkRefusal.REPLACED: (403, "link-revoked"),
    e.LinkRefusal.USED_UP: (403, "link-used-up"),
    e.LinkRefusal.BOUND_ELSEWHERE: (403, "link-bound-elsewhere"),
    e.LinkRefusal.ARCHIVED: (403, "link-archived"),
    e.LinkRefusal.OWN_STUDENT: (403, "forbidden"),
}
SLOT_CODES: dict[e.SlotUnavailable, str] = {
    e.SlotUnavailable.GONE: "slot-gone",
    e.SlotUnavailable.STARTED: "slot-past",
    e.SlotUnavailable.FULL: "slot-full",
    e.SlotUnavailable.TOO_SOON: "slot-too-soon",
    e.SlotUnavailable.TOO_FAR: "slot-too-far",
    e.SlotUnavailable.OVERLAP: "slot-overlap",
    e.SlotUnavailable.ALREADY_YOURS: "slot-already-yours",
    e.SlotUnavailable.BUFFER: "slot-buffer",
    e.SlotUnavailable.TEACHER_BUSY: "slot-overlap",
    e.SlotUnavailable.STUDENT_BUSY: "slot-overlap",
}


def problem_of(error: e.DomainError) -> Problem:
    """The problem a domain refusal is answered with."""

    def said() -> str:
        return describe(error)

    match error:
        case e.LinkRefused(reason=reason):
            status, code = LINK_CODES[reason]
            return Problem(status, code, said)
        case BrowserLinksOff():
            return Problem(
                401,
                "browser-links-off",
                lambda: _("This link opens in Telegram only. Please open it in Telegram."),
                headers=CHALLENGE,
            )
        case ProofNeeded():
            return Problem(
                401,
                "link-needs-telegram",
                lambda: _("This link belongs to a Telegram account. Please open it in Telegram."),
                headers=CHALLENGE,
            )
        case e.TooManyAttempts(wait_seconds=seconds):
            return Problem(429, "rate-limited", said, headers={"Retry-After": str(seconds)})
        case e.SlotRefused(reason=reason):
            return Problem(409, SLOT_CODES[reason], said)
        case e.CancellationWindowPassed():
            return Problem(409, "change-too-late", said)
        case e.BookingNotActive():
            return Problem(409, "booking-not-active", said)
        case SeriesRefused():
            return Problem(
                422,
                "invalid-request",
                lambda: _("Some of the request's fields are not valid."),
                errors=[("weeks", said)],
            )
        case e.InvalidInput(what=what):
            return Problem(
                422,
                "invalid-request",
                lambda: _("Some of the request's fields are not valid."),
                errors=[(what, said)],
            )
        case e.NotFound():
            return not_found()
        case e.NotATeacher():
            return Problem(403, "not-a-teacher", said)
    return Problem(403, "forbidden", said)
