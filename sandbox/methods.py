"""Bot API methods about messages: send, edit, delete, answer button presses."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from sandbox.settings import SETTINGS_HANDLERS
from sandbox.validation import (
    ApiError,
    Upload,
    bad_request,
    check_caption,
    check_text,
    render,
)
from sandbox.world import Button, CallbackAnswer, Record, StoredFile, World

Handler = Callable[[World, dict[str, Any]], Any]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def buttons_of(markup: dict[str, Any] | None) -> list[list[Button]]:
    """Inline keyboard rows as the user sees them."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        [Button(b["text"], b.get("callback_data"), b.get("url"), _web_app(b)) for b in row]
        for row in markup["inline_keyboard"]
    ]


def keyboard_of(markup: dict[str, Any] | None) -> list[list[Button]]:
    """Reply keyboard rows as the user sees them under the input field."""
    if not markup or "keyboard" not in markup:
        return []
    return [[Button(b["text"], web_app=_web_app(b)) for b in row] for row in markup["keyboard"]]


def _web_app(button: dict[str, Any]) -> str | None:
    info = button.get("web_app")
    return str(info["url"]) if info else None


def _inline_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Only inline keyboards are attached to the Message object."""
    return markup if markup and "inline_keyboard" in markup and markup["inline_keyboard"] else None


def _common_payload(p: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if markup := _inline_markup(p.get("reply_markup")):
        out["reply_markup"] = markup
    if p.get("protect_content"):
        out["has_protected_content"] = True
    return out


def _reply_to(world: World, chat_id: int, p: dict[str, Any]) -> dict[str, Any]:
    params = p.get("reply_parameters")
    if not params:
        return {}
    target = world.find(chat_id, params["message_id"])
    if target is None:
        if params.get("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    return {"reply_to_message": dict(target.payload)}


def send_message(world: World, p: dict[str, Any]) -> dict[str, Any]:
    """sendMessage: a text message in a private chat."""
    chat_id = world.chat_for_bot(p["chat_id"])
    parsed = render(p["text"], p.get("parse_mode"), p.get("entities"))
    check_text(parsed)
    payload = {"text": parsed.text, **_common_payload(p), **_reply_to(world, chat_id, p)}
    if parsed.entities:
        payload["entities"] = parsed.entities
    if p.get("link_preview_options"):
        payload["link_preview_options"] = p["link_preview_options"]
    view = {
        "text": parsed.text,
        "caption": None,
        "raw_text": p["text"],
        "buttons": buttons_of(p.get("reply_markup")),
        "keyboard": keyboard_of(p.get("reply_markup")),
    }
    return world.add_message(chat_id, True, view, payload).payload


def _image_size(content: bytes | None) -> tuple[int, int]:
    if content and content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        w, h = struct.unpack(">II", content[16:24])
        return int(w), int(h)
    return 512, 512


def _file_param(world: World, value: Upload | str, salt: str) -> StoredFile:
    if isinstance(value, Upload):
        return world.store_file(value.content, value.filename, value.content_type, salt)
    if value in world.files:
        return world.files[value]
    if value.startswith(("http://", "https://")):
        return world.store_file(None, value.rsplit("/", 1)[-1], None, value)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _send_media(world: World, p: dict[str, Any], kind: str) -> dict[str, Any]:
    chat_id = world.chat_for_bot(p["chat_id"])
    parsed = render(p.get("caption") or "", p.get("parse_mode"), p.get("caption_entities"))
    check_caption(parsed)
    stored = _file_param(world, p[kind], kind)
    payload: dict[str, Any] = {**_common_payload(p), **_reply_to(world, chat_id, p)}
    view: dict[str, Any] = {
        "text": None,
        "raw_text": p.get("caption"),
        "kind": kind,
        "caption": parsed.text or None,
        "buttons": buttons_of(p.get("reply_markup")),
        "keyboard": keyboard_of(p.get("reply_markup")),
    }
    size = len(stored.content) if stored.content is not None else 0
    if kind == "photo":
        width, height = _image_size(stored.content)
        payload["photo"] = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
                "file_size": size,
            }
        ]
        view["photo"] = stored.content
    else:
        payload["document"] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.file_name or "document",
            "mime_type": stored.mime_type or "application/octet-stream",
            "file_size": size,
        }
        view["document"], view["document_name"] = stored.content, stored.file_name
    if parsed.text:
        payload["caption"] = parsed.text
        if parsed.entities:
            payload["caption_entities"] = parsed.entities
    return world.add_message(chat_id, True, view, payload).payload


def _target(world: World, p: dict[str, Any], verb: str) -> tuple[int, Record]:
    if p.get("inline_message_id"):
        raise bad_request("inline messages are not supported by the sandbox")
    if "chat_id" not in p or "message_id" not in p:
        raise bad_request(
            "chat_id and message_id are required"
            if "chat_id" not in p
            else "message_id is required"
        )
    chat_id = world.chat_for_bot(p["chat_id"])
    record = world.find(chat_id, p["message_id"])
    if record is None or not record.view.from_bot:
        raise bad_request(
            f"message to {verb} not found" if record is None else f"message can't be {verb}ed"
        )
    return chat_id, record


def _apply_markup(record: Record, markup: dict[str, Any] | None) -> None:
    if inline := _inline_markup(markup):
        record.payload["reply_markup"] = inline
    else:
        record.payload.pop("reply_markup", None)
    record.view.buttons = buttons_of(inline)


def edit_message_text(world: World, p: dict[str, Any]) -> dict[str, Any]:
    """editMessageText: replace a bot message's text (and keyboard) in place."""
    if "text" not in p:
        raise bad_request("text is required")
    chat_id, record = _target(world, p, "edit")
    if record.view.kind != "text":
        raise bad_request("there is no text in the message to edit")
    parsed = render(p["text"], p.get("parse_mode"), p.get("entities"))
    check_text(parsed)
    new_markup = _inline_markup(p.get("reply_markup"))
    if (
        parsed.text == record.view.text
        and parsed.entities == record.payload.get("entities", [])
        and new_markup == record.payload.get("reply_markup")
    ):
        raise bad_request(NOT_MODIFIED)
    record.payload["text"] = parsed.text
    if parsed.entities:
        record.payload["entities"] = parsed.entities
    else:
        record.payload.pop("entities", None)
    record.view.text, record.view.raw_text = parsed.text, p["text"]
    _apply_markup(record, p.get("reply_markup"))
    return _mark_edited(world, chat_id, record)


def _mark_edited(world: World, chat_id: int, record: Record) -> dict[str, Any]:
    record.view.edited = True
    record.payload["edit_date"] = world.now()
    world.record_event(chat_id, record)
    return record.payload


def edit_message_reply_markup(world: World, p: dict[str, Any]) -> dict[str, Any]:
    """editMessageReplyMarkup: replace or remove a bot message's inline keyboard."""
    chat_id, record = _target(world, p, "edit")
    if _inline_markup(p.get("reply_markup")) == record.payload.get("reply_markup"):
        raise bad_request(NOT_MODIFIED)
    _apply_markup(record, p.get("reply_markup"))
    return _mark_edited(world, chat_id, record)


def delete_message(world: World, p: dict[str, Any]) -> bool:
    """deleteMessage: remove a message from the private chat."""
    chat_id = world.chat_for_bot(p["chat_id"])
    if not world.delete(chat_id, p["message_id"]):
        raise bad_request("message to delete not found")
    return True


def answer_callback_query(world: World, p: dict[str, Any]) -> bool:
    """answerCallbackQuery: record the answer; each query may be answered once."""
    query_id = p["callback_query_id"]
    state = world.callbacks.get(query_id)
    if state is None or state[2]:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.get("text")
    if text is not None and len(text) > 200:
        raise bad_request("text is too long")
    user_id, update_id, _ = state
    world.callbacks[query_id] = (user_id, update_id, True)
    world.callback_answers.append(
        CallbackAnswer(query_id, update_id, text, bool(p.get("show_alert")), p.get("url"))
    )
    return True


HANDLERS: dict[str, Handler] = {
    **SETTINGS_HANDLERS,
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "sendPhoto": lambda world, p: _send_media(world, p, "photo"),
    "sendDocument": lambda world, p: _send_media(world, p, "document"),
}

__all__ = ["HANDLERS", "NOT_MODIFIED", "ApiError", "buttons_of", "keyboard_of"]
