"""Mini App launch data for tests, signed as Telegram's clients do (core.telegram.org)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import urlencode


def signed_init_data(
    token: str, user_id: int, at: datetime, *, language: str = "en", **extra: str
) -> str:
    """initData for `user_id`, signed with `token` at `at`; `extra` adds fields (start_param)."""
    fields = {
        "user": json.dumps(
            {"id": user_id, "first_name": f"User {user_id}", "language_code": language}
        ),
        "auth_date": str(int(at.timestamp())),
        "query_id": f"Q{user_id}",
        **extra,
    }
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)
