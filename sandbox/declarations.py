"""Our own declaration of the Bot API methods and types the sandbox implements.

Only the fields we support are listed; each carries the Bot API type strings and the required
flag exactly as the official documentation states them, which the conformance test checks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Field:
    """One declared parameter: its name, Bot API type strings and whether it is required."""

    name: str
    types: tuple[str, ...]
    required: bool = False


def _f(name: str, *types: str, required: bool = False) -> Field:
    """Shorthand for a declared field."""
    return Field(name, types, required)


INT = "Integer"
STR = "String"
BOOL = "Boolean"
CHAT_ID = _f("chat_id", INT, STR, required=True)
REPLY_MARKUP_ANY = _f(
    "reply_markup",
    "InlineKeyboardMarkup",
    "ReplyKeyboardMarkup",
    "ReplyKeyboardRemove",
    "ForceReply",
)
_SEND_COMMON = (
    _f("message_thread_id", INT),
    _f("parse_mode", STR),
    _f("disable_notification", BOOL),
    _f("protect_content", BOOL),
    _f("reply_parameters", "ReplyParameters"),
    REPLY_MARKUP_ANY,
)
_SCOPE_LANG = (_f("scope", "BotCommandScope"), _f("language_code", STR))

METHODS: dict[str, tuple[Field, ...]] = {
    "getMe": (),
    "logOut": (),
    "close": (),
    "getUpdates": (
        _f("offset", INT),
        _f("limit", INT),
        _f("timeout", INT),
        _f("allowed_updates", "Array of String"),
    ),
    "setWebhook": (
        _f("url", STR, required=True),
        _f("max_connections", INT),
        _f("allowed_updates", "Array of String"),
        _f("drop_pending_updates", BOOL),
        _f("secret_token", STR),
    ),
    "deleteWebhook": (_f("drop_pending_updates", BOOL),),
    "getWebhookInfo": (),
    "sendMessage": (
        CHAT_ID,
        _f("text", STR, required=True),
        _f("entities", "Array of MessageEntity"),
        _f("link_preview_options", "LinkPreviewOptions"),
        *_SEND_COMMON,
    ),
    "editMessageText": (
        _f("chat_id", INT, STR),
        _f("message_id", INT),
        _f("inline_message_id", STR),
        _f("text", STR),
        _f("parse_mode", STR),
        _f("entities", "Array of MessageEntity"),
        _f("link_preview_options", "LinkPreviewOptions"),
        _f("reply_markup", "InlineKeyboardMarkup"),
    ),
    "editMessageReplyMarkup": (
        _f("chat_id", INT, STR),
        _f("message_id", INT),
        _f("inline_message_id", STR),
        _f("reply_markup", "InlineKeyboardMarkup"),
    ),
    "deleteMessage": (CHAT_ID, _f("message_id", INT, required=True)),
    "answerCallbackQuery": (
        _f("callback_query_id", STR, required=True),
        _f("text", STR),
        _f("show_alert", BOOL),
        _f("url", STR),
        _f("cache_time", INT),
    ),
    "sendPhoto": (
        CHAT_ID,
        _f("photo", "InputFile", STR, required=True),
        _f("caption", STR),
        _f("caption_entities", "Array of MessageEntity"),
        _f("has_spoiler", BOOL),
        *_SEND_COMMON,
    ),
    "sendDocument": (
        CHAT_ID,
        _f("document", "InputFile", STR, required=True),
        _f("caption", STR),
        _f("caption_entities", "Array of MessageEntity"),
        _f("disable_content_type_detection", BOOL),
        *_SEND_COMMON,
    ),
    "getFile": (_f("file_id", STR, required=True),),
    "setMyCommands": (_f("commands", "Array of BotCommand", required=True), *_SCOPE_LANG),
    "deleteMyCommands": _SCOPE_LANG,
    "getMyCommands": _SCOPE_LANG,
    "setChatMenuButton": (_f("chat_id", INT), _f("menu_button", "MenuButton")),
    "getChatMenuButton": (_f("chat_id", INT),),
    "sendChatAction": (
        CHAT_ID,
        _f("message_thread_id", INT),
        _f("action", STR, required=True),
    ),
}

TYPES: dict[str, tuple[Field, ...]] = {
    "InlineKeyboardMarkup": (
        _f("inline_keyboard", "Array of Array of InlineKeyboardButton", required=True),
    ),
    "InlineKeyboardButton": (
        _f("text", STR, required=True),
        _f("style", STR),
        _f("url", STR),
        _f("callback_data", STR),
        _f("web_app", "WebAppInfo"),
        _f("switch_inline_query", STR),
        _f("switch_inline_query_current_chat", STR),
        _f("copy_text", "CopyTextButton"),
    ),
    "WebAppInfo": (_f("url", STR, required=True),),
    "CopyTextButton": (_f("text", STR, required=True),),
    "ReplyKeyboardMarkup": (
        _f("keyboard", "Array of Array of KeyboardButton", required=True),
        _f("is_persistent", BOOL),
        _f("resize_keyboard", BOOL),
        _f("one_time_keyboard", BOOL),
        _f("input_field_placeholder", STR),
        _f("selective", BOOL),
    ),
    "KeyboardButton": (
        _f("text", STR, required=True),
        _f("style", STR),
        _f("request_contact", BOOL),
        _f("request_location", BOOL),
        _f("web_app", "WebAppInfo"),
    ),
    "ReplyKeyboardRemove": (_f("remove_keyboard", BOOL, required=True), _f("selective", BOOL)),
    "ForceReply": (
        _f("force_reply", BOOL, required=True),
        _f("input_field_placeholder", STR),
        _f("selective", BOOL),
    ),
    "MessageEntity": (
        _f("type", STR, required=True),
        _f("offset", INT, required=True),
        _f("length", INT, required=True),
        _f("url", STR),
        _f("language", STR),
        _f("custom_emoji_id", STR),
    ),
    "LinkPreviewOptions": (
        _f("is_disabled", BOOL),
        _f("url", STR),
        _f("prefer_small_media", BOOL),
        _f("prefer_large_media", BOOL),
        _f("show_above_text", BOOL),
    ),
    "ReplyParameters": (
        _f("message_id", INT, required=True),
        _f("chat_id", INT, STR),
        _f("allow_sending_without_reply", BOOL),
    ),
    "BotCommand": (_f("command", STR, required=True), _f("description", STR, required=True)),
    "BotCommandScopeDefault": (_f("type", STR, required=True),),
    "BotCommandScopeAllPrivateChats": (_f("type", STR, required=True),),
    "BotCommandScopeAllGroupChats": (_f("type", STR, required=True),),
    "BotCommandScopeAllChatAdministrators": (_f("type", STR, required=True),),
    "BotCommandScopeChat": (_f("type", STR, required=True), _f("chat_id", INT, STR, required=True)),
    "MenuButtonCommands": (_f("type", STR, required=True),),
    "MenuButtonDefault": (_f("type", STR, required=True),),
    "MenuButtonWebApp": (
        _f("type", STR, required=True),
        _f("text", STR, required=True),
        _f("web_app", "WebAppInfo", required=True),
    ),
}

# Abstract types: the value of the "type" field selects the concrete declared type.
UNIONS: dict[str, dict[str, str]] = {
    "BotCommandScope": {
        "default": "BotCommandScopeDefault",
        "all_private_chats": "BotCommandScopeAllPrivateChats",
        "all_group_chats": "BotCommandScopeAllGroupChats",
        "all_chat_administrators": "BotCommandScopeAllChatAdministrators",
        "chat": "BotCommandScopeChat",
    },
    "MenuButton": {
        "commands": "MenuButtonCommands",
        "default": "MenuButtonDefault",
        "web_app": "MenuButtonWebApp",
    },
}

# Which field of a reply keyboard button makes it do something; at most one may be present.
KEYBOARD_BUTTON_ACTIONS = ("request_contact", "request_location", "web_app")

# Which field of an inline button makes it do something; exactly one must be present.
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "copy_text",
)

UPDATE_TYPES = (
    "message",
    "edited_message",
    "callback_query",
    "my_chat_member",
    "chat_member",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
)
DEFAULT_UPDATE_TYPES = tuple(
    t
    for t in UPDATE_TYPES
    if t not in ("chat_member", "message_reaction", "message_reaction_count")
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
