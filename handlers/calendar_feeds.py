"""Calendar feeds in the chat: a subscription address (teacher and student) and, for the
teacher, their own calendar whose busy time blocks their hours (/busycalendar)."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services import busy_calendar, calendar_feeds
from bot.services.busy_calendar import BusyCalendarState
from bot.services.calendar_feeds import FEED_PATH, FeedState
from bot.services.context import Deps
from handlers.keyboards import Row, button, markup
from handlers.navigation import Keyboard, nav_row, present
from handlers.student_views import home_row
from views.callbacks import FeedAction, FeedCb
from views.formatting import day_time, long_day

router = Router(name="calendar_feeds")


def subscribe_button(student_id: int = 0) -> Row:
    """The row opening the subscription screen (the teacher's own with student_id 0)."""
    data = FeedCb(action=FeedAction.SHOW, student_id=student_id)
    return [button(_("📆 Subscribe in your calendar"), data)]


def feed_screen(state: FeedState, base: str, student_id: int) -> tuple[str, Keyboard]:
    """The subscription screen: the address just made, or whether one is live."""
    back = nav_row() if student_id == 0 else home_row(student_id)
    title = _("📆 <b>Subscribe in your calendar</b>")
    if not base:
        said = _(
            "The server's public address is not configured, so calendar subscriptions are "
            "not available yet."
        )
        return f"{title}\n\n{said}", markup([back])

    def act(text: str, action: FeedAction) -> Row:
        return [button(text, FeedCb(action=action, student_id=student_id))]

    if state.token:
        address = base + FEED_PATH.format(token=state.token)
        lines = [
            _(
                "Add this address as a calendar subscription: Google Calendar (Other calendars → "
                "From URL), Apple Calendar (File → New Calendar Subscription) or Outlook (Add "
                "calendar → Subscribe from web). Your lessons then appear there and stay up to "
                "date."
            ),
            f"<code>{html.escape(address)}</code>",
            _(
                "Keep it private: anyone with it sees these lessons. It is shown only now; if "
                "you lose it, make a new one (this one then stops working)."
            ),
        ]
        rows = [act(_("🔄 New address"), FeedAction.NEW), act(_("🚫 Turn off"), FeedAction.OFF)]
    elif state.live_since:
        lines = [
            _(
                "Your subscription address is on since {day} and was read {n} times. For your "
                "safety it was shown only once; make a new one to see an address again (the "
                "old one then stops working)."
            ).format(day=long_day(state.live_since.date()), n=state.uses)
        ]
        rows = [act(_("🔄 New address"), FeedAction.NEW), act(_("🚫 Turn off"), FeedAction.OFF)]
    else:
        lines = [
            _(
                "Get a private address that Google Calendar, Apple Calendar or Outlook keep up "
                "to date with your lessons: new ones appear, moved ones move, cancelled ones go."
            )
        ]
        rows = [act(_("➕ Make my address"), FeedAction.NEW)]
    return "\n\n".join([title, *lines]), markup([*rows, back])


@router.callback_query(FeedCb.filter())
async def feed_button(
    query: CallbackQuery, callback_data: FeedCb, deps: Deps, public_url: str
) -> None:
    """Show, make anew or turn off the presser's own subscription address."""
    who, sid = query.from_user.id, callback_data.student_id
    if callback_data.action == FeedAction.NEW and public_url:
        state = await calendar_feeds.new_address(deps, who, sid)
    elif callback_data.action == FeedAction.OFF:
        await calendar_feeds.turn_off(deps, who, sid)
        state = FeedState(None, 0)
    else:
        state = await calendar_feeds.state(deps, who, sid)
    await present(query, *feed_screen(state, public_url, sid))


def busy_screen(state: BusyCalendarState) -> str:
    """What /busycalendar says: how to give a calendar, or how the given one is doing."""
    if not state.connected:
        return _(
            "📆 <b>Your own calendar</b>\n\nBusy events of the calendar you already use can "
            "hide those times from your students. Send /busycalendar followed by its secret "
            "address in iCal format (Google: calendar settings → Secret address in iCal "
            "format; iCloud: share → Public Calendar; Outlook: Publish calendar → ICS). "
            "Lessons already booked are never cancelled: you are told about clashes."
        )
    read = day_time(state.ok_at, state.timezone) if state.ok_at else _("not yet")
    lines = [
        _("📆 <b>Your own calendar</b> blocks your hours."),
        _("Last read: {when}.").format(when=read),
        ngettext(
            "{n} busy stretch to come.", "{n} busy stretches to come.", state.stretches
        ).format(n=state.stretches),
    ]
    if state.failures:
        lines.append(
            ngettext(
                "The last {n} attempt to read it failed; its last good copy still applies.",
                "The last {n} attempts to read it failed; its last good copy still applies.",
                state.failures,
            ).format(n=state.failures)
        )
    lines.append(_("Send /busycalendar off to stop, or a new address to replace it."))
    return "\n".join(lines)


@router.message(Command("busycalendar"))
async def busy_command(message: Message, command: CommandObject, deps: Deps) -> None:
    """/busycalendar [address | off]: give, remove or check the teacher's own calendar."""
    assert message.from_user is not None
    who, args = message.from_user.id, (command.args or "").strip()
    if args.lower() == "off":
        gone = await busy_calendar.disconnect(deps, who)
        said = (
            _("Your calendar no longer blocks your hours.")
            if gone
            else _("No calendar of yours was set.")
        )
        await message.answer(said)
        return
    if args:
        await busy_calendar.connect(deps, who, args)
        await message.answer(
            _(
                "📆 Calendar saved. I read it within a few minutes; its busy times are then not "
                "offered to students."
            )
        )
        return
    await message.answer(busy_screen(await busy_calendar.state(deps, who)))
