"""What the demo page sends and receives: messages as JSON, request bodies, short refusals."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from sandbox.world import Record

NO_STORE = {"Cache-Control": "no-store"}


def valid_zone(name: str) -> bool:
    """Whether an IANA zone of this name exists on this machine."""
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


def message_json(user_id: int, record: Record) -> dict[str, Any]:
    """One message as the page shows it: Telegram's text and entities, keyboard and file."""
    view, payload = record.view, record.payload
    out: dict[str, Any] = {
        "id": view.message_id,
        "from_bot": view.from_bot,
        "date": view.date,
        "edited": view.edited,
        "kind": view.kind,
        "text": payload.get("text", payload.get("caption", "")),
        "entities": payload.get("entities", payload.get("caption_entities", [])),
        "keyboard": (payload.get("reply_markup") or {}).get("inline_keyboard", []),
    }
    if view.photo is not None or view.document is not None:
        out["file"] = f"/demo/files/{user_id}/{view.message_id}"
        out["file_name"] = view.document_name or ("photo.png" if view.photo else "file")
    return out


def int_or_none(value: object) -> int | None:
    """A non-negative integer given as a number or as digits; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        return int(value)
    return None


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object, or 400 Bad Request; only from the page itself.

    JSON only and the page's own origin: another site open in the same browser cannot post
    a form (text/plain) here to act as the demo's people.
    """
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.host}":
        raise web.HTTPForbidden()
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType()
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise web.HTTPBadRequest() from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest()
    return body


def refused(key: str) -> web.StreamResponse:
    """A refusal the page shows in the person's words: the key of a page text."""
    return web.json_response({"error": key}, status=422)
