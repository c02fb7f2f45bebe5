"""The /settings screens as pure functions: settings -> (text, keyboard), in the viewer's language.

Every button carries everything its press needs (the setting and the value itself), so a
press on an old message does exactly what its label says.
"""

from __future__ import annotations

import html
from datetime import time as time_of_day

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.model import TeacherSettings
from bot.domain.teacher_settings import (
    CHOICES,
    MAX_LEADS,
    MULTI_CHOICE,
    TOGGLES,
    Setting,
    Value,
    choice_code,
    current_value,
    toggled_leads,
)
from bot.domain.zones import zone_label
from handlers.keyboards import Button, Row, button, markup, rows_of
from handlers.navigation import nav_row
from views.place_callbacks import PlaceAction, PlaceCb, PlaceTarget
from views.teacher_callbacks import (
    ApiKeyAction,
    ApiKeyCb,
    SettingCb,
    SettingsNav,
    SettingsNavCb,
    SettingValueCb,
)

CHOICES_PER_ROW = 3


def _entries() -> list[tuple[Setting, str]]:
    """(setting, emoji and name) in the order the settings list shows them."""
    return [
        (Setting.TIMEZONE, "🌍 " + _("Time zone")),
        (Setting.SLOT_MINUTES, "⏱ " + _("Default lesson length")),
        (Setting.ADVANCE_NOTICE, "⏰ " + _("Advance notice")),
        (Setting.HORIZON, "📅 " + _("Booking horizon")),
        (Setting.CANCEL_WINDOW, "↩️ " + _("Cancellation window")),
        (Setting.GRACE, "⏪ " + _("Undo period after booking")),
        (Setting.BUFFER, "☕ " + _("Buffer between lessons")),
        (Setting.LINK_EXPIRY, "⌛ " + _("Link expiry")),
        (Setting.LINK_USES, "🔗 " + _("Link uses")),
        (Setting.REMINDERS, "🛎 " + _("Reminders")),
        (Setting.AGENDA, "🗓 " + _("Daily agenda")),
        (Setting.NOTIFICATIONS, "🔔 " + _("Notifications")),
        (Setting.TEACHER_REMINDERS, "📌 " + _("Reminders to you")),
        (Setting.INACTIVE_AFTER, "💤 " + _("Inactive after")),
        (Setting.SERIES, "🔁 " + _("Weekly lessons")),
        (Setting.WAITLIST_HOLD, "🎟 " + _("Waitlist hold")),
        (Setting.BROWSER_LINKS, "🌐 " + _("Links also work in a plain browser")),
    ]


def title(key: Setting) -> str:
    """A setting's emoji and name."""
    return dict(_entries())[key]


def days(n: int) -> str:
    """A number of days, with its plural form."""
    return ngettext("{n} day", "{n} days", n).format(n=n)


def duration(minutes: int) -> str:
    """Minutes as the teacher thinks of them: '15 min', '2 h', '1 h 30 min', '3 days'."""
    if minutes > 48 * 60 and minutes % (24 * 60) == 0:
        return days(minutes // (24 * 60))
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return _("{n} h").format(n=hours)
    if hours == 0:
        return _("{n} min").format(n=rest)
    return _("{h} h {m} min").format(h=hours, m=rest)


def show_value(key: Setting, value: Value | str | bool) -> str:
    """One value of a setting, with its unit (or 'off', 'never', 'unlimited')."""
    if isinstance(value, bool):
        return _("on") if value else _("off")
    if isinstance(value, str):
        return zone_label(value) if key == Setting.TIMEZONE else value  # Etc/GMT-3 is UTC+3
    if isinstance(value, time_of_day):
        return value.strftime("%H:%M")
    if isinstance(value, tuple):
        return ", ".join(duration(lead) for lead in value) or _("off")
    if value is None:
        return {Setting.LINK_EXPIRY: _("never"), Setting.LINK_USES: _("unlimited")}.get(
            key, _("off")
        )
    if key in {Setting.HORIZON, Setting.INACTIVE_AFTER, Setting.LINK_EXPIRY}:
        return days(value)
    if key == Setting.LINK_USES:
        return ngettext("{n} use", "{n} uses", value).format(n=value)
    if key == Setting.SERIES:
        return ngettext("up to {n} week", "up to {n} weeks", value).format(n=value)
    if key in {Setting.GRACE, Setting.BUFFER} and value == 0:
        return _("off")
    return duration(value)


def settings_screen(settings: TeacherSettings, note: str = "") -> tuple[str, InlineKeyboardMarkup]:
    """The settings list: one button per setting with its value; switches flip on a press."""
    rows: list[Row] = []
    for key, name in _entries():
        value = current_value(settings, key)
        label = f"{name}: {show_value(key, value)}"
        if key in TOGGLES:
            rows.append([_button(label, key, not value)])
        else:
            rows.append([button(label, SettingCb(setting=key))])
    places = PlaceCb(action=PlaceAction.LIST, target=PlaceTarget.DEFAULT)
    rows.append([button("📍 " + _("Where lessons take place"), places)])
    rows.append([button("🔑 " + _("API keys"), ApiKeyCb(action=ApiKeyAction.LIST))])
    rows.append(nav_row())  # Back from the list is home
    text = "⚙️ " + _("<b>Settings</b>") + "\n" + _("Tap a setting to change it.")
    return (note + "\n\n" + text if note else text), markup(rows)


def entry_screen(settings: TeacherSettings, key: Setting) -> tuple[str, InlineKeyboardMarkup]:
    """One setting: its value now, the common values (the current one ✓), type another, back."""
    now = current_value(settings, key)
    offered = (_choice(key, now, value) for value in CHOICES.get(key, ()))
    buttons = [b for b in offered if b is not None]
    rows = rows_of(buttons, CHOICES_PER_ROW)
    if key in MULTI_CHOICE:
        none = "✓ " + _("none") if now == () else _("none")
        rows.append([_button(none, key, None)])
    typed = SettingsNavCb(to=SettingsNav.TYPE, setting=key)
    rows.append([button("✏️ " + _("Type another value"), typed)])
    rows.append(nav_row(SettingsNavCb(to=SettingsNav.LIST)))
    lines = [
        f"<b>{title(key)}</b>",
        _("Now: {value}").format(value=html.escape(show_value(key, now))),
    ]
    if key in MULTI_CHOICE:
        lines.append(_("Tap to add or remove; up to {n}.").format(n=MAX_LEADS))
    return "\n".join(lines), markup(rows)


def typed_screen(key: Setting, question: str) -> tuple[str, InlineKeyboardMarkup]:
    """The question for a typed value, with a way back to the setting's buttons."""
    text = f"<b>{title(key)}</b>\n{question}"
    return text, markup([nav_row(SettingCb(setting=key))])


def _choice(key: Setting, now: object, value: Value) -> Button | None:
    """The button for one common value; None for a lead that would pass MAX_LEADS."""
    if key in MULTI_CHOICE and isinstance(now, tuple) and isinstance(value, int):
        chosen = value in now
        if not chosen and len(now) >= MAX_LEADS:
            return None
        label = ("✓ " if chosen else "") + duration(value)
        return _button(label, key, toggled_leads(now, value))
    label = show_value(key, value)
    return _button("✓ " + label if value == now else label, key, value)


def _button(label: str, key: Setting, value: Value) -> Button:
    """A button that sets `key` to `value`."""
    return button(label, SettingValueCb(setting=key, value=choice_code(value)))
