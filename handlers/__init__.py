"""aiogram routers: each parses an update, calls one service and renders the result."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    api_keys,
    availability,
    booking_note,
    calendar_feeds,
    errors,
    exports,
    fallback,
    guardians,
    language,
    ops,
    places,
    prompts,
    schedule,
    series,
    series_teacher,
    start,
    stats,
    student_access,
    student_bookings,
    student_calendar,
    student_email,
    student_home,
    student_stats,
    teacher_booking,
    teacher_home,
    teacher_link_changes,
    teacher_links,
    teacher_notes,
    teacher_onboarding,
    teacher_settings,
    teacher_students,
    time_off,
    waitlist,
)
from handlers.press_answers import PressAnswers
from handlers.typed_text import TypedTextGuard


def build_router() -> Router:
    """Every feature router, in the order they get a chance to match; fallback last."""
    root = Router(name="lessonlink")
    routers = (
        errors.router,
        guardians.router,  # before student_access and start: /start with a guardian link
        student_access.router,
        student_home.router,
        student_calendar.router,
        booking_note.router,
        student_bookings.router,
        waitlist.router,
        series.router,
        teacher_onboarding.router,
        teacher_home.router,
        teacher_settings.router,
        api_keys.router,
        availability.router,
        time_off.router,
        teacher_students.router,
        student_email.router,
        teacher_booking.router,
        teacher_links.router,
        teacher_link_changes.router,
        schedule.router,
        places.router,
        teacher_notes.router,
        series_teacher.router,
        stats.router,
        student_stats.router,
        exports.router,
        calendar_feeds.router,
        ops.router,
        language.router,
        guardians.returning,
        start.router,
        fallback.router,
    )
    for router in routers:
        _detach(router)
    root.include_routers(*routers)
    # Outside every feature router, so the rule holds for all typed text in one place.
    root.message.outer_middleware(TypedTextGuard())
    # Inner, on the root: applies to every handler below, and runs after the handler.
    root.callback_query.middleware(PressAnswers())
    prompts.install(root)  # outside every feature router: one rule for all prompts
    return root


def _detach(router: Router) -> None:
    """Module routers are singletons: let a new application (a second test) attach them again."""
    parent = router.parent_router
    if parent is not None:
        parent.sub_routers.remove(router)
        router._parent_router = None
