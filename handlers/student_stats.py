"""One student's figures, marking past lessons attended or no-show, and their audit trail."""

from __future__ import annotations

import html
from datetime import datetime

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.colours import colour_mark
from bot.domain.model import AuditEvent
from bot.services import stats
from bot.services.analytics import REFUSED_PREFIX, LinkFigures
from bot.services.attendance import mark_attendance
from bot.services.context import Deps
from handlers.keyboards import Row, button, markup
from views.formatting import clock_time, day_label, days, local, when
from views.teacher_callbacks import Attendance, AttendCb, EventsCb, StudentStatsCb

router = Router(name="student_stats")


def card_buttons(student_id: int) -> Row:
    """The student card's row of analytics buttons: Stats and Recent events."""
    return [
        button(_("📊 Stats"), StudentStatsCb(student_id=student_id)),
        button(_("📜 Recent events"), EventsCb(student_id=student_id, page=0)),
    ]


def _refusals() -> dict[str, tuple[str, str]]:
    """Per reason a link opening was refused: its name in a word or two, and its audit phrase."""
    return {
        "unknown": (_("unknown link"), _("Link refused: unknown link")),
        "expired": (_("expired"), _("Link refused: expired")),
        "revoked": (_("turned off"), _("Link refused: turned off")),
        "replaced": (_("replaced"), _("Link refused: replaced by a newer link")),
        "used_up": (_("used up"), _("Link refused: used up")),
        "archived": (_("archived"), _("Link refused: the student is archived")),
        "bound_elsewhere": (_("another account"), _("Link refused: opened by another account")),
        "own_student": (_("opened by you"), _("Link refused: opened by you")),
    }


def refusal_name(reason: str) -> str:
    """A refused link opening's reason in a word or two."""
    name, _phrase = _refusals().get(reason, (reason, ""))
    return name


def _day(moment: datetime | None, zone: str) -> str:
    return day_label(local(moment, zone).date()) if moment else _("never")


def _link_line(figure: LinkFigures, zone: str) -> str:
    link = figure.link
    left = _("unlimited") if figure.uses_left is None else str(figure.uses_left)
    refused = (
        ", ".join(f"{refusal_name(reason)} {n}" for reason, n in figure.refused.items()) or "0"
    )
    opened = ngettext("opened {n} time", "opened {n} times", link.use_count).format(
        n=link.use_count
    )
    return _(
        "• created {created} · expires {expires} · uses left: {left} · {opened}, "
        "last {last} · refused: {refused}"
    ).format(
        created=_day(link.created_at, zone),
        expires=_day(link.expires_at, zone) if link.expires_at else _("never"),
        left=left,
        opened=opened,
        last=_day(link.last_used_at, zone),
        refused=refused,
    )


def _attendance(value: bool | None) -> str:
    return {True: _("attended"), False: _("no-show"), None: _("not marked")}[value]


def figures_view(f: stats.StudentFigures) -> tuple[str, InlineKeyboardMarkup]:
    """The student's numbers, links and past lessons with attendance buttons."""
    c, zone = f.counts, f.timezone
    state = (
        _("active")
        if f.active
        else _("inactive (no activity for {period})").format(period=days(f.inactive_after_days))
    )
    lines = [
        f"{colour_mark(f.student.colour)} <b>{html.escape(f.student.name)}</b> · {state}",
        _("Last activity: {when}").format(when=_day(f.last_activity, zone)),
        _("Bookings made: {made} · lessons taken: {taken} · coming: {coming}").format(
            made=c.made, taken=c.taken, coming=c.upcoming
        ),
        _("Cancelled by the student: {student} (late: {late}) · by you: {teacher}").format(
            student=c.cancelled_by_student, late=c.late, teacher=c.cancelled_by_teacher
        ),
        _("Rescheduled: {moves} · no-shows: {no_shows}").format(
            moves=c.reschedules, no_shows=c.no_shows
        ),
        _("<b>Links</b>"),
        *[_link_line(figure, zone) for figure in f.links],
    ]
    rows: list[Row] = []
    if f.past:
        lines.append(_("<b>Past lessons</b>"))
    for lesson in f.past:
        lines.append(
            f"• {when(lesson.starts_at, lesson.ends_at, zone)} "
            f"{html.escape(lesson.subject)} — {_attendance(lesson.attended)}"
        )
        day = day_label(local(lesson.starts_at, zone).date())
        short = f"{day} {clock_time(lesson.starts_at, zone)}"
        rows.append(
            [
                button(
                    f"✅ {short}",
                    AttendCb(booking_id=lesson.booking_id, attendance=Attendance.ATTENDED),
                ),
                button(
                    f"🚫 {short}",
                    AttendCb(booking_id=lesson.booking_id, attendance=Attendance.NO_SHOW),
                ),
            ]
        )
    rows.append([button(_("📜 Recent events"), EventsCb(student_id=f.student.id, page=0))])
    return "\n".join(lines), markup(rows)


async def send_student_figures(message: Message, figures: stats.StudentFigures) -> None:
    """Answer with a student's figures."""
    text, keyboard = figures_view(figures)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(StudentStatsCb.filter())
async def show(query: CallbackQuery, callback_data: StudentStatsCb, deps: Deps) -> None:
    """A student's figures from the card (ownership is checked by the service)."""
    figures = await stats.student_stats(deps, query.from_user.id, callback_data.student_id)
    assert isinstance(query.message, Message)
    await send_student_figures(query.message, figures)


@router.callback_query(AttendCb.filter())
async def mark(query: CallbackQuery, callback_data: AttendCb, deps: Deps) -> None:
    """Mark a past lesson, then show the student's updated figures."""
    student_id = await mark_attendance(
        deps,
        query.from_user.id,
        callback_data.booking_id,
        callback_data.attendance == Attendance.ATTENDED,
    )
    figures = await stats.student_stats(deps, query.from_user.id, student_id)
    assert isinstance(query.message, Message)
    await send_student_figures(query.message, figures)


def event_phrase(event: str, outcome: str) -> str:
    """An audit event as a teacher reads it ('Link refused: opened by another account')."""
    if event == "link.open" and outcome.startswith(REFUSED_PREFIX):
        _name, phrase = _refusals().get(outcome.removeprefix(REFUSED_PREFIX), ("", ""))
        return phrase or _("Link refused")
    if event == "guardian.open" and outcome.startswith(REFUSED_PREFIX):
        return _("Guardian link refused")
    phrases = {
        ("link.open", "opened"): _("Link opened"),
        ("link.open", "teacher_preview"): _("Link opened by you (preview)"),
        ("link.open", "throttled"): _("Link refused: too many invalid links, paused"),
        ("link.limits", "ok"): _("Link expiry or uses changed"),
        ("link.regenerate", "ok"): _("New link made"),
        ("link.revoke", "ok"): _("Link turned off"),
        ("link.send", "ok"): _("New link sent to the student"),
        ("guardian.link", "ok"): _("Guardian link made"),
        ("guardian.open", "opened"): _("Guardian link opened"),
        ("guardian.remove", "ok"): _("Guardian removed"),
        ("guardian.may_act", "ok"): _("Guardians' permission to book changed"),
        ("student.enrolled", "ok"): _("Student enrolled"),
        ("student.renamed", "ok"): _("Student renamed"),
        ("student.archived", "ok"): _("Student archived"),
        ("student.timezone", "ok"): _("Time zone set"),
        ("booking.made", "ok"): _("Lesson booked"),
        ("booking.cancelled", "ok"): _("Lesson cancelled"),
        ("booking.rescheduled", "ok"): _("Lesson moved"),
        ("booking.attendance", "attended"): _("Marked attended"),
        ("booking.attendance", "no_show"): _("Marked no-show"),
    }
    found = phrases.get((event, outcome))
    if found is not None:
        return found
    # A kind this screen does not know yet: say what happened in general, never the code.
    refused = outcome.startswith("refused") or outcome.startswith(REFUSED_PREFIX)
    return _("A request was refused") if refused else _("Other activity")


def event_line(event: AuditEvent, zone: str, student_tg: int | None, viewer: int) -> str:
    """'Mon, 23 Nov 09:00 · Link opened · the student'."""
    if event.actor_telegram_id is None:
        who = _("the bot")
    elif event.actor_telegram_id == viewer:
        who = _("you")
    elif event.actor_telegram_id == student_tg:
        who = _("the student")
    else:
        who = _("account {id}").format(id=event.actor_telegram_id)
    moment = f"{day_label(local(event.at, zone).date())} {clock_time(event.at, zone)}"
    return f"{moment} · {event_phrase(event.event, event.outcome)} · {who}"


def events_view(page: stats.EventsPage, viewer: int) -> tuple[str, InlineKeyboardMarkup]:
    """One page of events with Newer / Older buttons."""
    s = page.student
    lines = [
        _("<b>Recent events: {name}</b> (page {page})").format(
            name=html.escape(s.name), page=page.page + 1
        )
    ]
    lines += [event_line(e, page.timezone, s.telegram_id, viewer) for e in page.events]
    if not page.events:
        lines.append(_("No events."))
    paging = []
    if page.page > 0:
        paging.append(button(_("◀ Newer"), EventsCb(student_id=s.id, page=page.page - 1)))
    if page.has_next:
        paging.append(button(_("Older ▶"), EventsCb(student_id=s.id, page=page.page + 1)))
    return "\n".join(lines), markup([paging] if paging else [])


@router.callback_query(EventsCb.filter())
async def events(query: CallbackQuery, callback_data: EventsCb, deps: Deps) -> None:
    """A page of a student's audit events (ownership is checked by the service)."""
    page = await stats.student_events(
        deps, query.from_user.id, callback_data.student_id, callback_data.page
    )
    text, keyboard = events_view(page, query.from_user.id)
    assert isinstance(query.message, Message)
    await query.message.answer(text, reply_markup=keyboard)
