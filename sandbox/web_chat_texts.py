"""The web chat page's own words, marked for the catalogs and translated per request."""

from __future__ import annotations

from collections.abc import Callable


def _(text: str) -> str:
    """Mark a text for extraction into the catalogs; it is translated when a page asks."""
    return text


# key (used by the page's script) -> English text (the msgid)
PAGE_TEXTS: dict[str, str] = {
    "title": _("LessonLink demo"),
    "hint": _(
        "Everything here runs on your computer: a stand-in for Telegram and the real bot. "
        "Be a teacher and a student side by side."
    ),
    "people": _("People"),
    "add_person": _("Add a person"),
    "name": _("Name"),
    "language": _("Language"),
    "time_zone": _("Time zone"),
    "add": _("Add"),
    "cancel": _("Cancel"),
    "close": _("Close"),
    "ok": _("OK"),
    "message": _("Message"),
    "send": _("Send"),
    "menu": _("Menu"),
    "no_commands": _("No commands yet: write /start."),
    "clock": _("Bot's clock"),
    "clock_note": _("The buttons move the bot's clock only, never your computer's."),
    "plus_hour": _("+1 hour"),
    "plus_day": _("+1 day"),
    "pick_person": _("Pick a person on the left, or add one, to chat with the bot."),
    "open_link_as": _("Open this link as"),
    "new_person": _("New person"),
    "download": _("Download"),
    "edited": _("edited"),
    "local_time": _("local time {time}"),
    "bad_zone": _("Unknown time zone: use a name such as Europe/Berlin."),
    "bad_name": _("Type a name of 1 to 64 characters."),
    "button_gone": _("This button is no longer in the chat."),
    "too_long": _("A message holds at most 4096 characters."),
    "reconnecting": _("Connection lost, reconnecting…"),
    "mini_app": _("Mini App"),
}

PAGE_LANGUAGES = ("en", "ru")


def page_texts(translate: Callable[[str, str], str], language: str) -> dict[str, str]:
    """Every page text in one language (English where the language has no catalog)."""
    language = language if language in PAGE_LANGUAGES else "en"
    return {key: translate(text, language) for key, text in PAGE_TEXTS.items()}
