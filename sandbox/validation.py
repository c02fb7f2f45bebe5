"""Check a Bot API request against our declarations and the limits Telegram states in prose."""

from __future__ import annotations

import json
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sandbox.declarations import (
    BUTTON_ACTIONS,
    KEYBOARD_BUTTON_ACTIONS,
    METHODS,
    TYPES,
    UNIONS,
    Field,
)
from sandbox.markup import EntityParseError, ParsedText, parse_html, utf16_len

# Whether the server answering this call is a test environment, where Telegram lets Mini Apps
# be served over plain http (set by BotAPIServer.execute for the call it runs).
TEST_ENVIRONMENT: ContextVar[bool] = ContextVar("sandbox_test_environment", default=False)


class ApiError(Exception):
    """A Bot API error answer: HTTP status, Telegram's description, optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(reason: str) -> ApiError:
    """A 400 answer worded like Telegram's."""
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart request."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


_INT_RE = re.compile(r"-?\d+")
_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


class _TypeMismatch(Exception):
    pass


def _json(value: Any, path: str, kind: str) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise bad_request(f'can\'t parse {kind} JSON object in field "{path}"') from None


def _coerce_one(t: str, value: Any, path: str, uploads: dict[str, Upload]) -> Any:
    if t == "Integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
            return int(value)
        raise _TypeMismatch
    if t == "Float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _TypeMismatch from None
    if t == "String":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise _TypeMismatch
    if t == "Boolean":
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise _TypeMismatch
    if t == "InputFile":
        if isinstance(value, Upload):
            return value
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if name not in uploads:
                raise bad_request(f'file "{name}" referenced by field "{path}" was not uploaded')
            return uploads[name]
        raise _TypeMismatch
    if t.startswith("Array of "):
        items = _json(value, path, "array")
        if not isinstance(items, list):
            raise _TypeMismatch
        inner = t.removeprefix("Array of ")
        return [coerce((inner,), item, f"{path}[{i}]", uploads) for i, item in enumerate(items)]
    if t in UNIONS:
        obj = _json(value, path, t)
        if not isinstance(obj, dict):
            raise _TypeMismatch
        concrete = UNIONS[t].get(str(obj.get("type")))
        if concrete is None:
            raise bad_request(f'unsupported {t} type "{obj.get("type")}" in field "{path}"')
        return check_object(concrete, obj, path, uploads)
    if t in TYPES:
        obj = _json(value, path, t)
        if not isinstance(obj, dict):
            raise _TypeMismatch
        return check_object(t, obj, path, uploads)
    raise bad_request(f'type {t} of field "{path}" is not supported by the sandbox')


def coerce(types: tuple[str, ...], value: Any, path: str, uploads: dict[str, Upload]) -> Any:
    """Convert a raw value to the first declared type it fits, or raise a 400 ApiError."""
    errors: list[ApiError] = []
    for t in types:
        try:
            return _coerce_one(t, value, path, uploads)
        except _TypeMismatch:
            continue
        except ApiError as exc:
            if t == "InputFile":
                raise  # an attach:// reference is never a file_id
            errors.append(exc)
    if errors:
        raise errors[0]
    raise bad_request(f'field "{path}" must be of type {" or ".join(types)}')


def check_object(
    type_name: str, obj: dict[str, Any], path: str, uploads: dict[str, Upload]
) -> dict[str, Any]:
    """Validate a JSON object against a declared type; returns it with coerced values."""
    return _check_fields(TYPES[type_name], obj, path, uploads)


def _check_fields(
    fields: tuple[Field, ...], raw: dict[str, Any], prefix: str, uploads: dict[str, Upload]
) -> dict[str, Any]:
    declared = {f.name: f for f in fields}
    for name in raw:
        if name not in declared:
            where = f"{prefix}.{name}" if prefix else name
            raise bad_request(f'unknown parameter "{where}"')
    out: dict[str, Any] = {}
    for f in fields:
        where = f"{prefix}.{f.name}" if prefix else f.name
        if f.name not in raw or raw[f.name] is None:
            if f.required:
                raise bad_request(f"{where} is required")
            continue
        out[f.name] = coerce(f.types, raw[f.name], where, uploads)
    return out


def parse_params(method: str, raw: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
    """Check a request's parameters against the method's declaration and prose limits."""
    raw = dict(raw)
    for f in METHODS[method]:
        if f.name not in raw and f.name in uploads and "InputFile" in f.types:
            raw[f.name] = uploads[f.name]  # a file part sent directly under the field's name
    params = _check_fields(METHODS[method], raw, "", uploads)
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        check_inline_keyboard(markup["inline_keyboard"])
    if isinstance(markup, dict) and "keyboard" in markup:
        check_reply_keyboard(markup["keyboard"])
    return params


def check_url(url: str) -> None:
    """Only http(s) and tg:// links may open from a button."""
    if not re.match(r"(?i)(https?://[^\s/]+|tg://\S+)", url):
        raise bad_request(
            f"inline keyboard button URL '{url}' is invalid: Unsupported URL protocol"
        )


def check_inline_keyboard(rows: list[list[dict[str, Any]]]) -> None:
    """Enforce button rules: non-empty text, exactly one action, callback_data 1-64 bytes."""
    for row in rows:
        for button in row:
            if not button.get("text", "").strip():
                raise bad_request("inline keyboard button text must be non-empty")
            actions = [a for a in BUTTON_ACTIONS if a in button]
            if not actions:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                raise bad_request(
                    "can't parse inline keyboard button: exactly one of "
                    f"{', '.join(actions)} must be specified"
                )
            if "callback_data" in button and not 1 <= len(button["callback_data"].encode()) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button:
                check_url(button["url"])
            if "web_app" in button:
                check_web_app_url(button["web_app"]["url"], "inline keyboard button")


def check_web_app_url(url: str, what: str) -> None:
    """A Mini App opens only from an https:// address with a host (WebAppInfo.url); a test
    environment also takes http, as Telegram's does."""
    if not re.match(r"(?i)https?://[^\s/?#]+", url):
        raise bad_request(f"{what} Web App URL '{url}' is invalid: Wrong HTTP URL")
    if not url.lower().startswith("https://") and not TEST_ENVIRONMENT.get():
        raise bad_request(f"{what} Web App URL '{url}' is invalid: Only HTTPS links are allowed")


def check_reply_keyboard(rows: list[list[dict[str, Any]]]) -> None:
    """Reply keyboard buttons: non-empty text, at most one action, https Mini Apps."""
    for row in rows:
        for button in row:
            if not button.get("text", "").strip():
                raise bad_request("keyboard button text must be non-empty")
            actions = [a for a in KEYBOARD_BUTTON_ACTIONS if a in button]
            if len(actions) > 1:
                raise bad_request(
                    "can't parse keyboard button: at most one of "
                    f"{', '.join(actions)} may be specified"
                )
            if "web_app" in button:
                check_web_app_url(button["web_app"]["url"], "keyboard button")


def check_menu_button(button: dict[str, Any]) -> None:
    """A MenuButtonWebApp needs a visible text and an https Mini App address."""
    if button["type"] != "web_app":
        return
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    check_web_app_url(button["web_app"]["url"], "menu button")


def render(text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None) -> ParsedText:
    """Visible text and entities for a text or caption, as the user's app would show it."""
    if parse_mode and entities:
        raise bad_request("can't use parse_mode together with entities")
    if parse_mode is None or parse_mode == "":
        return ParsedText(text, list(entities or []))
    if parse_mode == "HTML":
        try:
            return parse_html(text)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    if parse_mode in ("MarkdownV2", "Markdown"):
        return ParsedText(text, [])  # accepted, not interpreted by the sandbox
    raise bad_request(f'unsupported parse_mode "{parse_mode}"')


def check_text(parsed: ParsedText) -> None:
    """Message text must be 1-4096 characters after entities parsing, not blank."""
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if utf16_len(parsed.text) > 4096:
        raise bad_request("message is too long")


def check_caption(parsed: ParsedText) -> None:
    """Captions are 0-1024 characters after entities parsing."""
    if utf16_len(parsed.text) > 1024:
        raise bad_request("message caption is too long")


_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


def check_commands(commands: list[dict[str, Any]]) -> None:
    """Bot commands: at most 100, names 1-32 of a-z 0-9 _, descriptions 1-256 characters."""
    if len(commands) > 100:
        raise bad_request("too many commands")
    for cmd in commands:
        if not _COMMAND_RE.fullmatch(cmd["command"]):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(cmd["description"]) <= 256:
            raise bad_request("command description must be 1-256 characters")
