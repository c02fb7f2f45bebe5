"""Errors as RFC 9457 problem details: a stable code and one sentence in the caller's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http import HTTPStatus

from aiogram.utils.i18n import gettext as _
from aiohttp import web

PROBLEM_TYPE = "application/problem+json"
# Where the caller's language is kept on a request once known (auth may learn it late).
LANGUAGE = web.RequestKey("lessonlink_language", str)

Sentence = Callable[[], str]


class Problem(Exception):
    """Raise anywhere in a route: the API answers it as problem details, never a traceback."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: Sentence,
        *,
        headers: Mapping[str, str] | None = None,
        errors: list[tuple[str, Sentence]] | None = None,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.detail = detail  # called in the caller's locale when the answer is rendered
        self.headers = dict(headers or {})
        self.errors = errors  # (field, sentence) pairs for a 422

    def body(self) -> dict[str, object]:
        """The JSON body; call inside the caller's locale."""
        body: dict[str, object] = {
            "type": f"/api/problems/{self.code}",
            "title": HTTPStatus(self.status).phrase,
            "status": self.status,
            "code": self.code,
            "detail": self.detail(),
        }
        if self.errors is not None:
            body["errors"] = [{"field": f, "detail": said()} for f, said in self.errors]
        return body


def invalid(field: str, detail: Sentence) -> Problem:
    """422: well-formed JSON with a field that is not acceptable."""
    return Problem(
        422,
        "invalid-request",
        lambda: _("Some of the request's fields are not valid."),
        errors=[(field, detail)],
    )


def not_found() -> Problem:
    """404 for anything unknown or not the caller's: existence is never revealed."""
    return Problem(404, "not-found", lambda: _("There is nothing here."))


def internal() -> Problem:
    """500: something failed on our side; said without details."""
    return Problem(
        500, "internal", lambda: _("Something went wrong on our side. Please try again.")
    )
