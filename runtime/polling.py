"""Long polling that confirms an update to Telegram only once it is handled.

getUpdates returns the oldest updates not yet confirmed; calling it with `offset` confirms every
update with a smaller id, and Telegram forgets those. aiogram's polling confirms a batch as
soon as it has read it, so a crash lost every update still being handled. Here the offset is
the lowest update_id still in flight (the last one + 1 when none is): after a crash everything
unfinished is fetched again, and the processed-updates claims (bot.services.updates) skip what
was finished and take over, once its heartbeat has stopped, what the dead process had begun.

One person's updates are handled one at a time in the order Telegram numbered them (a lane
per user), as the per-user lock does for webhook workers; different people run concurrently.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import deque
from collections.abc import Hashable

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.services.context import Deps
from bot.services.updates import Applied, ClaimKeeper, apply_once
from runtime.delivery import feed, needs_redelivery

log = logging.getLogger("lessonlink.polling")

POLL_TIMEOUT = 30  # seconds Telegram holds a long poll open while nothing is in flight
# While updates are in flight Telegram answers at once (they are unconfirmed), so new ones are
# looked for at this pace instead of a long poll.
BUSY_POLL = 0.25
RETRY_CLAIMED = 2.0  # an update another process claimed: ask again this often
# An update that fails this often while others are handled fails for itself, not because the
# database is down: its last attempt tells the user, so it stops holding the offset back.
GIVE_UP_AFTER = 5
SHUTDOWN_GRACE = 30.0  # updates in flight get this long to finish on SIGTERM
# Read when polling starts and for each failing update, so a test may shorten the waits.
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=30.0, factor=1.5, jitter=0.1)


def lane_of(update: Update) -> Hashable:
    """Whose update this is: one person's updates share a lane and run in order."""
    context = UserContextMiddleware.resolve_event_context(update)
    if context.user_id is not None:
        return ("user", context.user_id)
    if context.chat_id is not None:
        return ("chat", context.chat_id)
    return ("update", update.update_id)


class Poller:
    """Fetches updates, hands them to per-user lanes, and confirms only handled ones."""

    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        deps: Deps,
        allowed_updates: list[str],
        timeout: int = POLL_TIMEOUT,
    ) -> None:
        self._bot = bot
        self._dispatcher = dispatcher
        self._deps = deps
        self._allowed = allowed_updates
        self._timeout = timeout
        self.claims = ClaimKeeper(deps)
        self._pending: dict[int, Update] = {}  # received and not yet handled
        self._done: set[int] = set()  # handled, perhaps not yet confirmed
        self._last: int | None = None  # the last update_id Telegram returned
        self._confirmed: int | None = None  # the offset last sent to Telegram
        self._lanes: dict[Hashable, deque[Update]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._handled = 0  # updates handled so far, to tell one failing update from an outage
        self._idle = asyncio.Event()  # set whenever nothing is in flight
        self._idle.set()
        self._stopping = asyncio.Event()

    @property
    def offset(self) -> int | None:
        """What to confirm: everything below the oldest update still in flight."""
        if self._pending:
            return min(self._pending)
        return None if self._last is None else self._last + 1

    async def run(self, stopping: asyncio.Event) -> None:
        """Poll until `stopping` is set; then let updates in flight finish and confirm them."""
        self._stopping = stopping
        backoff = Backoff(BACKOFF)
        while not stopping.is_set():
            try:
                updates = await self._fetch()
            except TelegramRetryAfter as exc:
                log.warning("getUpdates: flood control, polling again in %d s", exc.retry_after)
                await self._wait(float(exc.retry_after))
                continue
            except Exception as exc:  # network, 5xx, 409: Telegram keeps the updates meanwhile
                delay = next(backoff)
                log.warning(
                    "getUpdates failed (%s: %s), trying again in %.1f s",
                    type(exc).__name__,
                    exc,
                    delay,
                )
                await self._wait(delay)
                continue
            if updates is None:
                break  # the stop cut the long poll short: Telegram keeps what it held
            backoff.reset()
            # Unconfirmed updates come back on every call: skip those in flight or handled.
            fresh = [u for u in updates if not self._seen(u.update_id)]
            for update in fresh:
                self._accept(update)
            if self._pending and not fresh:
                await self._wait(BUSY_POLL, self._idle)
        await self._finish()

    def _seen(self, update_id: int) -> bool:
        return update_id in self._pending or update_id in self._done

    async def _fetch(self) -> list[Update] | None:
        """One getUpdates; None if the stop came first."""
        offset = self.offset
        timeout = 0 if self._pending else self._timeout
        method = GetUpdates(offset=offset, timeout=timeout, allowed_updates=self._allowed)
        # The HTTP request must outlive the long poll, or every quiet poll would time out.
        request_timeout = int(self._bot.session.timeout + timeout)
        poll = asyncio.ensure_future(self._bot(method, request_timeout=request_timeout))
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({poll, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if not poll.done():
            poll.cancel()
            return None
        updates = poll.result()
        self._confirmed = offset
        if offset is not None:
            self._done = {i for i in self._done if i >= offset}  # Telegram forgot the rest
        if updates:
            self._last = updates[-1].update_id
        return updates

    async def _wait(self, seconds: float, *events: asyncio.Event) -> None:
        """Wait this long, or less if the stop (or one of `events`) comes first."""
        waiters = [asyncio.ensure_future(e.wait()) for e in (self._stopping, *events)]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    def _accept(self, update: Update) -> None:
        """Queue a new update in its person's lane; start the lane if it was idle."""
        self._pending[update.update_id] = update
        self._idle.clear()
        key = lane_of(update)
        if key in self._lanes:
            self._lanes[key].append(update)
            return
        self._lanes[key] = deque([update])
        task = asyncio.create_task(self._run_lane(key), name=f"lane-{update.update_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_lane(self, key: Hashable) -> None:
        """Handle one person's updates in order; on a stop, leave the rest for the next start."""
        lane = self._lanes[key]
        try:
            while lane and not self._stopping.is_set():
                update = lane[0]
                try:
                    if not await self._handle(update):
                        break
                except Exception:  # a bug here must not hold the offset (and everyone) back
                    log.exception("update=%s could not be handled", update.update_id)
                lane.popleft()
                del self._pending[update.update_id]
                self._done.add(update.update_id)
                if not self._pending:
                    self._idle.set()
        finally:
            del self._lanes[key]

    async def _handle(self, update: Update) -> bool:
        """Apply one update once; False if the stop came first (it is fetched again later)."""
        backoff = Backoff(BACKOFF)
        failures, handled_before = 0, self._handled
        while True:
            last = failures >= GIVE_UP_AFTER and self._handled > handled_before
            handle = functools.partial(self._feed, update, last)
            applied = await apply_once(self._deps, self.claims, update.update_id, handle)
            if applied in (Applied.HANDLED, Applied.DUPLICATE):
                self._handled += 1
                return True
            # Claimed by another process (one that died, until its heartbeat is stale), or
            # the database failed: Telegram keeps the update, so try again a little later.
            if applied is Applied.IN_PROGRESS:
                delay = RETRY_CLAIMED
            else:
                failures, delay = failures + 1, next(backoff)
            if failures <= 1:
                log.info("update=%s %s: trying again shortly", update.update_id, applied.value)
            await self._wait(delay)
            if self._stopping.is_set():
                return False

    async def _feed(self, update: Update, last: bool) -> bool:
        """Handle the update; False if it failed in a way that another attempt may fix."""
        failure = await feed(self._bot, self._dispatcher, update, last=last)
        if failure is None or (needs_redelivery(failure) and not last):
            return failure is None
        # Escaped every error handler: trying again would only fail again and hold the offset.
        log.error(
            "update=%s failed: %s: %s",
            update.update_id,
            type(failure).__name__,
            failure,
            exc_info=failure,
        )
        return True

    async def _finish(self) -> None:
        """Let updates in flight finish, then confirm what was handled."""
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=SHUTDOWN_GRACE)
            if late:
                log.warning("stop: %d updates still in flight, left for the next start", len(late))
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        offset = self.offset
        if offset is None or offset == self._confirmed:
            return
        try:  # optional: the claims would skip the handled ones on the next start anyway
            await self._bot(GetUpdates(offset=offset, limit=1, timeout=0))
        except Exception as exc:
            log.info("stop: handled updates not confirmed (%s)", type(exc).__name__)


async def poll_updates(
    bot: Bot, dispatcher: Dispatcher, deps: Deps, stopping: asyncio.Event
) -> None:
    """aiogram's start_polling, confirming each update only once handled, until `stopping`."""
    workflow = {"dispatcher": dispatcher, "bots": (bot,), **dispatcher.workflow_data}
    workflow.pop("bot", None)
    await dispatcher.emit_startup(bot=bot, **workflow)
    try:
        log.info("polling for updates")
        poller = Poller(bot, dispatcher, deps, dispatcher.resolve_used_update_types())
        await poller.run(stopping)
    finally:
        log.info("polling stopped")
        await dispatcher.emit_shutdown(bot=bot, **workflow)
