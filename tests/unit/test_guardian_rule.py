"""The one rule for a guardian acting for a student, and who may open a guardian link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.errors import LinkRefusal, LinkRefused
from bot.domain.guardians import Guardian, GuardianMayNotAct, guardian_refusal, open_refusal

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def guardian(**changes: object) -> Guardian:
    found = Guardian(id=1, student_id=2, token_encrypted=b"x", created_at=NOW, telegram_id=5)
    for name, value in changes.items():
        setattr(found, name, value)
    return found


def test_a_connected_guardian_sees_always_and_acts_only_when_allowed() -> None:
    assert guardian_refusal(guardian(), False, NOW, writes=False) is None
    assert isinstance(guardian_refusal(guardian(), False, NOW, writes=True), GuardianMayNotAct)
    assert guardian_refusal(guardian(), True, NOW, writes=True) is None


def test_a_removed_or_expired_guardian_neither_sees_nor_acts() -> None:
    removed = guardian_refusal(guardian(removed_at=NOW), True, NOW, writes=False)
    assert isinstance(removed, LinkRefused) and removed.reason == LinkRefusal.REVOKED
    expired = guardian_refusal(guardian(expires_at=NOW), True, NOW, writes=True)
    assert isinstance(expired, LinkRefused) and expired.reason == LinkRefusal.EXPIRED
    later = guardian(expires_at=NOW + timedelta(seconds=1))
    assert guardian_refusal(later, True, NOW, writes=True) is None


def test_the_link_binds_to_the_first_account_only() -> None:
    assert open_refusal(guardian(telegram_id=None), 9, NOW) is None
    assert open_refusal(guardian(), 5, NOW) is None  # the bound account, again
    assert open_refusal(guardian(), 9, NOW) == LinkRefusal.BOUND_ELSEWHERE
    assert open_refusal(guardian(removed_at=NOW), 5, NOW) == LinkRefusal.REVOKED
