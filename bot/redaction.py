"""Secrets never reach a log line, a traceback or the terminal, whoever printed them."""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from urllib.parse import quote

REDACTED = "<redacted>"
# The bot token inside a Bot API address, even cut short: .../bot<id>:<secret>/<method>.
_BOT_PATH = re.compile(r"/bot\d+(?::|%3[Aa])[^/\s'\"]*")
# A /start payload, in a t.me link or a message text: a link token, or a guess at one.
_START_PAYLOAD = re.compile(r"(/start |[?&]start=)[A-Za-z0-9_-]{16,64}(?![A-Za-z0-9_-])")
# A link token anywhere else: 32 random bytes are exactly 43 URL-safe characters.
_LINK_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
# A teacher's API key (bot.domain.api_keys: "ll_" and 43 URL-safe characters), or a guess at one.
_API_KEY = re.compile(r"(?<![A-Za-z0-9_-])ll_[A-Za-z0-9_-]{16,64}(?![A-Za-z0-9_-])")


class Redactor:
    """Replaces known secrets (plain and URL-encoded) and anything shaped like a token."""

    def __init__(self, secrets: Iterable[str]) -> None:
        words: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            words.update({secret, quote(secret, safe=""), quote(secret)})
            head, colon, tail = secret.partition(":")
            if colon and head.isdigit() and tail:
                words.add(tail)  # the secret half of a bot token, printed on its own
        # Longest first, so a secret that contains another is replaced whole.
        self._words = sorted(words, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """The text with every secret replaced by <redacted>."""
        for word in self._words:
            if word in text:
                text = text.replace(word, REDACTED)
        text = _BOT_PATH.sub("/bot" + REDACTED, text)
        text = _START_PAYLOAD.sub(r"\1" + REDACTED, text)
        text = _API_KEY.sub(REDACTED, text)
        return _LINK_TOKEN.sub(REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """Formats the whole record, message, exception and stack alike, then redacts it."""

    def __init__(self, fmt: str, redact: Callable[[str], str]) -> None:
        super().__init__(fmt)
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        """The redacted line (and traceback, if the record carries one)."""
        return self._redact(super().format(record))

    def formatException(self, ei: logging._SysExcInfoType) -> str:
        """The traceback, redacted before logging caches it on the record."""
        return self._redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        """The stack, redacted."""
        return self._redact(super().formatStack(stack_info))


def install_last_resort(logger: logging.Logger) -> None:
    """Uncaught exceptions (main thread, other threads, unraisable) go through the logger.

    Python's own hooks print a traceback straight to stderr, past any formatter; an
    exception escaping asyncio.run would then show an address with the bot token in it.
    """

    def uncaught(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            return
        logger.critical("LessonLink stopped on an unexpected error", exc_info=(kind, exc, tb))

    def in_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            uncaught(args.exc_type, args.exc_value, args.exc_traceback)

    def unraisable(args: sys.UnraisableHookArgs) -> None:
        if args.exc_value is not None:
            logger.error(
                "%s: %r",
                args.err_msg or "Exception ignored in",
                args.object,
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
            )

    sys.excepthook = uncaught
    threading.excepthook = in_thread
    sys.unraisablehook = unraisable
