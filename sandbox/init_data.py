"""Mini App launch data as Telegram's clients produce it: signed initData and the launch URL.

Written from Telegram's documentation (core.telegram.org/bots/webapps, "Validating data
received via the Mini App"), on purpose without reading or importing any validator of ours:
a bug shared by the signer and the checker would otherwise pass unseen.

- initData is a query string of the launch fields; `user` (and `receiver`, `chat`) are JSON.
- data_check_string: every field but `hash`, as `key=value`, sorted by key, joined by "\\n".
- hash = hex(HMAC_SHA256(key=HMAC_SHA256(key="WebAppData", msg=bot_token), data_check_string)).
- signature (for third parties, who have no bot token): Ed25519 over
  "<bot_id>:WebAppData\\n" + the data_check_string without `hash` and `signature`, base64url
  without padding. Telegram signs with its own key; the sandbox signs with one of its own and
  publishes the public half, so a test can check a signature but not forge Telegram's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import quote, urlencode

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

Theme = Literal["light", "dark"]
WEB_APP_VERSION = "8.0"

# Theme parameters as Telegram's clients send them (tgWebAppThemeParams), one set a scheme.
THEMES: dict[str, dict[str, str]] = {
    "light": {
        "bg_color": "#ffffff",
        "text_color": "#000000",
        "hint_color": "#999999",
        "link_color": "#2481cc",
        "button_color": "#2481cc",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#efeff3",
        "header_bg_color": "#ffffff",
        "bottom_bar_bg_color": "#ffffff",
        "accent_text_color": "#2481cc",
        "section_bg_color": "#ffffff",
        "section_header_text_color": "#6d6d72",
        "section_separator_color": "#e7e7e7",
        "subtitle_text_color": "#999999",
        "destructive_text_color": "#ff3b30",
    },
    "dark": {
        "bg_color": "#212121",
        "text_color": "#ffffff",
        "hint_color": "#aaaaaa",
        "link_color": "#8774e1",
        "button_color": "#8774e1",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#0f0f0f",
        "header_bg_color": "#212121",
        "bottom_bar_bg_color": "#212121",
        "accent_text_color": "#8774e1",
        "section_bg_color": "#212121",
        "section_header_text_color": "#aaaaaa",
        "section_separator_color": "#3a3a3a",
        "subtitle_text_color": "#aaaaaa",
        "destructive_text_color": "#ff595a",
    },
}


def compact_json(value: Mapping[str, Any]) -> str:
    """JSON as Telegram writes it in initData: no spaces, non-ASCII kept, slashes escaped."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("/", "\\/")


def data_check_string(fields: Mapping[str, str], *, without: tuple[str, ...] = ("hash",)) -> str:
    """Sorted "key=value" lines of every field except those named, joined by a newline."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key not in without)


def init_data_hash(fields: Mapping[str, str], bot_token: str) -> str:
    """The `hash` field: HMAC-SHA256 of the data check string under the bot token's key."""
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    return hmac.new(secret, data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def init_data_signature(fields: Mapping[str, str], bot_id: int, key: Ed25519PrivateKey) -> str:
    """The `signature` field: Ed25519 over "<bot_id>:WebAppData\\n" + the check string."""
    message = f"{bot_id}:WebAppData\n" + data_check_string(fields, without=("hash", "signature"))
    return base64.urlsafe_b64encode(key.sign(message.encode())).rstrip(b"=").decode()


def init_data(
    *,
    bot_token: str,
    user: Mapping[str, Any],
    auth_date: int,
    query_id: str | None = None,
    start_param: str | None = None,
    chat_type: str | None = None,
    chat_instance: str | None = None,
    signing_key: Ed25519PrivateKey | None = None,
) -> str:
    """The initData query string a Mini App receives, signed for this bot token."""
    fields: dict[str, str] = {}
    if query_id is not None:
        fields["query_id"] = query_id
    fields["user"] = compact_json(user)
    if chat_instance is not None:
        fields["chat_instance"] = chat_instance
    if chat_type is not None:
        fields["chat_type"] = chat_type
    if start_param is not None:
        fields["start_param"] = start_param
    fields["auth_date"] = str(auth_date)
    if signing_key is not None:
        bot_id = int(bot_token.split(":", 1)[0])
        fields["signature"] = init_data_signature(fields, bot_id, signing_key)
    fields["hash"] = init_data_hash(fields, bot_token)
    return urlencode(fields, quote_via=quote, safe="")


def launch_url(
    app_url: str,
    init_data_query: str,
    *,
    platform: str = "android",
    theme: Theme = "light",
    start_param: str | None = None,
) -> str:
    """The address the client opens: the app's URL with the launch parameters in its fragment.

    A URL without a fragment gets "#tgWebAppData=..."; one with a fragment (a client-side
    route such as "#/teacher") keeps it and gets the parameters after "?" (or "&" if the
    fragment already has a query), which telegram-web-app.js reads back as path and params.
    """
    params = {"tgWebAppData": init_data_query, "tgWebAppVersion": WEB_APP_VERSION}
    params["tgWebAppPlatform"] = platform
    params["tgWebAppThemeParams"] = compact_json(THEMES[theme])
    if start_param is not None:
        params["tgWebAppStartParam"] = start_param
    encoded = urlencode(params, quote_via=quote, safe="")
    if "#" not in app_url:
        return f"{app_url}#{encoded}"
    fragment = app_url.split("#", 1)[1]
    return f"{app_url}{'&' if '?' in fragment else '?'}{encoded}"
