"""The simulated Telegram state: users, private chats, messages, files and the update queue."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sandbox.declarations import DEFAULT_UPDATE_TYPES
from sandbox.validation import ApiError, bad_request

if TYPE_CHECKING:
    from sandbox.people import SimUser


@dataclass
class Button:
    """An inline button as the user sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    web_app: str | None = None  # the WebAppInfo url a press opens as a Mini App


@dataclass
class ChatMessage:
    """One message as the Telegram app shows it in a private chat."""

    message_id: int
    from_bot: bool
    text: str | None
    caption: str | None
    raw_text: str | None
    buttons: list[list[Button]] = field(default_factory=list)
    keyboard: list[list[Button]] = field(default_factory=list)  # a reply keyboard sent with it
    photo: bytes | None = None
    document: bytes | None = None
    document_name: str | None = None
    date: int = 0
    edited: bool = False
    kind: str = "text"

    def button_texts(self) -> list[str]:
        """Visible button labels, row by row, flattened."""
        return [b.text for row in self.buttons for b in row]

    def find_button(self, text: str) -> Button | None:
        """The first inline (else reply keyboard) button with exactly this label, if any."""
        rows = [*self.buttons, *self.keyboard]
        return next((b for row in rows for b in row if b.text == text), None)

    @property
    def content(self) -> str:
        """Text or caption, whichever the message shows ('' if neither)."""
        return self.text if self.text is not None else (self.caption or "")


@dataclass
class StoredFile:
    """A file known to the server, addressable by file_id."""

    file_id: str
    file_unique_id: str
    content: bytes | None
    file_name: str | None = None
    mime_type: str | None = None


@dataclass
class Record:
    """A stored message: the user's view plus the Bot API Message object."""

    view: ChatMessage
    payload: dict[str, Any]


@dataclass(frozen=True)
class BotEvent:
    """A bot message appearing or being edited in a chat, with a snapshot of the result."""

    seq: int
    user_id: int
    message: ChatMessage


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to one button press."""

    callback_query_id: str
    update_id: int
    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass
class Webhook:
    """An active webhook registration."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


def file_ids(content: bytes | None, salt: str) -> tuple[str, str]:
    """Stable, Telegram-looking file_id and file_unique_id for some content."""
    digest = hashlib.sha256((content or b"") + salt.encode()).hexdigest()
    return f"AgAC{digest[:40]}", f"AQAD{digest[40:56]}"


class World:
    """All state of the simulated Telegram, for one bot."""

    def __init__(
        self,
        bot_user: dict[str, Any],
        wall_clock: Callable[[], float] = time.time,
        bot_token: str = "",
    ):
        self.bot_user = bot_user
        self.bot_token = bot_token  # Telegram knows it: Mini App launch data is signed with it
        self.wall_clock = wall_clock
        self.users: dict[int, SimUser] = {}
        self.chats: dict[int, list[Record]] = {}
        self._next_message_id: dict[int, int] = {}
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 100_000
        self.allowed_updates: tuple[str, ...] = DEFAULT_UPDATE_TYPES
        self.callbacks: dict[str, tuple[int, int, bool]] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}  # None: the bot's default
        self.web_apps: dict[str, str] = {}  # Mini Apps registered with @BotFather: name -> url
        # Stands in for Telegram's own key signing Mini App launch data (`signature`).
        self.signing_key = Ed25519PrivateKey.generate()
        self.webhook: Webhook | None = None
        self.events: list[BotEvent] = []
        self.chat_actions: list[tuple[int, str]] = []

    def now(self) -> int:
        """Unix time as Telegram reports it."""
        return int(self.wall_clock())

    # --- users and chats -------------------------------------------------------------------
    def user(self, user_id: int) -> SimUser:
        """The simulated user with this id, or KeyError."""
        if user_id not in self.users:
            raise KeyError(f"no simulated user {user_id}; call add_user first")
        return self.users[user_id]

    def chat_for_bot(self, chat_id: int | str) -> int:
        """Resolve a chat_id the bot sent to a private chat it may write to, like Telegram."""
        if isinstance(chat_id, str):
            if not chat_id.lstrip("-").isdigit():
                raise bad_request("chat not found")
            chat_id = int(chat_id)
        user = self.users.get(chat_id)
        if user is None:
            raise bad_request("chat not found")
        if user.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not user.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat_id

    def chat_payload(self, user_id: int) -> dict[str, Any]:
        """The Chat object of a private chat."""
        user = self.user(user_id)
        chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": user.first_name}
        if user.username:
            chat["username"] = user.username
        return chat

    def user_payload(self, user_id: int) -> dict[str, Any]:
        """The User object of a simulated person."""
        user = self.user(user_id)
        out: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": user.first_name}
        if user.username:
            out["username"] = user.username
        if user.language_code:
            out["language_code"] = user.language_code
        return out

    def find(self, user_id: int, message_id: int) -> Record | None:
        """A message still present in a chat."""
        return next(
            (r for r in self.chats.get(user_id, []) if r.view.message_id == message_id), None
        )

    def add_message(
        self, user_id: int, from_bot: bool, view_fields: dict[str, Any], payload: dict[str, Any]
    ) -> Record:
        """Append a message to a private chat, numbering it as Telegram does."""
        message_id = self._next_message_id.get(user_id, 1)
        self._next_message_id[user_id] = message_id + 1
        date = self.now()
        view = ChatMessage(message_id=message_id, from_bot=from_bot, date=date, **view_fields)
        sender = self.bot_user if from_bot else self.user_payload(user_id)
        full = {
            "message_id": message_id,
            "from": sender,
            "chat": self.chat_payload(user_id),
            "date": date,
            **payload,
        }
        record = Record(view, full)
        self.chats.setdefault(user_id, []).append(record)
        if from_bot:
            self.record_event(user_id, record)
        return record

    def record_event(self, user_id: int, record: Record) -> None:
        """Note that the bot made a message appear or change (for wait_for_bot_message)."""
        snapshot = dataclasses.replace(record.view, buttons=copy.deepcopy(record.view.buttons))
        self.events.append(BotEvent(len(self.events) + 1, user_id, snapshot))

    def delete(self, user_id: int, message_id: int) -> bool:
        """Remove a message from a chat; False if it was not there."""
        record = self.find(user_id, message_id)
        if record is None:
            return False
        self.chats[user_id].remove(record)
        return True

    def menu_button(self, chat_id: int) -> dict[str, Any]:
        """The menu button the user sees in a chat: its own if set, else the bot's default."""
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "commands"}

    # --- files ----------------------------------------------------------------------------
    def store_file(
        self, content: bytes | None, name: str | None, mime: str | None, salt: str
    ) -> StoredFile:
        """Keep a file so its file_id can be sent again."""
        file_id, unique = file_ids(content, salt)
        stored = StoredFile(file_id, unique, content, name, mime)
        self.files[file_id] = stored
        return stored

    # --- updates --------------------------------------------------------------------------
    def enqueue(self, kind: str, body: dict[str, Any]) -> int:
        """Queue an update as Telegram would; returns its update_id (queued or filtered)."""
        update_id = self.next_update_id
        self.next_update_id += 1
        if kind in self.allowed_updates:
            self.updates.append({"update_id": update_id, kind: body})
        return update_id

    def take_updates(self, offset: int | None, limit: int) -> list[dict[str, Any]]:
        """Confirm updates per offset (negative: keep only the last -offset) and list some."""
        if offset is not None and offset < 0:
            self.updates = self.updates[offset:]
        elif offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        return self.updates[:limit]

    def drop_pending(self) -> None:
        """Forget every queued update."""
        self.updates.clear()
