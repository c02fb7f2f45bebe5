"""Mini App initData is trusted only when Telegram's signature checks out and it is fresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.init_data import InitDataRefused, verify_init_data
from tests.steps.mini_app import signed_init_data

TOKEN = "123456:TEST-TOKEN"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def signed(token: str = TOKEN, at: datetime = NOW, **extra: str) -> str:
    """initData for Anna (42, Russian), signed with `token` at `at`."""
    return signed_init_data(token, 42, at, language="ru", **extra)


def test_valid_init_data_names_the_user_their_language_and_start_parameter() -> None:
    user = verify_init_data(signed(start_param="abc"), TOKEN, NOW, DAY)
    assert (user.id, user.first_name, user.language_code, user.start_param) == (
        42,
        "User 42",
        "ru",
        "abc",
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (signed(token="654321:OTHER-BOT"), "bad-hash"),  # signed for another bot
        (signed().replace("User", "Mallory"), "bad-hash"),  # altered after signing
        (signed(at=NOW - DAY - timedelta(seconds=1)), "stale"),
        (signed(at=NOW + timedelta(hours=1)), "stale"),  # from the future
        (signed().rsplit("&hash=", 1)[0], "missing-hash"),
        ("", "malformed"),
        ("user=1\x00&hash=0", "malformed"),
        (signed() + "&auth_date=1", "malformed"),  # a repeated key
        ("x" * 9000, "malformed"),
    ],
)
def test_forged_stale_or_garbled_init_data_is_refused(raw: str, reason: str) -> None:
    with pytest.raises(InitDataRefused) as refused:
        verify_init_data(raw, TOKEN, NOW, DAY)
    assert refused.value.reason == reason


def test_init_data_signed_without_a_user_proves_nobody() -> None:
    raw = signed(user="not json")
    with pytest.raises(InitDataRefused, match="no-user"):
        verify_init_data(raw, TOKEN, NOW, DAY)
