"""The teacher endpoints' and API keys' OpenAPI components: shared fragments and schemas."""

from __future__ import annotations

from typing import Any

from web.api.openapi import PROBLEM

SECURITY: list[dict[str, list[str]]] = [{"miniApp": []}, {"apiKey": []}]
TIME = {"type": "string", "format": "date-time", "description": "UTC, ISO 8601 with Z."}
NULL_TIME = {"type": ["string", "null"], "format": "date-time"}
ZONE = {"type": "string", "description": "The teacher's IANA time zone."}
REFUSALS = {
    "401": PROBLEM,  # unauthorized, init-data-invalid, init-data-stale, api-key-invalid
    "403": PROBLEM,  # not-a-teacher
    "429": PROBLEM,  # rate-limited, with Retry-After
}


def ref(name: str) -> dict[str, str]:
    """A reference to one of this part's schemas."""
    return {"$ref": f"#/components/schemas/{name}"}


def ok(schema: dict[str, Any], description: str, status: str = "200") -> dict[str, Any]:
    """A JSON success response with the teacher endpoints' refusals beside it."""
    body = {"description": description, "content": {"application/json": {"schema": schema}}}
    return {status: body, **REFUSALS}


def days_param(default: int, most: int) -> dict[str, Any]:
    """The `days` query parameter."""
    return {
        "name": "days",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": most, "default": default},
        "description": "How many local days (the teacher's zone).",
    }


STUDENT_ID = {
    "name": "student_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
    "description": "One of the teacher's students; any other id is 404.",
}
NOT_YOURS = {"404": PROBLEM}
LINK_STATE_PROPS: dict[str, Any] = {
    "student_id": {"type": "integer"},
    "state": {"type": "string", "enum": ["active", "expired", "revoked", "used_up"]},
    "bound": {"type": "boolean", "description": "Whether a Telegram account holds the link."},
    "uses": {"type": "integer"},
    "max_uses": {"type": ["integer", "null"]},
    "expires_at": NULL_TIME,
    "created_at": TIME,
    "last_opened_at": NULL_TIME,
}
ADDRESS = {"type": ["string", "null"], "format": "uri"}

SCHEMAS: dict[str, Any] = {
    "LinkState": {
        "type": "object",
        "required": list(LINK_STATE_PROPS),
        "properties": LINK_STATE_PROPS,
    },
    "Link": {
        "type": "object",
        "required": [*LINK_STATE_PROPS, "url", "app_url", "browser_url"],
        "properties": {
            **LINK_STATE_PROPS,
            "url": {**ADDRESS, "description": "t.me/<bot>?start=<token>; null once it is off."},
            "app_url": {**ADDRESS, "description": "The Mini App's address, when configured."},
            "browser_url": {**ADDRESS, "description": "Only when plain-browser links are on."},
        },
    },
    "NewLinkLimits": {
        "type": "object",
        "properties": {
            "expires_in_days": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": "Days until it expires; null: never; absent: your default.",
            },
            "max_uses": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": "Most openings; null: unlimited; absent: your default.",
            },
        },
    },
    "TeacherStudent": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "colour": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
            "colour_name": {"type": "string"},
            "link": {"oneOf": [ref("LinkState"), {"type": "null"}]},
            "upcoming": {"type": "integer", "description": "Confirmed lessons not yet over."},
            "last_opened_at": NULL_TIME,
            "openings": {"type": "integer", "description": "Times the student's links opened."},
        },
    },
    "StudentRef": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "colour": {"type": "string"},
        },
    },
    "TokenUsage": {
        "type": "object",
        "properties": {
            "zone": ZONE,
            "days": {"type": "integer"},
            "totals": {
                "type": "object",
                "properties": {
                    k: {"type": "integer"}
                    for k in ("openings", "refused", "students_opened", "students_never")
                },
            },
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "student_id": {"type": "integer"},
                        "name": {"type": "string"},
                        "colour": {"type": "string"},
                        "openings": {"type": "integer"},
                        "refused": {"type": "integer"},
                        "last_opened_at": NULL_TIME,
                    },
                },
            },
            "daily": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "date": {"type": "string", "format": "date"},
                        "openings": {"type": "integer"},
                        "refused": {"type": "integer"},
                    },
                },
            },
        },
    },
    "BookingFigures": {
        "type": "object",
        "properties": {
            "zone": ZONE,
            "days": {"type": "integer"},
            "bookings": {"type": "integer", "description": "Lessons booked (moves count once)."},
            "cancellations": {
                "type": "object",
                "properties": {
                    "by_student": {"type": "integer"},
                    "by_teacher": {"type": "integer"},
                },
            },
            "rescheduled": {"type": "integer"},
            "heatmap": {
                "type": "array",
                "description": "Standing lessons by local weekday (0 = Monday) and start hour.",
                "items": {
                    "type": "object",
                    "properties": {
                        "weekday": {"type": "integer", "minimum": 0, "maximum": 6},
                        "hour": {"type": "integer", "minimum": 0, "maximum": 23},
                        "lessons": {"type": "integer"},
                    },
                },
            },
        },
    },
    "TeacherSchedule": {
        "type": "object",
        "properties": {
            "zone": ZONE,
            "from": {"type": "string", "format": "date"},
            "days": {"type": "integer"},
            "lessons": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "booking_id": {"type": "integer"},
                        "slot_id": {"type": "integer"},
                        "starts_at": TIME,
                        "ends_at": TIME,
                        "subject": {"type": "string"},
                        "student": ref("StudentRef"),
                    },
                },
            },
            "free": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "slot_id": {"type": "integer"},
                        "starts_at": TIME,
                        "ends_at": TIME,
                        "subject": {"type": "string"},
                        "seats": {"type": "integer"},
                        "booked": {"type": "integer"},
                    },
                },
            },
        },
    },
}
