"""The OpenAPI part of the teacher endpoints (web/api/teacher.py) and of API keys: paths
(components in teacher_components)."""

from __future__ import annotations

from typing import Any

from web.api.openapi import PROBLEM
from web.api.teacher_components import (
    NOT_YOURS,
    REFUSALS,
    SCHEMAS,
    SECURITY,
    STUDENT_ID,
    ZONE,
    days_param,
    ok,
    ref,
)

LINK_PATH = "/api/teacher/students/{student_id}/share-link"
PATHS: dict[str, Any] = {
    "/api/teacher/students": {
        "get": {
            "summary": "The teacher's active students",
            "security": SECURITY,
            "responses": ok(
                {
                    "type": "object",
                    "properties": {
                        "zone": ZONE,
                        "students": {"type": "array", "items": ref("TeacherStudent")},
                    },
                },
                "Active students by name (archived ones left out).",
            ),
        }
    },
    LINK_PATH: {
        "parameters": [STUDENT_ID],
        "get": {
            "summary": "A student's current link",
            "security": SECURITY,
            "responses": {**ok(ref("Link"), "The newest link."), **NOT_YOURS},
        },
        "post": {
            "summary": "Regenerate a student's link",
            "description": (
                "A new link replaces the old one, which stops working at once; the account "
                "bound to it is unbound, as the chat's Regenerate does. Audited."
            ),
            "security": SECURITY,
            "requestBody": {
                "required": False,
                "content": {"application/json": {"schema": ref("NewLinkLimits")}},
            },
            "responses": {
                **ok(ref("Link"), "The new link.", "201"),
                **NOT_YOURS,
                "413": PROBLEM,
                "415": PROBLEM,
                "422": PROBLEM,
            },
        },
        "delete": {
            "summary": "Revoke a student's link",
            "security": SECURITY,
            "responses": {**ok(ref("Link"), "The link, now revoked."), **NOT_YOURS},
        },
    },
    LINK_PATH + "/qr.png": {
        "parameters": [STUDENT_ID],
        "get": {
            "summary": "The link as a QR code",
            "security": SECURITY,
            "responses": {
                "200": {
                    "description": "A PNG image of the link's QR code.",
                    "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
                },
                **REFUSALS,
                "404": PROBLEM,
            },
        },
    },
    "/api/teacher/analytics/token-usage": {
        "get": {
            "summary": "Link openings and refusals",
            "security": SECURITY,
            "parameters": [days_param(30, 366)],
            "responses": {**ok(ref("TokenUsage"), "Per student and per day."), "422": PROBLEM},
        }
    },
    "/api/teacher/analytics/bookings": {
        "get": {
            "summary": "Bookings, cancellations and the peak-time heatmap",
            "security": SECURITY,
            "parameters": [days_param(30, 366)],
            "responses": {**ok(ref("BookingFigures"), "Lessons of the period."), "422": PROBLEM},
        }
    },
    "/api/teacher/schedule": {
        "get": {
            "summary": "Lessons and free slots",
            "security": SECURITY,
            "parameters": [
                {
                    "name": "from",
                    "in": "query",
                    "schema": {"type": "string", "format": "date"},
                    "description": "First local day; default today.",
                },
                days_param(7, 42),
            ],
            "responses": {**ok(ref("TeacherSchedule"), "Lessons and free slots."), "422": PROBLEM},
        }
    },
}

PART: dict[str, Any] = {"paths": PATHS, "schemas": SCHEMAS}
