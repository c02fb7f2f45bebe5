"""Acting as people: users who write to the bot, press buttons and read their chats."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from sandbox.chat_watch import ChatWatch
from sandbox.mini_apps import MiniApps, WebAppLaunch
from sandbox.world import Button, CallbackAnswer, ChatMessage, World

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
# A 1x1 transparent PNG, used when a test does not care what the photo shows.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class ButtonNotFound(LookupError):
    """The button the test wanted to press is not visible in the chat."""


@dataclass
class SimUser:
    """A simulated Telegram user and their relation to the bot."""

    id: int
    first_name: str
    language_code: str | None = "en"
    username: str | None = None
    started: bool = False
    blocked: bool = False
    people: People | None = field(default=None, repr=False, compare=False)

    def _p(self) -> People:
        assert self.people is not None
        return self.people

    def send_text(self, text: str) -> int:
        """Write a text message to the bot; returns the update_id."""
        return self._p().send_text(self.id, text)

    def press_button(self, text: str, message_id: int | None = None) -> int:
        """Press a visible inline button by its label; returns the update_id."""
        return self._p().press_button(self.id, text, message_id)

    def chat(self) -> list[ChatMessage]:
        """The chat as this user sees it."""
        return self._p().chat(self.id)

    def open_web_app(self, source: Button | str, **options: Any) -> WebAppLaunch:
        """Open a Mini App from a web_app button (or its label) or URL; see People."""
        return self._p().open_web_app(self.id, source, **options)


class People(ChatWatch, MiniApps):
    """Mixin giving the server an in-process API to act as users and observe chats."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._changed = asyncio.Event()
        self._cursors: dict[int, int] = {}
        self._query_ids = itertools.count(1)

    # --- users ----------------------------------------------------------------------------
    def add_user(
        self,
        user_id: int,
        first_name: str,
        language_code: str | None = "en",
        username: str | None = None,
    ) -> SimUser:
        """Create a person who can talk to the bot (they have not started it yet)."""
        user = SimUser(user_id, first_name, language_code, username, people=self)
        self.world.users[user_id] = user
        return user

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends now fail with 403."""
        self.world.user(user_id).blocked = True

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot."""
        self.world.user(user_id).blocked = False

    def _user_message(self, user_id: int, view: dict[str, Any], payload: dict[str, Any]) -> int:
        user = self.world.user(user_id)
        user.started, user.blocked = True, False
        record = self.world.add_message(user_id, False, view, payload)
        update_id = self.world.enqueue("message", copy.deepcopy(record.payload))
        self._acted(user_id)
        return update_id

    def send_text(self, user_id: int, text: str) -> int:
        """The user writes `text` to the bot; returns the update_id of the message update."""
        payload: dict[str, Any] = {"text": text}
        if m := _COMMAND_RE.match(text):
            payload["entities"] = [{"type": "bot_command", "offset": 0, "length": m.end()}]
        view = {"text": text, "caption": None, "raw_text": text}
        return self._user_message(user_id, view, payload)

    def send_sticker(self, user_id: int, emoji: str = "👍") -> int:
        """The user sends a sticker (a message without text)."""
        stored = self.world.store_file(emoji.encode(), "sticker.webp", "image/webp", "sticker")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        view = {"text": None, "caption": None, "raw_text": None, "kind": "sticker"}
        return self._user_message(user_id, view, {"sticker": sticker})

    def send_photo(
        self, user_id: int, content: bytes = TINY_PNG, caption: str | None = None
    ) -> int:
        """The user sends a photo (downloadable by the bot via getFile)."""
        stored = self.world.store_file(content, "photo.jpg", "image/jpeg", f"photo{user_id}")
        size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": 1,
            "height": 1,
            "file_size": len(content),
        }
        payload: dict[str, Any] = {"photo": [size]}
        if caption:
            payload["caption"] = caption
        view = {
            "text": None,
            "caption": caption,
            "raw_text": caption,
            "kind": "photo",
            "photo": content,
        }
        return self._user_message(user_id, view, payload)

    # --- buttons --------------------------------------------------------------------------
    def _callback(self, user_id: int, message_id: int, data: str) -> int:
        record = self.world.find(user_id, message_id)
        if record is None:
            raise ButtonNotFound(f"message {message_id} is not in the chat of {user_id}")
        query_id = f"{user_id}{next(self._query_ids):08d}"
        digest = hashlib.sha1(f"{self.world.bot_user['id']}:{user_id}".encode()).hexdigest()
        body = {
            "id": query_id,
            "from": self.world.user_payload(user_id),
            "message": copy.deepcopy(record.payload),
            "chat_instance": str(int(digest[:15], 16)),
            "data": data,
        }
        update_id = self.world.enqueue("callback_query", body)
        self.world.callbacks[query_id] = (user_id, update_id, False)
        self._acted(user_id)
        return update_id

    def press(self, user_id: int, message_id: int, callback_data: str) -> int:
        """Press the button carrying `callback_data` on a message still in the chat."""
        record = self.world.find(user_id, message_id)
        buttons = [b for row in record.view.buttons for b in row] if record else []
        if not any(b.callback_data == callback_data for b in buttons):
            visible = [(b.text, b.callback_data) for b in buttons]
            raise ButtonNotFound(
                f"no button with data {callback_data!r} on message {message_id} of {user_id}; "
                f"visible: {visible}"
            )
        return self._callback(user_id, message_id, callback_data)

    def press_button(self, user_id: int, text: str, message_id: int | None = None) -> int:
        """Press a callback button by its label, on the given or newest message showing it."""
        candidates = [
            r.view
            for r in reversed(self.world.chats.get(user_id, []))
            if r.view.from_bot and (message_id is None or r.view.message_id == message_id)
        ]
        for message in candidates:
            button = message.find_button(text)
            if button is not None and button.callback_data is not None:
                return self._callback(user_id, message.message_id, button.callback_data)
        visible = {m.message_id: m.button_texts() for m in candidates if m.buttons}
        raise ButtonNotFound(f"no button {text!r} for {user_id}; visible buttons: {visible}")

    def press_forged(self, user_id: int, message_id: int, data: str) -> int:
        """Send arbitrary callback data for an existing message, as a tampered client would."""
        return self._callback(user_id, message_id, data)

    # --- observing ------------------------------------------------------------------------
    def chat(self, user_id: int) -> list[ChatMessage]:
        """The messages of this private chat in order, as the app shows them (copies)."""
        return [
            dataclasses.replace(r.view, buttons=copy.deepcopy(r.view.buttons))
            for r in self.world.chats.get(user_id, [])
        ]

    def bot_messages(self, user_id: int) -> list[ChatMessage]:
        """The bot's messages still visible in this chat."""
        return [m for m in self.chat(user_id) if m.from_bot]

    def last_bot_message(self, user_id: int) -> ChatMessage | None:
        """The newest bot message in this chat, if any."""
        messages = self.bot_messages(user_id)
        return messages[-1] if messages else None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """Every answerCallbackQuery the bot made, in order."""
        return self.world.callback_answers

    def callback_answer_for(self, update_id: int) -> CallbackAnswer | None:
        """The answer to the button press that produced this update, if answered."""
        return next((a for a in self.world.callback_answers if a.update_id == update_id), None)
