"""Inline keyboards as lists of rows: the one way every screen builds its buttons.

Ours rather than aiogram's InlineKeyboardBuilder: the builder places a button by appending
to the last row or by adjust() sizes counted apart from the buttons, while our screens have
rows that come and go (paging, Send, Back/Home) and the tests assert the rows exactly. A list
of rows reads the way the screen looks; `button` does the builder's one convenience (packing
the callback data) and `rows_of` its grid.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

Button = InlineKeyboardButton
Row = list[InlineKeyboardButton]


def button(text: str, data: CallbackData) -> Button:
    """A button that sends `data` back when pressed."""
    return Button(text=text, callback_data=data.pack())


def url_button(text: str, url: str) -> Button:
    """A button that opens `url`."""
    return Button(text=text, url=url)


def rows_of(buttons: Sequence[Button], width: int) -> list[Row]:
    """The buttons in rows of `width`, the last row holding what is left."""
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def markup(rows: Iterable[Row]) -> InlineKeyboardMarkup:
    """The markup of these rows, top to bottom."""
    return InlineKeyboardMarkup(inline_keyboard=list(rows))
