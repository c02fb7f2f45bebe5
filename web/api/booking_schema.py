"""The student endpoints' and /api/me's part of the OpenAPI description: paths (components in
booking_components)."""

from __future__ import annotations

from typing import Any

from web.api import openapi
from web.api.booking_components import (
    BOOKING_ID,
    SCHEMAS,
    SECURITY,
    TOKEN,
    json_answer,
    json_body,
    ref,
    refusals,
)

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
