"""The access log, with every token-like part of a path (links, keys, feeds) redacted."""

from __future__ import annotations

import re

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

# A path segment that could be a secret: link tokens are 43 url-safe characters, keys longer.
SECRET_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_\-]{20,}(?=/|$|\.)")


def redact_path(path: str) -> str:
    """The path without its query and with secret-looking segments replaced by <token>."""
    return SECRET_SEGMENT.sub("<token>", path.split("?", 1)[0])


class RedactingAccessLogger(AbstractAccessLogger):
    """One line per request: method, redacted path, status, duration; never a query string."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """Write the request's line."""
        self.logger.info(
            "%s %s %d %.1fms",
            request.method,
            redact_path(request.path),  # decoded: a %-encoded token is redacted too
            response.status,
            time * 1000,
        )
