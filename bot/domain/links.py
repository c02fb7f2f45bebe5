"""Rules for per-student links: when one opens, when it still grants access."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.errors import LinkRefusal
from bot.domain.model import ShareLink, TeacherSettings


class LinkLimit(StrEnum):
    """A limit of a link the teacher sets on its card; the value travels in buttons."""

    EXPIRY = "e"  # days from now
    USES = "u"  # times the link may be opened


# What a teacher may pick on a link card; 0 means no limit.
EXPIRY_CHOICES = (7, 30, 90, 0)
USES_CHOICES = (1, 5, 20, 0)
LIMIT_CHOICES = {LinkLimit.EXPIRY: EXPIRY_CHOICES, LinkLimit.USES: USES_CHOICES}

# A refused-token budget per account: enough for typos, too few for guessing.
SLOW_AFTER = 3
SLOW_DELAY = timedelta(seconds=30)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=10)
BLOCK_FOR = timedelta(minutes=10)


def throttled_until(failures: list[datetime], now: datetime) -> datetime | None:
    """Until when an account must wait after refused tokens: slowed down, then blocked.

    After SLOW_AFTER refusals within FAILURE_WINDOW each new try waits SLOW_DELAY after the
    last refusal; after MAX_FAILURES the account is blocked for BLOCK_FOR. Accounts with
    fewer refusals (everyone with an ordinary typo) are never held back.
    """
    recent = sorted(t for t in failures if t > now - FAILURE_WINDOW)
    if len(recent) >= MAX_FAILURES:
        until = recent[-1] + BLOCK_FOR
    elif len(recent) >= SLOW_AFTER:
        until = recent[-1] + SLOW_DELAY
    else:
        return None
    return until if until > now else None


def spends_use(bound_to: int | None, opener: int) -> bool:
    """Whether an opening counts as a use of the link.

    Uses limit openings by accounts before the link is bound (in effect, who may bind it);
    the bound account's own re-openings never spend one, so a student is never locked out of
    her own link while plain /start still lets her in.
    """
    return bound_to != opener


def refusal_to_open(link: ShareLink, now: datetime, *, spends: bool = True) -> LinkRefusal | None:
    """Why this link may not be opened now (by an opening that `spends` a use), or None."""
    if link.revoked_at is not None:
        return LinkRefusal.REPLACED if link.replaced else LinkRefusal.REVOKED
    if link.expires_at is not None and link.expires_at <= now:
        return LinkRefusal.EXPIRED
    if spends and link.max_uses is not None and link.use_count >= link.max_uses:
        return LinkRefusal.USED_UP
    return None


def refusal_to_use(link: ShareLink, now: datetime) -> LinkRefusal | None:
    """Why a bound student no longer has access through this link (uses are not spent here)."""
    if link.revoked_at is not None:
        return LinkRefusal.REPLACED if link.replaced else LinkRefusal.REVOKED
    if link.expires_at is not None and link.expires_at <= now:
        return LinkRefusal.EXPIRED
    return None


def default_expiry(settings: TeacherSettings, now: datetime) -> datetime | None:
    """When a new link expires under the teacher's defaults."""
    if settings.link_expiry_days is None:
        return None
    return now + timedelta(days=settings.link_expiry_days)
