"""Guardian links on real storage: the first of two accounts opening at once wins, guessing
guardian tokens is throttled with students' links."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.domain.audience import Audience
from bot.domain.clock import ManualClock
from bot.domain.errors import LinkRefusal, LinkRefused, TooManyAttempts
from bot.domain.model import OutboxStatus
from bot.services import guardians
from bot.services.context import Deps
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT, make_student, make_teacher


async def _open(deps: Deps, account: int, token: str) -> str:
    try:
        await guardians.open_link(deps, account, "Parent", token)
    except TooManyAttempts:
        return "wait"
    except LinkRefused as exc:
        return exc.reason.value
    return "opened"


async def test_two_accounts_opening_one_guardian_link_at_once_bind_one(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    deps = Deps(uow=uow, clock=clock, vault=VAULT)
    teacher = await make_teacher(uow, clock.now(), 500)
    student = await make_student(uow, teacher, 501, clock.now())
    made = await guardians.new_link(deps, 500, student.id)
    assert made.token is not None and made.token.startswith(guardians.GUARDIAN_PREFIX)
    outcomes = await asyncio.gather(*(_open(deps, a, made.token) for a in (601, 602)))
    assert sorted(outcomes) == ["bound_elsewhere", "opened"]
    seen = await guardians.connected(deps, 500, student.id)
    [guardian] = seen.guardians
    winner = 601 if outcomes[0] == "opened" else 602
    assert guardian.telegram_id == winner
    assert await _open(deps, winner, made.token) == "opened", "the bound account comes back"
    async with uow() as u:
        pending = await u.outbox.by_status(OutboxStatus.PENDING)
    told = [m for m in pending if m.kind == "guardian_bound_elsewhere"]
    assert [m.chat_id for m in told] == [500], "the teacher is told once"


async def test_guessed_guardian_tokens_count_towards_the_same_throttle(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    deps = Deps(uow=uow, clock=clock, vault=VAULT)
    guesses = [f"g_guess-{n:04d}-abcdefghijklmnop" for n in range(4)]
    assert [await _open(deps, 66, g) for g in guesses[:3]] == [LinkRefusal.UNKNOWN.value] * 3
    assert await _open(deps, 66, guesses[3]) == "wait"


async def test_a_students_audience_is_their_live_bound_guardians_and_their_address(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, 510)
    student = await make_student(uow, teacher, 511, now)
    async with uow() as u:
        assert await u.guardians.audience(student.id, now) == Audience(), "nobody else yet"
        made = [
            await u.guardians.add(student.id, bytes([n]) * 32, b"sealed", now, expires)
            for n, expires in enumerate([None, now + timedelta(days=1), now, None, None])
        ]
        live, lasting, expired, removed, _unopened = made
        for account, guardian in enumerate([live, lasting, expired, removed], start=700):
            await u.guardians.bind(guardian.id, account, now)
        await u.guardians.remove(removed.id, now)
        await u.commit()
    async with uow() as u:
        heard = await u.guardians.audience(student.id, now)
        assert [g.id for g in heard.guardians] == [live.id, lasting.id]
        assert heard.guardians == tuple(await u.guardians.recipients(student.id, now))
        assert heard.email is None
        await u.student_emails.put(student.id, "anna@example.com", b"h" * 32, b"s", now)
        await u.commit()
    async with uow() as u:
        heard = await u.guardians.audience(student.id, now)
        assert heard.email is not None and heard.email.address == "anna@example.com"
        assert len(heard.guardians) == 2, "one row per guardian, the address beside each"
        await u.students.update(student.id, archived=True)
        await u.commit()
    async with uow() as u:
        heard = await u.guardians.audience(student.id, now)
    assert heard.guardians == (), "an archived student's guardians are told nothing"
    assert heard.email is not None, "the address stays on the card"


# PostgreSQL only: SQLite's writers are serial, so no binding can land between the readings.
@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_guardian_read_again_shows_a_binding_committed_meanwhile(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    # Opening a link reads it by hash, then waits for the student's lock; by then another
    # account may have bound it, and the second reading must see that (first account wins).
    now = clock.now()
    teacher = await make_teacher(uow, now, 520)
    student = await make_student(uow, teacher, 521, now)
    async with uow() as u:
        made = await u.guardians.add(student.id, b"g" * 32, b"sealed", now, None)
        await u.commit()
    async with uow() as opening:
        first_read = await opening.guardians.by_hash(b"g" * 32)
        assert first_read is not None and first_read.telegram_id is None
        async with uow() as other:
            await other.guardians.bind(made.id, 720, now)
            await other.commit()
        again = await opening.guardians.get(made.id)
    assert again is not None and again.telegram_id == 720
