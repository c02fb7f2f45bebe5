"""The link card of /addstudent and /link: Share, QR code, limits, Send (Regenerate and Revoke:
teacher_link_changes)."""

from __future__ import annotations

import html
import io
from urllib.parse import quote

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.colours import colour_mark
from bot.domain.errors import LinkRefusal
from bot.domain.links import LIMIT_CHOICES, LinkLimit
from bot.services import links, students
from bot.services.context import Deps
from handlers.keyboards import Button, Row, button, markup, url_button
from handlers.mini_app import OFF, MiniApp
from handlers.student_email import send_by_email_button
from views.formatting import days, long_day
from views.teacher_callbacks import LinkAction, LinkCb, LinkLimitCb, StudentAction, StudentCb

router = Router(name="teacher_links")


def deep_link(bot_username: str, token: str) -> str:
    """The link a student taps: it opens the bot with /start <token>."""
    return f"https://t.me/{bot_username}?start={token}"


def qr_png(text: str) -> bytes:
    """A QR code of the text as PNG bytes."""
    import qrcode  # here, not at start: with Pillow 4 MB a worker rarely needs

    # The 4-module quiet zone the QR standard requires: scanners rely on it.
    image = qrcode.make(text, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def _state(card: links.LinkCard) -> str:
    texts = {
        LinkRefusal.EXPIRED: _("expired"),
        LinkRefusal.REVOKED: _("turned off"),
        LinkRefusal.REPLACED: _("replaced by a newer link"),
        LinkRefusal.USED_UP: _("used up"),
    }
    return texts.get(card.refusal, _("not active")) if card.refusal else _("active")


def opened_text(n: int, limit: int | None) -> str:
    """'Opened 1 of 3 times', or 'Opened 2 times · no limit' when uses are unlimited."""
    if not limit:
        return ngettext("Opened {n} time · no limit", "Opened {n} times · no limit", n).format(n=n)
    # The count of times is the limit's, so the plural form follows the limit.
    opened = ngettext("Opened {n} of {limit} time", "Opened {n} of {limit} times", limit)
    return opened.format(n=n, limit=limit)


def link_text(card: links.LinkCard, bot_username: str, mini_app: MiniApp = OFF) -> str:
    """The card's text: who, the link itself (and its Mini App form), expiry and uses."""
    who = f"{colour_mark(card.student.colour)} {html.escape(card.student.name)}"
    lines = [_("🔗 Booking link for {who}: <b>{state}</b>").format(who=who, state=_state(card))]
    if card.token:
        lines.append(deep_link(bot_username, card.token))
        if app_link := mini_app.direct_link(bot_username, card.token):
            lines.append(_("📱 The same link opening the Mini App: {link}").format(link=app_link))
    lines.append(where_it_opens(card, mini_app.base))
    if card.link is not None:
        expiry = long_day(card.link.expires_at.date()) if card.link.expires_at else _("never")
        uses = opened_text(card.link.use_count, card.link.max_uses)
        lines.append(_("Expires: {expiry}").format(expiry=expiry) + " · " + uses)
        if card.link.max_uses:
            bound = _(
                "Uses count openings before the link is bound to {name}'s account; "
                "{name}'s own re-openings never use it up."
            )
            lines.append(bound.format(name=html.escape(card.student.name)))
    lines.append(
        _("Opened by the student: yes") if card.student.telegram_id else _("Not opened yet.")
    )
    if card.token is None:
        lines.append(_("Press Regenerate to make a new link."))
    return "\n".join(lines)


def where_it_opens(card: links.LinkCard, public_url: str) -> str:
    """Whether the link also opens the portal in a plain browser, and at which address."""
    if not card.browser:
        return _("Opens in Telegram only.")
    if not public_url:
        return _("Also opens in a browser, once the bot's public address is set.")
    if not card.token:
        return _("Also opens in a browser.")
    url = f"{public_url.rstrip('/')}/book/{card.student.teacher_id}/{card.token}"
    return _("Also opens in a browser: {url}").format(url=html.escape(url))


def link_keyboard(
    card: links.LinkCard, bot_username: str, mail: bool = False
) -> InlineKeyboardMarkup:
    """Share, QR, Regenerate, Revoke, limits, Send (once the student used the bot), by email."""
    sid = card.student.id
    regenerate = button(_("🔄 Regenerate"), LinkCb(action=LinkAction.REGENERATE, student_id=sid))
    rows: list[Row] = [[regenerate]]
    if card.token:
        url = deep_link(bot_username, card.token)
        text = _("Your booking link for lessons")
        share = f"https://t.me/share/url?url={quote(url, safe='')}&text={quote(text, safe='')}"
        rows = [
            [
                url_button(_("📤 Share"), share),
                button(_("🔳 QR code"), LinkCb(action=LinkAction.QR, student_id=sid)),
            ],
            [regenerate, button(_("⛔ Revoke"), LinkCb(action=LinkAction.REVOKE, student_id=sid))],
            [button(_("⚙️ Expiry and uses"), LinkCb(action=LinkAction.LIMITS, student_id=sid))],
        ]
        if mail:  # only with SMTP configured
            rows.append([send_by_email_button(sid)])
    if card.student.telegram_id:
        rows.append([send_link_button(sid)])
    return markup(rows)


def send_link_button(student_id: int) -> Button:
    """✉️ Send new link to the student (who has used the bot): on the link and student cards."""
    send = StudentCb(action=StudentAction.SEND_LINK, student_id=student_id)
    return button(_("✉️ Send new link to the student"), send)


async def send_card(
    to: Message | CallbackQuery,
    card: links.LinkCard,
    bot_username: str,
    mini_app: MiniApp,
    mail: bool = False,
) -> None:
    """Answer with the link card: a new message below the one typed or pressed."""
    message = to.message if isinstance(to, CallbackQuery) else to
    assert message is not None
    await message.answer(
        link_text(card, bot_username, mini_app),
        reply_markup=link_keyboard(card, bot_username, mail),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


# Commands that take a student's name and answer with that student's link card.
BY_NAME = {"addstudent": students.enroll, "link": links.card}


def by_name_usage(command: str) -> str:
    """How to write /addstudent or /link."""
    if command == "addstudent":
        return _("Type the student's name: <code>/addstudent Anna</code>")
    return _("Type the student's name: <code>/link Anna</code>. See /students.")


@router.message(Command(*BY_NAME))
async def card_by_name(
    message: Message,
    command: CommandObject,
    deps: Deps,
    bot_username: str,
    mini_app: MiniApp,
    mail: bool = False,
) -> None:
    """/addstudent Anna enrolls Anna, /link Anna finds her: either way, her link card."""
    assert message.from_user is not None
    if not command.args:
        await message.answer(by_name_usage(command.command))
        return
    card = await BY_NAME[command.command](deps, message.from_user.id, command.args)
    await send_card(message, card, bot_username, mini_app, mail)


@router.callback_query(LinkCb.filter(F.action == LinkAction.CARD))
@router.callback_query(StudentCb.filter(F.action == StudentAction.SEND_LINK))
async def show_link(
    query: CallbackQuery,
    callback_data: LinkCb | StudentCb,
    deps: Deps,
    bot_username: str,
    mini_app: MiniApp,
    mail: bool = False,
) -> None:
    """The link card from a student's card; ✉️ Send first queues a new link into their chat."""
    uid, sid = query.from_user.id, callback_data.student_id
    if isinstance(callback_data, StudentCb):
        card = await links.send_to_student(deps, uid, sid)
        assert query.message is not None
        await query.message.answer(_("✉️ A new link is on its way to the student."))
    else:
        card = await links.card(deps, uid, sid)
    await send_card(query, card, bot_username, mini_app, mail)


@router.callback_query(LinkCb.filter(F.action == LinkAction.QR))
async def qr(
    query: CallbackQuery,
    callback_data: LinkCb,
    deps: Deps,
    bot_username: str,
    mini_app: MiniApp,
) -> None:
    """Send the link as a QR code photo."""
    card = await links.card(deps, query.from_user.id, callback_data.student_id)
    assert query.message is not None
    if card.token is None:
        await query.message.answer(link_text(card, bot_username, mini_app))
        return
    photo = BufferedInputFile(qr_png(deep_link(bot_username, card.token)), filename="link.png")
    caption = _("QR code of the booking link for {name}").format(
        name=html.escape(card.student.name)
    )
    await query.message.answer_photo(photo, caption=caption)


@router.callback_query(LinkCb.filter(F.action == LinkAction.LIMITS))
async def limits(query: CallbackQuery, callback_data: LinkCb, deps: Deps) -> None:
    """Offer expiry and maximum-uses choices for this link."""
    card = await links.card(deps, query.from_user.id, callback_data.student_id)
    sid = card.student.id

    def label(limit: LinkLimit, value: int) -> str:
        if value == 0:
            return _("never expires") if limit == LinkLimit.EXPIRY else _("unlimited uses")
        if limit == LinkLimit.EXPIRY:
            return days(value)
        return ngettext("{n} use", "{n} uses", value).format(n=value)

    rows = [
        [
            button(label(limit, v), LinkLimitCb(student_id=sid, limit=limit, value=v))
            for v in choices
        ]
        for limit, choices in LIMIT_CHOICES.items()
    ]
    assert query.message is not None
    await query.message.answer(
        _("Choose how long this link lasts (from now) and how many times it may be opened."),
        reply_markup=markup(rows),
    )


@router.callback_query(LinkLimitCb.filter())
async def set_limit(
    query: CallbackQuery,
    callback_data: LinkLimitCb,
    deps: Deps,
    bot_username: str,
    mini_app: MiniApp,
    mail: bool = False,
) -> None:
    """Apply one limit (the other stays as it is) and show the card."""
    card = await links.set_limit(
        deps, query.from_user.id, callback_data.student_id, callback_data.limit, callback_data.value
    )
    await send_card(query, card, bot_username, mini_app, mail)
