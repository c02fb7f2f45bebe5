"""PUBLIC_URL and MINI_APP_NAME: a value Telegram could not open stops the start, in a sentence."""

from __future__ import annotations

import pytest

from tests.startup.conftest import StartBot


@pytest.mark.parametrize(
    ("values", "variable", "says"),
    [
        ({"PUBLIC_URL": "http://lessons.example.com"}, "PUBLIC_URL", "must be an https://"),
        ({"PUBLIC_URL": "ftp://lessons.example.com"}, "PUBLIC_URL", "http:// or https://"),
        ({"PUBLIC_URL": "https://x.example/app?a=1"}, "PUBLIC_URL", "without ?query"),
        ({"PUBLIC_URL": "https://x.example", "MINI_APP_NAME": "a b"}, "MINI_APP_NAME", "3-30"),
        ({"MINI_APP_NAME": "calendar"}, "MINI_APP_NAME", "needs PUBLIC_URL"),
        (
            {"PUBLIC_URL": "http://127.0.0.1:8080", "MINI_APP_NAME": "calendar"},
            "MINI_APP_NAME",
            "https:// address the Mini App is served from",
        ),
    ],
)
async def test_a_public_address_telegram_cannot_open_is_refused(
    start: StartBot, values: dict[str, str], variable: str, says: str
) -> None:
    done = await start(**values)
    assert says in done.sentence(variable)
