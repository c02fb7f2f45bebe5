"""What every service receives: storage, clock and secrets, injected by the composition root."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from bot.domain.clock import Clock
from bot.domain.errors import DomainError
from bot.domain.model import AuditEvent
from bot.security import TokenVault

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


@dataclass(frozen=True)
class Deps:
    """The service layer's dependencies."""

    uow: Callable[[], SqlUnitOfWork]
    clock: Clock
    vault: TokenVault
    default_timezone: str = "UTC"
    teacher_ids: frozenset[int] = field(default_factory=frozenset)
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    read: Callable[[], SqlUnitOfWork] | None = None
    # How often a process renews the claims of the updates it handles; three missed beats
    # mean it died (bot.services.updates).
    claim_heartbeat: timedelta = timedelta(seconds=5)

    def reading(self) -> SqlUnitOfWork:
        """A unit of work for reading only: it never blocks or waits for writers."""
        return (self.read or self.uow)()


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
    """An audit record stamped with the current time, complete: callers never add to it."""
    return AuditEvent(
        at=deps.clock.now(),
        event=event,
        outcome=outcome,
        actor_telegram_id=actor,
        teacher_id=teacher_id,
        student_id=student_id,
        detail=dict(detail),
    )


def refused(event: str, outcome: str, deps: Deps, actor: int, **sent: object) -> AuditEvent:
    """The audit record of a refused request: who asked, and the ids they sent.

    The ids are detail only, never the record's own teacher or student: they are not the
    asker's (a forged student_id stays out of the record's student column).
    """
    return AuditEvent(
        at=deps.clock.now(), event=event, outcome=outcome, actor_telegram_id=actor, detail=sent
    )


P = ParamSpec("P")
R = TypeVar("R")


def records_refusals(
    func: Callable[Concatenate[Deps, P], Awaitable[R]],
) -> Callable[Concatenate[Deps, P], Awaitable[R]]:
    """Record the audit event a refusal carries, after its own transaction has rolled back."""

    @functools.wraps(func)
    async def wrapper(deps: Deps, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await func(deps, *args, **kwargs)
        except DomainError as exc:
            if exc.audit_event is not None:
                async with deps.uow() as uow:
                    await uow.audit.add(exc.audit_event)
                    await uow.commit()
            raise

    return wrapper
