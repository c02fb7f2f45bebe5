"""/students (paged roster), the student card, Rename and Archive (/addstudent: teacher_links)."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.colours import colour_mark
from bot.services import students
from bot.services.context import Deps
from handlers.guardians import guardians_button
from handlers.keyboards import button, markup
from handlers.navigation import nav_row, present, show
from handlers.series_teacher import series_button
from handlers.student_email import email_button
from handlers.student_prompt import ask_in_chat, asked_about
from handlers.student_stats import card_buttons
from handlers.teacher_booking import card_rows
from handlers.teacher_links import send_link_button
from handlers.teacher_onboarding import TYPED
from views.formatting import clock_time, local, long_day, sentence, when
from views.teacher_callbacks import LinkAction, LinkCb, RosterCb, StudentAction, StudentCb

router = Router(name="teacher_students")


class RenameForm(StatesGroup):
    """Waiting for a student's new name (the student id is in the state data)."""

    name = State()


def roster_view(page: students.Roster) -> tuple[str, InlineKeyboardMarkup]:
    """One roster page: a line and a button per student, and paging."""
    lines = [_("<b>Your students</b> ({total})").format(total=page.total)]
    if not page.entries:
        lines.append(_("No students yet. Enroll one with <code>/addstudent Anna</code>."))
    rows = []
    for entry in page.entries:
        mark, name = colour_mark(entry.student.colour), entry.student.name
        opened = _("link opened") if entry.opened else _("link not opened yet")
        coming = ngettext("{n} lesson coming", "{n} lessons coming", entry.upcoming)
        lines.append(f"{mark} {html.escape(name)} · {opened} · {coming.format(n=entry.upcoming)}")
        card = StudentCb(action=StudentAction.CARD, student_id=entry.student.id)
        rows.append([button(f"{mark} {name}", card)])
    paging = []
    if page.page > 0:
        paging.append(button(_("◀ Previous"), RosterCb(page=page.page - 1)))
    if page.page + 1 < page.pages:
        paging.append(button(_("Next ▶"), RosterCb(page=page.page + 1)))
    if paging:
        rows.append(paging)
        lines.append(_("Page {page} of {pages}").format(page=page.page + 1, pages=page.pages))
    rows.append(nav_row())
    return "\n".join(lines), markup(rows)


@router.message(Command("students"))
@router.callback_query(RosterCb.filter())
async def roster(
    event: Message | CallbackQuery, deps: Deps, callback_data: RosterCb | None = None
) -> None:
    """The roster's first page (/students), or another page in the same message."""
    assert event.from_user is not None
    page = callback_data.page if callback_data else 0
    await present(event, *roster_view(await students.roster(deps, event.from_user.id, page)))


def card_view(card: students.StudentCard, mail: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """A student's card: link state, coming lessons, usage numbers and actions."""
    s, link = card.student, card.link.link
    lines = [f"{colour_mark(s.colour)} <b>{html.escape(s.name)}</b>" + _their_time(card)]
    if link is not None:
        last = long_day(link.last_used_at.date()) if link.last_used_at else _("never")
        opened = ngettext(
            "Link opened {n} time, last: {last}",
            "Link opened {n} times, last: {last}",
            link.use_count,
        )
        lines.append(opened.format(n=link.use_count, last=last))
    if card.guardians:
        names = ", ".join(html.escape(name) for name in card.guardians)
        lines.append(_("👪 Guardians: {names}").format(names=names))
    taken = _("Lessons taken: {done} · cancelled: {cancelled}")
    lines.append(taken.format(done=card.lessons_done, cancelled=card.cancelled))
    if card.upcoming:
        lines.append(_("Coming lessons:"))
        lines += [
            f"• {when(u.starts_at, u.ends_at, card.timezone)} {html.escape(u.subject)}"
            for u in card.upcoming
        ]
    else:
        lines.append(_("No lessons booked."))
    rows = [
        [
            button(_("🔗 Link"), LinkCb(action=LinkAction.CARD, student_id=s.id)),
            button(_("✏️ Rename"), StudentCb(action=StudentAction.RENAME, student_id=s.id)),
        ],
        # Booking first: book, weekly, extra, then move or cancel each coming lesson.
        *card_rows(s.id, card.upcoming, card.timezone, series_button(s.id)),
        card_buttons(s.id),  # 📊 Stats, 📜 Recent events
        guardians_button(s.id),  # 👪 who is connected, guardian links, the may-book switch
        [button(_("🗄 Archive"), StudentCb(action=StudentAction.ARCHIVE, student_id=s.id))],
    ]
    if mail:  # only with SMTP configured
        rows[-1].append(email_button(s.id))
    if s.telegram_id:
        rows.append([send_link_button(s.id)])
    rows.append(nav_row(back=RosterCb(page=0)))
    return "\n".join(lines), markup(rows)


def _their_time(card: students.StudentCard) -> str:
    """' · Europe/Moscow, now 14:05' when the student's clock differs from the teacher's."""
    zone, now = card.student_zone, card.now
    if (
        zone is None
        or now is None
        or local(now, zone).utcoffset() == local(now, card.timezone).utcoffset()
    ):
        return ""
    return " · " + _("{zone}, now {time}").format(zone=zone, time=clock_time(now, zone))


@router.callback_query(StudentCb.filter(F.action == StudentAction.CARD))
async def show_card(
    query: CallbackQuery, callback_data: StudentCb, deps: Deps, mail: bool = False
) -> None:
    """Open a student's card."""
    card = await students.student_card(deps, query.from_user.id, callback_data.student_id)
    await show(query, *card_view(card, mail))


@router.callback_query(StudentCb.filter(F.action == StudentAction.RENAME))
async def ask_name(query: CallbackQuery, callback_data: StudentCb, state: FSMContext) -> None:
    """Ask for the new name (ownership is checked when it is saved)."""
    question = _("Type the new name.")
    await ask_in_chat(query, state, RenameForm.name, callback_data.student_id, question)


@router.message(StateFilter(RenameForm.name), TYPED)
async def rename(message: Message, state: FSMContext, deps: Deps) -> None:
    """Save the new name."""
    assert message.from_user is not None
    student_id = await asked_about(state)
    student = await students.rename(deps, message.from_user.id, student_id, message.text or "")
    await state.clear()
    await message.answer(sentence(_("✅ Renamed to {name}").format(name=html.escape(student.name))))


@router.callback_query(StudentCb.filter(F.action == StudentAction.ARCHIVE))
async def ask_archive(query: CallbackQuery, callback_data: StudentCb) -> None:
    """Archiving ends the link and cancels coming lessons: ask first."""
    sid = callback_data.student_id
    yes_no = [
        button(
            _("Yes, archive"), StudentCb(action=StudentAction.ARCHIVE_CONFIRMED, student_id=sid)
        ),
        button(_("No"), StudentCb(action=StudentAction.CARD, student_id=sid)),
    ]
    assert query.message is not None
    await query.message.answer(
        _("Archive this student? Their link stops working and coming lessons are cancelled."),
        reply_markup=markup([yes_no]),
    )


@router.callback_query(StudentCb.filter(F.action == StudentAction.ARCHIVE_CONFIRMED))
async def archive(query: CallbackQuery, callback_data: StudentCb, deps: Deps) -> None:
    """Archive after confirmation."""
    cancelled = await students.archive(
        deps, query.from_user.id, callback_data.student_id, confirmed=True
    )
    done = ngettext("{n} lesson was cancelled.", "{n} lessons were cancelled.", cancelled)
    # In place of the question: its Yes/No buttons are answered and must not archive again.
    text = _("🗄 Archived.") + " " + done.format(n=cancelled)
    await show(query, text, markup([nav_row(RosterCb(page=0))]))
