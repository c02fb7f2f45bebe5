"""Fetch teachers' own calendar feeds when due; their busy time blocks hours (bot.services).

Every worker runs it: each claims the calendars it fetches (a lease in the database), so
none is fetched twice at once. A fetch is bounded in time and size and sends the feed's
ETag / Last-Modified back, so an unchanged calendar costs a 304. The address is secret:
nothing here logs it, and errors are recorded by kind only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

import aiohttp

from bot.domain.busy_time import MAX_FEED_BYTES
from bot.services import busy_calendar
from bot.services.busy_calendar import Due, Failed, Fetched
from bot.services.context import Deps

log = logging.getLogger("lessonlink.busy_calendars")

TIMEOUT = aiohttp.ClientTimeout(total=20, connect=10)
CHUNK = 64 * 1024


async def fetch(http: aiohttp.ClientSession, due: Due) -> Fetched | Failed:
    """One conditional GET of a feed, at most MAX_FEED_BYTES; never raises."""
    headers = {"Accept": "text/calendar, */*;q=0.5", "User-Agent": "LessonLink calendar"}
    if due.etag:
        headers["If-None-Match"] = due.etag
    if due.last_modified:
        headers["If-Modified-Since"] = due.last_modified
    try:
        async with http.get(due.url, headers=headers, allow_redirects=True) as got:
            if got.status == 304:
                return Fetched(None)
            if got.status != 200:
                return Failed(f"HTTP {got.status}")
            body = bytearray()
            async for chunk in got.content.iter_chunked(CHUNK):
                body += chunk
                if len(body) > MAX_FEED_BYTES:
                    return Failed("too large")
            return Fetched(
                bytes(body), got.headers.get("ETag", ""), got.headers.get("Last-Modified", "")
            )
    except TimeoutError:
        return Failed("timed out")
    except (aiohttp.ClientError, ValueError, OSError) as exc:
        return Failed(type(exc).__name__)  # its text may quote the address


def busy_calendars_job(deps: Deps, every: timedelta) -> Callable[[], Awaitable[None]]:
    """A job fetching every calendar that is due, a few at a time, then applying each."""

    async def run() -> None:
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
                while due := await busy_calendar.claim_due(deps):
                    outcomes = await asyncio.gather(*(fetch(http, d) for d in due))
                    for d, outcome in zip(due, outcomes, strict=True):
                        await busy_calendar.record(deps, d.id, outcome, every)
        except Exception:
            # A failing pass is retried at the next tick (claims run out by themselves).
            log.exception("busy calendar pass failed")

    return run
