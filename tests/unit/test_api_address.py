"""TELEGRAM_API_URL is checked for its form before any request could print it."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:address-test-token")
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("http://127.0.0.1:99999", "its port must be a number from 1 to 65535"),
        ("http://127.0.0.1:80a", "its port must be a number from 1 to 65535"),
        ("http://127.0.0.1:0", "its port must be a number from 1 to 65535"),
        ("http://[::1:8081", "an IPv6 address goes in closed brackets"),
        ("http://[::zz]:8081", "its host is not a valid address"),
        ("127.0.0.1:8081", "it must start with http:// or https://"),
        ("ftp://127.0.0.1:8081", "it must start with http:// or https://"),
        ("http://exa mple.com", "it must not contain spaces"),
        (" http://127.0.0.1:8081", "it must not contain spaces"),
        ("http://127.0.0.1:8081\t", "it must not contain spaces"),
        ("http://", "it needs a valid host"),
        ("http://a..b:8081", "it needs a valid host"),
        ("http://-x.example", "it needs a valid host"),
        ("http://127.0.0.1:8081/?x=1", "without ?query or #fragment"),
        ("http://127.0.0.1:8081/#top", "without ?query or #fragment"),
    ],
)
def test_a_malformed_bot_api_address_is_named_with_its_fault(
    monkeypatch: pytest.MonkeyPatch, value: str, reason: str
) -> None:
    monkeypatch.setenv("TELEGRAM_API_URL", value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith("TELEGRAM_API_URL is malformed: ")
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://api.telegram.org/", "https://api.telegram.org"),
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081"),
        ("http://[::1]:8081", "http://[::1]:8081"),
        ("http://telegram_bot_api:8081", "http://telegram_bot_api:8081"),
        ("https://proxy.example/telegram/", "https://proxy.example/telegram"),
    ],
)
def test_a_well_formed_address_is_kept(
    monkeypatch: pytest.MonkeyPatch, value: str, kept: str
) -> None:
    monkeypatch.setenv("TELEGRAM_API_URL", value)
    assert load_settings().telegram_api_url == kept
