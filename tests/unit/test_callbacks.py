"""The callback codec: every button fits Telegram's 64 bytes, and reads back what it packed."""

from __future__ import annotations

import types
import typing
from enum import Enum
from zoneinfo import available_timezones

import pytest
from aiogram.filters.callback_data import MAX_CALLBACK_LENGTH, CallbackData

from bot.services.student_calendar_model import Cursor, Filters, Part
from views import calendar_callbacks, callbacks, teacher_callbacks
from views.calendar_callbacks import (
    ConfirmCb,
    DayCb,
    FilterCb,
    FilterKind,
    InertCb,
    MonthCb,
    Screen,
    SlotCb,
    WeekCb,
    cursor_fields,
    screen_button,
)
from views.callbacks import NUMBER_LIMIT, LessonAction, MyLessonCb
from views.teacher_callbacks import (
    AttendCb,
    BlockCb,
    BlockChoice,
    HomeCb,
    HomeScreen,
    LinkAction,
    LinkCb,
    SettingsNav,
    SettingsNavCb,
    StudentAction,
    StudentCb,
)

CODEC = [
    cls
    for module in (callbacks, calendar_callbacks, teacher_callbacks)
    for cls in vars(module).values()
    if isinstance(cls, type) and issubclass(cls, CallbackData) and cls is not CallbackData
]
# Free-text fields: a zone travels by its IANA name; every other text is a code the bot
# writes itself, the longest of them 'archive_ok'.
LONGEST_TEXT = {"zone": max(available_timezones(), key=len)}
LONGEST_CODE = "archive_ok"


def _longest(cls: type[CallbackData], name: str) -> object:
    """The value of a field that packs to the most bytes."""
    kind = typing.get_type_hints(cls, include_extras=True)[name]
    base = typing.get_args(kind)[0] if typing.get_origin(kind) is typing.Annotated else kind
    if isinstance(kind, types.UnionType):  # an optional field: its value's type
        base = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    if isinstance(base, type) and issubclass(base, Enum):
        return max(base, key=lambda member: len(str(member.value)))
    if base is int:
        return -NUMBER_LIMIT  # the sign makes it the longest number a field accepts
    return LONGEST_TEXT.get(name, LONGEST_CODE)


@pytest.mark.parametrize("cls", CODEC, ids=lambda cls: cls.__name__)
def test_every_button_fits_telegrams_64_bytes_with_its_longest_values(
    cls: type[CallbackData],
) -> None:
    longest = cls(**{name: _longest(cls, name) for name in cls.model_fields})
    packed = longest.pack()  # aiogram refuses to pack more than 64 bytes; say so plainly too
    assert len(packed.encode()) <= MAX_CALLBACK_LENGTH
    assert type(longest).unpack(packed) == longest


def test_a_calendar_button_carries_its_cursor_there_and_back() -> None:
    cursor = Cursor(student_id=7, day=739_000, filters=Filters(2, Part.EVENING), moving=41)
    for button in (WeekCb.at(cursor), MonthCb.at(cursor), DayCb.at(cursor)):
        assert type(button).unpack(button.pack()).cursor == cursor
    confirm = ConfirmCb(**cursor_fields(cursor), slot_id=99)
    read = ConfirmCb.unpack(confirm.pack())
    assert (read.cursor, read.slot_id) == (cursor, 99)
    picker = FilterCb(**cursor_fields(cursor), back=Screen.DAY, kind=FilterKind.PART)
    assert FilterCb.unpack(picker.pack()) == picker
    assert screen_button(Screen.MONTH, cursor) == MonthCb.at(cursor)


def test_actions_travel_as_their_short_codes() -> None:
    assert MyLessonCb(action=LessonAction.CANCEL, booking_id=5).pack() == "ml:y:5"
    assert MyLessonCb.unpack("ml:x:5").action is LessonAction.ASK_CANCEL


@pytest.mark.parametrize(
    ("data", "button"),
    [
        ("home:schedule", HomeCb(screen=HomeScreen.SCHEDULE)),
        ("stu:archive_ok:3", StudentCb(action=StudentAction.ARCHIVE_CONFIRMED, student_id=3)),
        ("lnk:regen_ok:3", LinkCb(action=LinkAction.REGENERATE_CONFIRMED, student_id=3)),
        ("blk:2", BlockCb(choice=BlockChoice.SILENT)),
        ("sn:list:", SettingsNavCb(to=SettingsNav.LIST)),
    ],
)
def test_a_teacher_button_sent_before_the_enums_reads_as_it_did(
    data: str, button: CallbackData
) -> None:
    assert type(button).unpack(data) == button
    assert button.pack() == data


@pytest.mark.parametrize(
    ("cls", "data"),
    [
        (MyLessonCb, "ml:z:5"),  # no such action
        (WeekCb, "cw:1:0:0:7:0"),  # no such part of the day
        (WeekCb, "cw:1:0:0: 1:0"),  # a part of the day that is not a plain number
        (InertCb, "ce:1:0:0:0:0:w:q"),  # no such toast
        (SlotCb, "cs:1:5:0:0:0"),  # a slot button of the layout before the cursor
        (HomeCb, "home:menu"),  # no such screen
        (LinkCb, "lnk:regen_ok_ok:3"),  # no such link action
        (BlockCb, "blk:3"),  # no such answer
        (BlockCb, "blk: 1"),  # an answer that is not a plain number
        (AttendCb, "att:5:2"),  # neither attended nor a no-show
        (SettingsNavCb, "sn:type:colour"),  # no such setting
    ],
)
def test_data_no_button_of_ours_carries_is_not_read(cls: type[CallbackData], data: str) -> None:
    with pytest.raises((TypeError, ValueError)):
        cls.unpack(data)


def test_the_old_month_list_button_opens_todays_month() -> None:
    old = calendar_callbacks.MonthsCb.unpack("cm:3:0:0:0")
    assert old.cursor == Cursor(student_id=3) and old.shows is Screen.MONTH
