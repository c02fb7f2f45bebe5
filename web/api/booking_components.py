"""The student endpoints' and /api/me's OpenAPI components: shared fragments and schemas."""

from __future__ import annotations

from typing import Any

from bot.domain.notes import MAX_NOTE_CHARS
from web.api import openapi

PROBLEM = openapi.PROBLEM
TIME = {"type": "string", "format": "date-time", "pattern": "Z$"}
TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
ZONE = {"type": "string", "description": "The viewer's IANA time zone."}
NAMED = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}
TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "description": "The student's link token (the 43 characters after ?start=).",
    "schema": {"type": "string", "minLength": 1},
}
BOOKING_ID = {
    "name": "booking_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
SECURITY: list[dict[str, list[str]]] = [
    {"miniApp": []},
    {},
]  # initData, or nothing when plain-browser links are on


def ref(name: str) -> dict[str, str]:
    """A reference to a schema of components."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON response."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def refusals(*statuses: int) -> dict[str, Any]:
    """Problem responses for these statuses."""
    return {str(status): PROBLEM for status in statuses}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A required JSON request body."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


SCHEMAS: dict[str, Any] = {
    "Portal": {
        "type": "object",
        "required": ["student", "teacher", "zone", "language", "policy", "subjects"],
        "properties": {
            "student": NAMED,
            "teacher": {
                "type": "object",
                "required": ["id", "name", "zone"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "zone": {"type": "string"},
                },
            },
            "zone": ZONE,
            "language": {"type": "string"},
            "policy": {
                "type": "object",
                "required": [
                    "cancel_window_minutes",
                    "undo_minutes",
                    "advance_minutes",
                    "horizon_days",
                    "series_enabled",
                    "series_max_weeks",
                ],
                "properties": {
                    "cancel_window_minutes": {"type": "integer"},
                    "undo_minutes": {"type": "integer"},
                    "advance_minutes": {"type": "integer"},
                    "horizon_days": {"type": "integer"},
                    "series_enabled": {"type": "boolean"},
                    "series_max_weeks": {"type": "integer"},
                    "series_weeks": {"type": "array", "items": {"type": "integer"}},
                },
            },
            "subjects": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Slot": {
        "type": "object",
        "required": ["id", "starts_at", "ends_at", "subject", "state", "seats", "seats_left"],
        "properties": {
            "id": {"type": "integer"},
            "starts_at": TIME,
            "ends_at": TIME,
            "subject": {"type": "string"},
            "state": {"enum": ["available", "booked", "mine"]},
            "seats": {"type": "integer"},
            "seats_left": {"type": "integer"},
            "booking_id": {"type": ["integer", "null"]},
        },
    },
    "Calendar": {
        "type": "object",
        "required": ["zone", "from", "days", "slots"],
        "properties": {
            "zone": ZONE,
            "from": {"type": "string", "format": "date"},
            "days": {"type": "integer"},
            "slots": {"type": "array", "items": ref("Slot")},
        },
    },
    "Booking": {
        "type": "object",
        "required": [
            "id",
            "slot_id",
            "starts_at",
            "ends_at",
            "subject",
            "teacher",
            "status",
            "change_deadline",
            "undo_until",
            "may_change",
            "series_id",
            "place",
            "teacher_note",
            "student_note",
        ],
        "properties": {
            "id": {"type": "integer"},
            "slot_id": {"type": "integer"},
            "starts_at": TIME,
            "ends_at": TIME,
            "subject": {"type": "string"},
            "teacher": NAMED,
            "status": {"enum": ["confirmed", "cancelled"]},
            "change_deadline": TIME_OR_NULL,
            "undo_until": TIME_OR_NULL,
            "may_change": {"type": "boolean"},
            "series_id": {"type": ["integer", "null"]},
            "place": {
                "type": ["string", "null"],
                "maxLength": 300,
                "description": "Where the lesson takes place as it is now: a meeting link "
                "(always https://) or an address; null when the teacher set none.",
            },
            "teacher_note": {"type": "string", "description": 'The teacher\'s note; "": none.'},
            "student_note": {"type": "string", "description": 'The student\'s note; "": none.'},
        },
    },
    "BookingMade": {
        "type": "object",
        "required": ["zone", "booking", "skipped"],
        "properties": {
            "zone": ZONE,
            "booking": ref("Booking"),
            "skipped": {"type": "array", "items": TIME},
        },
    },
    "BookingChanged": {
        "type": "object",
        "required": ["zone", "booking"],
        "properties": {"zone": ZONE, "booking": ref("Booking")},
    },
    "MyBookings": {
        "type": "object",
        "required": ["zone", "upcoming", "past"],
        "properties": {
            "zone": ZONE,
            "upcoming": {"type": "array", "items": ref("Booking")},
            "past": {"type": "array", "items": ref("Booking")},
        },
    },
    "BookRequest": {
        "type": "object",
        "required": ["slot_id"],
        "properties": {
            "slot_id": {"type": "integer", "minimum": 1},
            "weeks": {
                "description": "null: this lesson only; a number of weeks, or ongoing.",
                "oneOf": [
                    {"type": "null"},
                    {"type": "integer", "minimum": 1},
                    {"const": "ongoing"},
                ],
            },
            "note": {
                "type": "string",
                "maxLength": MAX_NOTE_CHARS,
                "description": "A note to the teacher (plain text); a series: its first lesson.",
            },
        },
    },
    "MoveRequest": {
        "type": "object",
        "required": ["slot_id"],
        "properties": {"slot_id": {"type": "integer", "minimum": 1}},
    },
    "Me": {
        "type": "object",
        "required": ["user", "teacher", "portals"],
        "properties": {
            "user": {
                "type": "object",
                "required": ["id", "first_name", "language"],
                "properties": {
                    "id": {"type": "integer"},
                    "first_name": {"type": "string"},
                    "language": {"type": "string"},
                },
            },
            "teacher": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["id", "name", "zone"],
                        "properties": {
                            "id": {"type": "integer"},
                            "name": {"type": "string"},
                            "zone": {"type": "string"},
                        },
                    },
                ]
            },
            "portals": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["teacher", "student", "token"],
                    "properties": {
                        "teacher": NAMED,
                        "student": NAMED,
                        "token": {"type": "string"},
                    },
                },
            },
        },
    },
}
