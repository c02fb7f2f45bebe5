"""The OpenAPI 3.1 description at /api/openapi.json, assembled from each route module's part."""

from __future__ import annotations

from typing import Any

from aiohttp import web

PROBLEM = {"$ref": "#/components/responses/Problem"}

BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "LessonLink API",
        "version": "1",
        "description": (
            "The student's booking portal and the teacher's panel, on the bot's own rules and "
            "data. Times are UTC (ISO 8601) with the viewer's zone name beside them; errors "
            "are RFC 9457 problem details."
        ),
    },
    "paths": {},
    "components": {
        "securitySchemes": {
            "miniApp": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`tma <initData>`: the Mini App's signed launch data.",
            },
            "apiKey": {"type": "http", "scheme": "bearer", "description": "A teacher's API key."},
        },
        "schemas": {
            "Problem": {
                "type": "object",
                "required": ["type", "title", "status", "code", "detail"],
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                    "errors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "field": {"type": "string"},
                                "detail": {"type": "string"},
                            },
                        },
                    },
                },
            }
        },
        "responses": {
            "Problem": {
                "description": "A refusal or an error, as problem details.",
                "content": {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            }
        },
    },
}

# Each route module adds {"paths": {...}, "schemas": {...}} here when it is imported.
PARTS: list[dict[str, Any]] = []


def document() -> dict[str, Any]:
    """The whole description: the base with every part's paths and schemas."""
    doc: dict[str, Any] = {**BASE, "paths": {}, "components": {**BASE["components"]}}
    doc["components"]["schemas"] = dict(BASE["components"]["schemas"])
    for part in PARTS:
        doc["paths"].update(part.get("paths", {}))
        doc["components"]["schemas"].update(part.get("schemas", {}))
    return doc


async def serve(_request: web.Request) -> web.Response:
    """GET /api/openapi.json."""
    return web.json_response(document())
