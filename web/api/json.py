"""How the student endpoints write their answers: times in UTC with Z, never another's data."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.series import week_choices
from bot.services.portal import Portal
from bot.services.portal_booking import OwnLesson, PortalSlot
from bot.services.student_calendar_model import SlotState

STATES = {SlotState.FREE: "available", SlotState.FULL: "booked", SlotState.MINE: "mine"}


def iso(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 in UTC with Z (None stays None)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def portal_json(opened: Portal, language: str) -> dict[str, object]:
    """GET /api/booking/{token}."""
    entry = opened.entry
    settings = entry.teacher.settings
    choices = week_choices(settings)
    return {
        "student": {"id": entry.student.id, "name": entry.student.name},
        "teacher": {
            "id": entry.teacher.id,
            "name": entry.teacher.display_name,
            "zone": settings.timezone,
        },
        "zone": entry.zone,
        "language": language,
        "policy": {
            "cancel_window_minutes": settings.cancel_window_minutes,
            "undo_minutes": settings.grace_minutes,
            "advance_minutes": settings.advance_notice_minutes,
            "horizon_days": settings.horizon_days,
            "series_enabled": settings.series_enabled,
            "series_max_weeks": settings.series_max_weeks if settings.series_enabled else 0,
            "series_weeks": [w for w in choices if w],
        },
        "subjects": opened.subjects,
    }


def slot_json(slot: PortalSlot) -> dict[str, object]:
    """One slot of the calendar: who else holds a seat is never said."""
    view = slot.view
    return {
        "id": view.slot_id,
        "starts_at": iso(view.starts_at),
        "ends_at": iso(view.ends_at),
        "subject": view.subject,
        "state": STATES[view.state],
        "seats": view.capacity,
        "seats_left": view.free,
        "booking_id": slot.booking_id,
    }


def booking_json(own: OwnLesson) -> dict[str, object]:
    """A Booking."""
    lesson = own.lesson
    return {
        "id": lesson.booking_id,
        "slot_id": lesson.slot_id,
        "starts_at": iso(lesson.starts_at),
        "ends_at": iso(lesson.ends_at),
        "subject": lesson.subject,
        "teacher": {"id": lesson.teacher_id, "name": lesson.teacher_name},
        "status": lesson.status.value,
        "change_deadline": iso(lesson.change_deadline),
        "undo_until": iso(lesson.undo_until),
        "may_change": own.may_change,
        "series_id": lesson.series_id,
        "place": lesson.place,
        "teacher_note": lesson.teacher_note,
        "student_note": lesson.student_note,
    }
