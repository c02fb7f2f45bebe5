"""Watching the chats: wake waiters on every change, wait for a bot message, describe state."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sandbox.world import BotEvent, ChatMessage, World


def describe(message: ChatMessage) -> str:
    """One line describing a message for failure reports."""
    who = "bot" if message.from_bot else "user"
    body = message.text if message.text is not None else f"<{message.kind}> {message.caption or ''}"
    buttons = f" buttons={message.button_texts()}" if message.buttons else ""
    return f"  [{who} #{message.message_id}{' edited' if message.edited else ''}] {body!r}{buttons}"


class ChatWatch:
    """Mixin for People: the change signal, per-user read cursors and the waits built on them."""

    world: World
    _changed: asyncio.Event
    _cursors: dict[int, int]

    def bump(self) -> None:
        """Wake everyone waiting for a change (called after every request and action)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_change(self, timeout: float) -> bool:
        """Wait until the next change or the timeout; True if something changed."""
        event = self._changed
        try:
            async with asyncio.timeout(timeout):
                await event.wait()
        except TimeoutError:
            return False
        return True

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Return once predicate() holds; TimeoutError describing the chats otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s\n{self.describe_state()}")
            await self.wait_change(remaining)

    def describe_state(self) -> str:
        """The last messages of every chat and the last refused requests, for diagnostics."""
        lines: list[str] = []
        for user_id, records in self.world.chats.items():
            lines.append(f"chat {user_id}:")
            lines += [describe(r.view) for r in records[-6:]]
        refused = [r for r in getattr(self, "requests", []) if r.status != 200][-5:]
        lines += [f"refused {r.method}: {r.status} {r.description}" for r in refused]
        return "\n".join(lines) or "(no chats)"

    def event_mark(self) -> int:
        """A position in the stream of bot messages/edits, usable as `since`."""
        return len(self.world.events)

    async def wait_for_bot_message(
        self,
        user_id: int,
        contains: str | None = None,
        timeout: float = 5.0,
        since: int | None = None,
    ) -> ChatMessage:
        """Wait for a bot message or edit in this chat newer than the user's last action.

        Each returned message moves the cursor, so consecutive calls see consecutive messages;
        `contains` skips messages whose text/caption lacks the substring.
        """
        start = since if since is not None else self._cursors.get(user_id, 0)
        found: list[BotEvent] = []

        def matching() -> bool:
            for event in self.world.events[start:]:
                if event.user_id == user_id and (
                    contains is None or contains in event.message.content
                ):
                    found.append(event)
                    return True
            return False

        try:
            await self.wait_for(matching, timeout)
        except TimeoutError as exc:
            wanted = f" containing {contains!r}" if contains else ""
            raise TimeoutError(f"no new bot message{wanted} for {user_id}: {exc}") from None
        self._cursors[user_id] = found[0].seq
        return found[0].message

    def _acted(self, user_id: int) -> None:
        self._cursors[user_id] = len(self.world.events)
        self.bump()
