"""What claiming a Telegram update_id found: every delivery of an update is applied once."""

from __future__ import annotations

from enum import Enum


class Claim(Enum):
    """What claiming a Telegram update_id found (every delivery is applied once)."""

    NEW = "new"  # first sight: process it
    TAKEN_OVER = "taken_over"  # a claim whose process died (no heartbeat): process it again
    IN_PROGRESS = "in_progress"  # another worker is processing it right now: do not
    DUPLICATE = "duplicate"  # already processed: acknowledge, do nothing
