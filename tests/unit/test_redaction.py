"""No secret in any log output: messages, tracebacks, stacks and uncaught exceptions alike."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from urllib.parse import quote

import pytest

import run_bot
from bot.config import Settings
from bot.domain.api_keys import new_key
from bot.redaction import RedactingFormatter, Redactor, install_last_resort
from bot.security import TokenVault

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
WEBHOOK_SECRET = "webhook-secret-value-42"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """A logger whose only handler formats like the running bot, into a string."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(RedactingFormatter(run_bot.LOG_FORMAT, Redactor([TOKEN, WEBHOOK_SECRET])))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield buffer
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def _fail_with_the_token_in_the_url() -> None:
    url = f"http://127.0.0.1:99999/bot{TOKEN}/getMe"
    try:
        raise ValueError(f"InvalidUrlClientError: {url}")
    except ValueError as exc:
        raise RuntimeError(f"HTTP Client says - {url} ({quote(TOKEN, safe='')})") from exc


def test_a_traceback_holding_the_token_is_redacted(stream: io.StringIO) -> None:
    try:
        _fail_with_the_token_in_the_url()
    except RuntimeError:
        logging.getLogger("test.redaction").exception("start-up failed")
    text = stream.getvalue()
    assert "Traceback" in text and "InvalidUrlClientError" in text
    assert TOKEN not in text
    assert quote(TOKEN, safe="") not in text, "the URL-encoded token is the token too"
    assert TOKEN[:10] not in text and TOKEN.split(":")[1] not in text
    assert "/bot<redacted>/getMe" in text


def test_a_record_with_exc_info_text_and_stack_is_redacted(stream: io.StringIO) -> None:
    record = logging.LogRecord(
        "test.redaction",
        logging.ERROR,
        __file__,
        1,
        "update failed: %s",
        (WEBHOOK_SECRET,),
        None,
        sinfo=f"Stack (most recent call last):\n  secret_token={WEBHOOK_SECRET}",
    )
    try:
        _fail_with_the_token_in_the_url()
    except RuntimeError:
        record.exc_info = sys.exc_info()
    logging.getLogger("test.redaction").handle(record)
    text = stream.getvalue()
    assert WEBHOOK_SECRET not in text and TOKEN not in text
    assert "Stack (most recent call last)" in text and "Traceback" in text
    assert record.exc_text is not None and TOKEN not in record.exc_text


def test_link_tokens_are_redacted_in_links_and_start_commands() -> None:
    link_token = TokenVault.new_token()
    redact = Redactor([TOKEN])
    text = redact(
        f"sendMessage failed for https://t.me/lessonlink_bot?start={link_token} "
        f"text='/start {link_token}' raw={link_token}"
    )
    assert link_token not in text
    assert text.count("<redacted>") == 3


def test_api_keys_are_redacted_wherever_they_appear() -> None:
    key = new_key()
    text = Redactor([TOKEN])(f"Authorization: Bearer {key} failed; key={key}")
    assert key not in text and key[3:] not in text
    assert text.count("<redacted>") == 2


def test_an_uncaught_exception_goes_through_the_redacting_handler(
    stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_last_resort(logging.getLogger("test.redaction"))
    try:
        _fail_with_the_token_in_the_url()
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    text = stream.getvalue()
    assert "stopped on an unexpected error" in text and "Traceback" in text
    assert TOKEN not in text


def test_the_bot_log_redacts_every_configured_secret_in_messages_and_tracebacks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for hook in ("excepthook", "unraisablehook"):
        monkeypatch.setattr(sys, hook, getattr(sys, hook))
    settings = Settings(
        bot_token=TOKEN,  # type: ignore[arg-type]
        webhook_secret=WEBHOOK_SECRET,  # type: ignore[arg-type]
        secret_key="the-secret-key-protecting-links",  # type: ignore[arg-type]
        database_url="postgresql+asyncpg://lessonlink:db-password-9@127.0.0.1/lessonlink",
    )
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        run_bot.configure_logging(settings)
        logging.getLogger("lessonlink").error(
            "boom %s %s %s %s",
            TOKEN,
            WEBHOOK_SECRET,
            "the-secret-key-protecting-links",
            "db-password-9",
        )
        try:
            _fail_with_the_token_in_the_url()
        except RuntimeError:
            logging.getLogger("aiogram.dispatcher").exception("Failed to fetch updates")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        logging.captureWarnings(False)
    err = capsys.readouterr().err
    assert "boom <redacted> <redacted> <redacted> <redacted>" in err
    assert "Failed to fetch updates" in err and "Traceback" in err
    for secret in (TOKEN, quote(TOKEN, safe=""), WEBHOOK_SECRET, "db-password-9"):
        assert secret not in err
