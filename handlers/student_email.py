"""A student's email (only with SMTP configured): the address, the notices switch, Send by email."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.mail import BadAddress, MailRefusal, MailRefused
from bot.services import student_email
from bot.services.context import Deps
from handlers.keyboards import Button, button, markup
from handlers.navigation import nav_row, show
from handlers.student_prompt import ask_in_chat, asked_about
from handlers.teacher_onboarding import TYPED
from views.formatting import long_day
from views.mail_callbacks import EmailAction, EmailCb
from views.teacher_callbacks import StudentAction, StudentCb

router = Router(name="student_email")


async def mail_on(_event: object, mail: bool = False) -> bool:
    """Email screens answer only with SMTP configured; a stale press falls through."""
    return mail


router.callback_query.filter(mail_on)
router.message.filter(mail_on)


class EmailForm(StatesGroup):
    """Waiting for a student's email address (the student id is in the state data)."""

    address = State()


def email_button(student_id: int) -> Button:
    """📧 Email, on the student's card."""
    return button(_("📧 Email"), EmailCb(action=EmailAction.SCREEN, student_id=student_id))


def send_by_email_button(student_id: int) -> Button:
    """📧 Send by email, on the link card."""
    return button(
        _("📧 Send by email"), EmailCb(action=EmailAction.SEND_LINK, student_id=student_id)
    )


def email_view(card: student_email.EmailCard) -> tuple[str, InlineKeyboardMarkup]:
    """The student's email screen: the address, whether notices go there, the actions."""
    s, email = card.student, card.email
    sid = s.id
    lines = [_("📧 Email of {name}").format(name=html.escape(s.name))]
    edit = button(_("✏️ Change address"), EmailCb(action=EmailAction.EDIT, student_id=sid))
    rows = []
    if email is None:
        lines.append(_("No address yet. Add one to send the link and lesson notices by email."))
        edit = button(_("✏️ Add address"), EmailCb(action=EmailAction.EDIT, student_id=sid))
        rows.append([edit])
    else:
        lines.append(html.escape(email.address))
        if email.unsubscribed_at is not None:
            day = long_day(email.unsubscribed_at.date())
            lines.append(
                _("The student unsubscribed on {day}: no email goes there.").format(day=day)
            )
        elif email.notices:
            lines.append(_("Lesson notices and reminders also go by email."))
        else:
            lines.append(_("Lesson notices go to Telegram only."))
        switch = (
            button(
                _("🔕 Notices by email off"),
                EmailCb(action=EmailAction.NOTICES_OFF, student_id=sid),
            )
            if email.notices
            else button(
                _("🔔 Notices by email on"), EmailCb(action=EmailAction.NOTICES_ON, student_id=sid)
            )
        )
        remove = button(_("🗑 Remove address"), EmailCb(action=EmailAction.REMOVE, student_id=sid))
        # An address whose owner unsubscribed stays on the card; another one may replace it.
        rows += [[edit]] if email.unsubscribed_at is not None else [[edit, switch], [remove]]
    rows.append(nav_row(back=StudentCb(action=StudentAction.CARD, student_id=sid)))
    return "\n".join(lines), markup(rows)


@router.callback_query(EmailCb.filter(F.action == EmailAction.SCREEN))
async def screen(query: CallbackQuery, callback_data: EmailCb, deps: Deps) -> None:
    """The student's email screen."""
    card = await student_email.email_card(deps, query.from_user.id, callback_data.student_id)
    await show(query, *email_view(card))


@router.callback_query(EmailCb.filter(F.action == EmailAction.EDIT))
async def ask_address(query: CallbackQuery, callback_data: EmailCb, state: FSMContext) -> None:
    """Ask for the address (ownership is checked when it is saved)."""
    question = _("Type the student's email address, e.g. anna@example.com.")
    await ask_in_chat(query, state, EmailForm.address, callback_data.student_id, question)


@router.message(StateFilter(EmailForm.address), TYPED)
async def save_address(message: Message, state: FSMContext, deps: Deps) -> None:
    """Save the typed address, or say it is not one and keep asking."""
    assert message.from_user is not None
    student_id = await asked_about(state)
    try:
        card = await student_email.set_address(
            deps, message.from_user.id, student_id, message.text or ""
        )
    except BadAddress:
        await message.answer(
            _("This is not an email address I can write to. Type it like anna@example.com.")
        )
        return
    await state.clear()
    text, keyboard = email_view(card)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(
    EmailCb.filter(F.action.in_({EmailAction.NOTICES_ON, EmailAction.NOTICES_OFF}))
)
async def switch(query: CallbackQuery, callback_data: EmailCb, deps: Deps) -> None:
    """Turn lesson notices by email on or off."""
    on = callback_data.action == EmailAction.NOTICES_ON
    card = await student_email.set_notices(deps, query.from_user.id, callback_data.student_id, on)
    await show(query, *email_view(card))


@router.callback_query(EmailCb.filter(F.action == EmailAction.REMOVE))
async def remove(query: CallbackQuery, callback_data: EmailCb, deps: Deps) -> None:
    """Forget the address."""
    card = await student_email.remove(deps, query.from_user.id, callback_data.student_id)
    await show(query, *email_view(card))


def _refusal(reason: MailRefusal) -> str:
    texts = {
        MailRefusal.NO_ADDRESS: _(
            "Add the student's email address on their card first (📧 Email)."
        ),
        MailRefusal.UNSUBSCRIBED: _("The student unsubscribed from email, so I cannot mail them."),
        MailRefusal.LINK_NOT_LIVE: _(
            "This link no longer works. Press Regenerate to make a new one."
        ),
    }
    return texts[reason]


@router.callback_query(EmailCb.filter(F.action == EmailAction.SEND_LINK))
async def send_link(query: CallbackQuery, callback_data: EmailCb, deps: Deps) -> None:
    """Mail the link, its QR code and a short explanation to the student."""
    assert query.message is not None
    try:
        _card, address = await student_email.send_link(
            deps, query.from_user.id, callback_data.student_id
        )
    except MailRefused as refused:
        await query.message.answer(_refusal(refused.reason))
        return
    done = _("📧 The link is on its way to {address}.").format(address=html.escape(address))
    await query.message.answer(done)
