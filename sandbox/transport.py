"""HTTP plumbing: reading Bot API requests in any encoding, writing Telegram-style answers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import BodyPartReader, web

from sandbox.validation import ApiError, Upload

FaultKind = Literal["429", "500", "502", "slow", "drop"]


@dataclass
class RequestRecord:
    """One handled request: method, parsed (or raw) params, HTTP status, error description."""

    method: str
    params: dict[str, Any]
    status: int
    description: str | None
    at: float

    @property
    def ok(self) -> bool:
        """Whether Telegram would have answered ok=true."""
        return self.status == 200


@dataclass
class Fault:
    """A pending injected failure."""

    method: str | None
    kind: FaultKind
    times: int
    retry_after: int
    delay: float


def answer(status: int, body: dict[str, Any]) -> web.Response:
    return web.json_response(body, status=status)


def error_answer(exc: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return answer(exc.status, body)


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    ctype = request.content_type
    if ctype == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                uploads[part.name] = Upload(part.filename, bytes(await part.read()), content_type)
            else:
                raw[part.name] = await part.text()
    elif ctype == "application/json":
        body = await request.read()
        if body:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ApiError(400, "Bad Request: request body must be a JSON object")
            raw.update(data)
    elif request.body_exists:
        raw.update(await request.post())
    return raw, uploads
