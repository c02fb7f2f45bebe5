"""Guardians: a parent's own link to a student, and what a connected guardian may do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import DomainError, LinkRefusal, LinkRefused


@dataclass
class Guardian:
    """A guardian link of one student; bound to the account that opened it first."""

    id: int
    student_id: int
    token_encrypted: bytes
    created_at: datetime
    expires_at: datetime | None = None
    telegram_id: int | None = None
    bound_at: datetime | None = None
    last_used_at: datetime | None = None
    use_count: int = 0
    removed_at: datetime | None = None
    name: str = ""  # the bound account's first name, for the teacher's list


class GuardianMayNotAct(DomainError):
    """The teacher lets guardians see this student's lessons, not book, cancel or move them."""


def link_refusal(guardian: Guardian, now: datetime) -> LinkRefusal | None:
    """Why this guardian link gives no access now (removed or expired), or None."""
    if guardian.removed_at is not None:
        return LinkRefusal.REVOKED
    if guardian.expires_at is not None and guardian.expires_at <= now:
        return LinkRefusal.EXPIRED
    return None


def open_refusal(guardian: Guardian, opener: int, now: datetime) -> LinkRefusal | None:
    """Why this account may not open the guardian link: refused as above, or bound elsewhere."""
    refusal = link_refusal(guardian, now)
    if refusal is None and guardian.telegram_id not in (None, opener):
        return LinkRefusal.BOUND_ELSEWHERE
    return refusal


def guardian_refusal(
    guardian: Guardian, may_act: bool, now: datetime, *, writes: bool
) -> DomainError | None:
    """The one rule for a guardian acting for their student: what refuses it, or None.

    Seeing the student's lessons needs a live link; booking, cancelling and moving
    (`writes`) also need the teacher's switch on the student's card.
    """
    refusal = link_refusal(guardian, now)
    if refusal is not None:
        return LinkRefused(refusal)
    if writes and not may_act:
        return GuardianMayNotAct()
    return None
