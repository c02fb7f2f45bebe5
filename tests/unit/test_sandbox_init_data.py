"""The sandbox's Mini App launch data passes a checker written here from Telegram's docs alone.

The checker below follows core.telegram.org/bots/webapps ("Validating data received via the
Mini App") step by step and shares no code with sandbox/init_data.py, so a mistake made in
both the same way is unlikely to pass.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qsl

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sandbox import BotAPIServer
from sandbox.init_data import THEMES, init_data, launch_url

TOKEN = "7000001:AAH-bot-token-of-the-right-bot"
OTHER_TOKEN = "7000002:AAH-bot-token-of-another-bot"
USER = {"id": 42, "first_name": "Anna / Аня", "username": "anna", "language_code": "ru"}


def telegram_says_valid(query: str, bot_token: str) -> bool:
    """The docs' recipe: secret = HMAC("WebAppData", token); hash = HMAC(secret, check string)."""
    pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    received = dict(pairs)
    assert len(received) == len(pairs), "a field appears twice"
    given = received.pop("hash")
    check = "\n".join(f"{k}={v}" for k, v in sorted(received.items()))
    secret = hmac.new(key=b"WebAppData", msg=bot_token.encode(), digestmod=hashlib.sha256)
    wanted = hmac.new(key=secret.digest(), msg=check.encode(), digestmod=hashlib.sha256)
    return hmac.compare_digest(wanted.hexdigest(), given)


def raw_public(key: Ed25519PrivateKey) -> bytes:
    """The 32-byte public key, as Telegram publishes its own."""
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def third_party_says_valid(query: str, bot_id: int, public_key: bytes) -> bool:
    """The docs' third-party recipe: Ed25519 over "<bot_id>:WebAppData\\n" + check string."""
    received = dict(parse_qsl(query, keep_blank_values=True))
    signature = received.pop("signature")
    received.pop("hash")
    check = f"{bot_id}:WebAppData\n" + "\n".join(f"{k}={v}" for k, v in sorted(received.items()))
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(raw, check.encode())
    except InvalidSignature:
        return False
    return True


def test_init_data_verifies_with_the_documented_recipe() -> None:
    query = init_data(
        bot_token=TOKEN, user=USER, auth_date=1_780_000_000, query_id="AAHxyz", start_param="t0k"
    )
    assert telegram_says_valid(query, TOKEN)
    fields = dict(parse_qsl(query))
    assert json.loads(fields["user"]) == USER
    assert (fields["auth_date"], fields["query_id"], fields["start_param"]) == (
        "1780000000",
        "AAHxyz",
        "t0k",
    )


def test_data_for_another_bot_or_tampered_data_does_not_verify() -> None:
    query = init_data(bot_token=OTHER_TOKEN, user=USER, auth_date=1_780_000_000)
    assert telegram_says_valid(query, OTHER_TOKEN)
    assert not telegram_says_valid(query, TOKEN)
    good = init_data(bot_token=TOKEN, user=USER, auth_date=1_780_000_000)
    forged = good.replace("%22id%22%3A42", "%22id%22%3A43")
    assert forged != good and not telegram_says_valid(forged, TOKEN)


def test_signature_verifies_with_the_public_key_and_is_covered_by_the_hash() -> None:
    key = Ed25519PrivateKey.generate()
    public = raw_public(key)
    query = init_data(bot_token=TOKEN, user=USER, auth_date=1_780_000_000, signing_key=key)
    assert telegram_says_valid(query, TOKEN)  # the hash covers `signature` too
    assert third_party_says_valid(query, 7000001, public)
    assert not third_party_says_valid(query, 7000002, public)


def test_launch_url_carries_the_data_version_platform_and_theme() -> None:
    query = init_data(bot_token=TOKEN, user=USER, auth_date=1_780_000_000)
    url = launch_url("https://x.example/app/", query, platform="ios", theme="dark")
    base, fragment = url.split("#", 1)
    assert base == "https://x.example/app/"
    params = dict(parse_qsl(fragment))
    assert params["tgWebAppData"] == query  # what Telegram.WebApp.initData holds
    assert telegram_says_valid(params["tgWebAppData"], TOKEN)
    assert (params["tgWebAppVersion"], params["tgWebAppPlatform"]) == ("8.0", "ios")
    assert json.loads(params["tgWebAppThemeParams"]) == THEMES["dark"]
    routed = launch_url("https://x.example/app/#/teacher", query, start_param="abc")
    path, _, rest = routed.split("#", 1)[1].partition("?")
    assert path == "/teacher" and dict(parse_qsl(rest))["tgWebAppStartParam"] == "abc"


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_a_person_opening_a_button_gets_data_signed_for_this_bot(theme: str) -> None:
    server = BotAPIServer(token=TOKEN, bot_username="lessonlink_bot", wall_clock=lambda: 1.78e9)
    server.add_user(42, "Anna", language_code="ru", username="anna")
    launch = server.open_web_app(42, "https://x.example/app/", theme=theme)  # type: ignore[arg-type]
    assert telegram_says_valid(launch.init_data, TOKEN)
    user = json.loads(launch.fields["user"])
    assert (user["id"], user["first_name"], user["language_code"]) == (42, "Anna", "ru")
    assert launch.fields["auth_date"] == "1780000000"
    assert launch.authorization == "tma " + launch.init_data
    public = raw_public(server.world.signing_key)
    assert third_party_says_valid(launch.init_data, 7000001, public)
    stale = server.open_web_app(42, "https://x.example/app/", auth_date=1_700_000_000)
    assert telegram_says_valid(stale.init_data, TOKEN) and stale.fields["auth_date"] == "1700000000"
    foreign = server.open_web_app(42, "https://x.example/app/", bot_token=OTHER_TOKEN)
    assert not telegram_says_valid(foreign.init_data, TOKEN)
