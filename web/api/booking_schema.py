"""The student endpoints' and /api/me's part of the OpenAPI description."""

from __future__ import annotations

from typing import Any

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

LINK_REFUSALS = (401, 403, 404, 429)


def _operation(
    summary: str,
    answers: dict[str, Any],
    *,
    parameters: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": ["student"],
        "security": SECURITY,
        "parameters": [TOKEN, *(parameters or [])],
        "responses": {**answers, **refusals(*LINK_REFUSALS, 500)},
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PATHS: dict[str, Any] = {
    "/api/booking/{token}": {
        "get": _operation(
            "Open the booking portal (counts as opening the link)",
            {"200": json_answer("The student, teacher, rules and subjects.", ref("Portal"))},
        )
    },
    "/api/booking/{token}/calendar": {
        "get": _operation(
            "Slots of some days, as the student may see them",
            {
                "200": json_answer("The slots.", ref("Calendar")),
                **refusals(422),
            },
            parameters=[
                _query("from", {"type": "string", "format": "date"}, "First day (viewer's zone)."),
                _query(
                    "days", {"type": "integer", "minimum": 1, "maximum": 42}, "Days, 7 if unset."
                ),
                _query("subject", {"type": "string"}, "Only this subject."),
                _query("part", {"enum": ["morning", "afternoon", "evening"]}, "Time of day."),
            ],
        )
    },
    "/api/booking/{token}/book": {
        "post": _operation(
            "Book a slot (or a weekly series from it)",
            {
                "201": json_answer("The booking made.", ref("BookingMade")),
                **refusals(400, 409, 413, 415, 422),
            },
            body=json_body(ref("BookRequest")),
        )
    },
    "/api/booking/{token}/my-bookings": {
        "get": _operation(
            "The student's lessons to come and the last few past ones",
            {"200": json_answer("The lessons.", ref("MyBookings"))},
        )
    },
    "/api/booking/{token}/cancel/{booking_id}": {
        "post": _operation(
            "Cancel one of the student's lessons",
            {"200": json_answer("The cancelled lesson.", ref("BookingChanged")), **refusals(409)},
            parameters=[BOOKING_ID],
        )
    },
    "/api/booking/{token}/reschedule/{booking_id}": {
        "post": _operation(
            "Move one of the student's lessons to another slot",
            {
                "200": json_answer("The new booking.", ref("BookingChanged")),
                **refusals(400, 409, 413, 415, 422),
            },
            parameters=[BOOKING_ID],
            body=json_body(ref("MoveRequest")),
        )
    },
    "/api/booking/{token}/bookings/{booking_id}/calendar.ics": {
        "get": _operation(
            "The lesson as an iCalendar file (stable UID)",
            {
                "200": {
                    "description": "The .ics file.",
                    "content": {"text/calendar": {"schema": {"type": "string"}}},
                },
                **refusals(409),
            },
            parameters=[BOOKING_ID],
        )
    },
}

ME: dict[str, Any] = {
    "/api/me": {
        "get": {
            "summary": "Who opened the Mini App: account, teacher record, student portals",
            "tags": ["mini app"],
            "security": [{"miniApp": []}],
            "responses": {
                "200": json_answer("The account.", ref("Me")),
                **refusals(401, 429, 500),
            },
        }
    }
}


def register() -> None:
    """Add the student endpoints' part (once)."""
    part = {"paths": PATHS, "schemas": SCHEMAS}
    if part not in openapi.PARTS:
        openapi.PARTS.append(part)


def register_me() -> None:
    """Add /api/me's part (once)."""
    part = {"paths": ME, "schemas": SCHEMAS}
    if part not in openapi.PARTS:
        openapi.PARTS.append(part)
