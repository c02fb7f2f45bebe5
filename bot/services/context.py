"""What every service receives: storage, clock and secrets, injected by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.domain.clock import Clock
from bot.domain.model import AuditEvent
from bot.ports import UnitOfWork
from bot.security import TokenVault


@dataclass(frozen=True)
class Deps:
    """The service layer's dependencies."""

    uow: Callable[[], UnitOfWork]
    clock: Clock
    vault: TokenVault
    default_timezone: str = "UTC"
    teacher_ids: frozenset[int] = field(default_factory=frozenset)
    admin_ids: frozenset[int] = field(default_factory=frozenset)


def audit(
    event: str,
    outcome: str,
    deps: Deps,
    *,
    actor: int | None = None,
    teacher_id: int | None = None,
    student_id: int | None = None,
    **detail: object,
) -> AuditEvent:
    """An audit record stamped with the current time."""
    return AuditEvent(
        at=deps.clock.now(),
        event=event,
        outcome=outcome,
        actor_telegram_id=actor,
        teacher_id=teacher_id,
        student_id=student_id,
        detail=dict(detail),
    )
