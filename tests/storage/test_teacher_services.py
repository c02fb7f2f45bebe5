"""Teacher services on the real databases: slots, links, ownership, throttling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.domain.clock import ManualClock
from bot.domain.errors import (
    ConfirmationNeeded,
    InvalidInput,
    LinkRefusal,
    LinkRefused,
    NotAllowedToTeach,
    NotFound,
    TooManyAttempts,
    WindowOverlap,
)
from bot.domain.model import BookingStatus, OutboxStatus
from bot.domain.teacher_settings import Setting
from bot.services import availability, booking, link_opening, links, schedule, students, teachers
from bot.services.context import Deps
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT

TEACHER = 9001
OTHER_TEACHER = 9002


@pytest.fixture
def deps(uow: Callable[[], SqlUnitOfWork], clock: ManualClock) -> Deps:
    return Deps(uow=uow, clock=clock, vault=VAULT)


async def _open_slots(deps: Deps, teacher_id: int) -> int:
    async with deps.uow() as u:
        now = deps.clock.now()
        return len(await u.slots.between(teacher_id, now, now + timedelta(days=400)))


async def test_weekly_window_opens_slots_over_the_horizon_and_upkeep_is_idempotent(
    deps: Deps, clock: ManualClock
) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "Europe/Berlin")
    added = await availability.add_window(deps, TEACHER, "tue 10:00-12:00 60 Math")
    assert added.slots == 8  # 4 Tuesdays within 28 days x 2 slots
    assert await availability.extend_horizon(deps) == 0
    clock.advance(timedelta(days=7))
    assert await availability.extend_horizon(deps) == 2  # one more Tuesday came into reach
    assert await availability.extend_horizon(deps) == 0
    assert await _open_slots(deps, teacher.id) == 8


async def test_overlap_is_refused_naming_the_other_window(deps: Deps) -> None:
    await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    await availability.add_window(deps, TEACHER, "mon 10:00-14:00 60")
    with pytest.raises(WindowOverlap) as caught:
        await availability.add_window(deps, TEACHER, "2026-11-30 13:00-15:00 30")
    assert caught.value.other == "mon 10:00-14:00"


async def test_teacher_ids_limit_registration(deps: Deps, uow: Callable[[], SqlUnitOfWork]) -> None:
    limited = Deps(uow=deps.uow, clock=deps.clock, vault=VAULT, teacher_ids=frozenset({1}))
    with pytest.raises(NotAllowedToTeach):
        await teachers.register(limited, TEACHER, "Eve", "UTC")
    async with uow() as u:
        events = await u.audit.recent(limit=5)
    assert any(e.outcome == "refused:not_invited" for e in events)


async def test_settings_change_is_audited(deps: Deps, uow: Callable[[], SqlUnitOfWork]) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    changed = await teachers.change_setting(deps, TEACHER, Setting.ADVANCE_NOTICE, "3h")
    assert changed.settings.advance_notice_minutes == 180
    async with uow() as u:
        [event, *_] = await u.audit.recent(teacher_id=teacher.id)
    assert event.event == "settings.changed" and event.detail["new"] == 180


async def test_link_binds_the_first_account_and_refuses_a_second(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    card = await students.enroll(deps, TEACHER, "Anna")
    assert card.token is not None
    access = await link_opening.open_link(deps, 111, "Anna", card.token)
    assert access.first_time and access.teacher_name == "Ms Smith"
    again = await link_opening.open_link(deps, 111, "Anna", card.token)
    assert not again.first_time
    with pytest.raises(LinkRefused) as caught:
        await link_opening.open_link(deps, 222, "Mallory", card.token)
    assert caught.value.reason == LinkRefusal.BOUND_ELSEWHERE
    async with uow() as u:
        [told] = await u.outbox.by_status(OutboxStatus.PENDING)
        link = await u.links.current(card.student.id)
    assert told.kind == "link_bound_elsewhere" and told.chat_id == TEACHER
    assert link is not None and link.use_count == 1  # only the binding opening is a use


async def test_regenerate_replaces_the_old_link(deps: Deps) -> None:
    await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    old = await students.enroll(deps, TEACHER, "Anna")
    new = (await links.regenerate(deps, TEACHER, old.student.id)).card
    assert old.token and new.token and old.token != new.token
    with pytest.raises(LinkRefused) as caught:
        await link_opening.open_link(deps, 111, "Anna", old.token)
    assert caught.value.reason == LinkRefusal.REPLACED
    await link_opening.open_link(deps, 111, "Anna", new.token)


async def test_expiry_and_max_uses_are_enforced(deps: Deps, clock: ManualClock) -> None:
    await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    card = await students.enroll(deps, TEACHER, "Anna")
    card = await links.set_limit(deps, TEACHER, card.student.id, "e", 7)
    card = await links.set_limit(deps, TEACHER, card.student.id, "u", 1)
    assert card.token is not None
    await link_opening.open_link(deps, 111, "Anna", card.token)
    await link_opening.open_link(deps, 111, "Anna", card.token)  # her own re-opening spends no use
    with pytest.raises(LinkRefused) as used_up:
        await link_opening.open_link(deps, 222, "Mallory", card.token)
    assert used_up.value.reason == LinkRefusal.USED_UP
    async with deps.reading() as u:
        link = await u.links.current(card.student.id)
    assert link is not None and link.use_count == 1 and link.last_used_at is not None
    card = await links.set_limit(deps, TEACHER, card.student.id, "u", 0)
    clock.advance(timedelta(days=7, seconds=1))
    with pytest.raises(LinkRefused) as expired:
        await link_opening.open_link(deps, 111, "Anna", card.token or "")
    assert expired.value.reason == LinkRefusal.EXPIRED


async def test_changing_uses_leaves_the_expiry_alone(deps: Deps, clock: ManualClock) -> None:
    await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    card = await students.enroll(deps, TEACHER, "Anna")
    card = await links.set_limit(deps, TEACHER, card.student.id, "e", 7)
    assert card.link is not None and card.token is not None
    expiry, token = card.link.expires_at, card.token
    clock.advance(timedelta(days=6))
    card = await links.set_limit(deps, TEACHER, card.student.id, "u", 5)
    assert card.link is not None and card.link.expires_at == expiry and card.link.max_uses == 5
    clock.advance(timedelta(days=2))  # expired now; a change of uses must not revive it
    await links.set_limit(deps, TEACHER, card.student.id, "u", 20)
    with pytest.raises(LinkRefused) as expired:
        await link_opening.open_link(deps, 111, "Anna", token)
    assert expired.value.reason == LinkRefusal.EXPIRED


async def test_a_forged_limit_changes_nothing(deps: Deps) -> None:
    await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    card = await students.enroll(deps, TEACHER, "Anna")
    for kind, value in (("e", 1_000_000_000_000), ("e", -3), ("u", 7), ("x", 5)):
        with pytest.raises(InvalidInput):
            await links.set_limit(deps, TEACHER, card.student.id, kind, value)


async def test_an_account_sending_bad_tokens_is_blocked_for_a_while_and_no_one_else(
    deps: Deps, clock: ManualClock
) -> None:
    await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    card = await students.enroll(deps, TEACHER, "Anna")
    for i in range(5):
        with pytest.raises(LinkRefused):
            await link_opening.open_link(deps, 666, "Guesser", f"made-up-token-number-{i:04d}")
        clock.advance(timedelta(seconds=31))  # past the slow-down pause after the third
    with pytest.raises(TooManyAttempts):
        await link_opening.open_link(deps, 666, "Guesser", card.token or "")
    await link_opening.open_link(deps, 111, "Anna", card.token or "")  # others are unaffected
    clock.advance(timedelta(minutes=11))
    with pytest.raises(LinkRefused):
        await link_opening.open_link(deps, 666, "Guesser", card.token or "")  # bound to Anna now


async def test_a_teacher_cannot_touch_another_teachers_student(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    await teachers.register(deps, OTHER_TEACHER, "Mr Jones", "UTC")
    theirs = await students.enroll(deps, OTHER_TEACHER, "Bob")
    for action in (links.card, links.regenerate, links.revoke, students.student_card):
        with pytest.raises(NotFound):
            await action(deps, TEACHER, theirs.student.id)
    with pytest.raises(NotFound):
        await links.card(deps, TEACHER, "Bob")
    async with uow() as u:
        events = await u.audit.recent(limit=20)
        link = await u.links.current(theirs.student.id)
    assert sum(e.event == "foreign_object" for e in events) == 4
    assert link is not None and link.revoked_at is None


async def test_blocking_booked_time_asks_first_then_cancels_and_tells_the_student(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    await availability.add_window(deps, TEACHER, "wed 10:00-12:00 60 Math")
    card = await students.enroll(deps, TEACHER, "Anna")
    access = await link_opening.open_link(deps, 111, "Anna", card.token or "")
    async with uow() as u:
        now = deps.clock.now()
        [first, *_] = await u.slots.between(teacher.id, now, now + timedelta(days=7))
    await booking.book(deps, 111, access.student_id, first.id)
    day = first.starts_at.date().isoformat()
    with pytest.raises(ConfirmationNeeded) as caught:
        await availability.block_time(deps, TEACHER, f"{day} sick")
    assert caught.value.affected == 1
    assert len((await schedule.week(deps, TEACHER)).lessons) == 1
    blocked = await availability.block_time(deps, TEACHER, f"{day} sick", confirmed=1)
    assert (blocked.cancelled, blocked.removed) == (1, 2)
    assert (await schedule.week(deps, TEACHER)).lessons == []
    async with uow() as u:
        [(b, _)] = await u.bookings.of_student(access.student_id, confirmed_only=False)
        told = await u.outbox.by_status(OutboxStatus.PENDING)
    assert b.status == BookingStatus.CANCELLED and b.cancel_reason == "sick"
    assert any(m.kind == "lesson_cancelled_by_teacher" and m.chat_id == 111 for m in told)
    assert await availability.extend_horizon(deps) == 0  # blocked time is not refilled


async def test_a_block_confirmed_for_one_lesson_asks_again_when_a_second_is_booked(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    await availability.add_window(deps, TEACHER, "wed 10:00-12:00 60 Math")
    anna = await link_opening.open_link(
        deps, 111, "Anna", (await students.enroll(deps, TEACHER, "Anna")).token or ""
    )
    bob = await link_opening.open_link(
        deps, 222, "Bob", (await students.enroll(deps, TEACHER, "Bob")).token or ""
    )
    async with uow() as u:
        now = deps.clock.now()
        first, second, *_ = await u.slots.between(teacher.id, now, now + timedelta(days=7))
    await booking.book(deps, 111, anna.student_id, first.id)
    day = first.starts_at.date().isoformat()
    with pytest.raises(ConfirmationNeeded) as asked:
        await availability.block_time(deps, TEACHER, day)
    assert asked.value.affected == 1
    await booking.book(deps, 222, bob.student_id, second.id)  # while the teacher hesitates
    with pytest.raises(ConfirmationNeeded) as again:
        await availability.block_time(deps, TEACHER, day, confirmed=1)
    assert again.value.affected == 2, "the teacher agreed to one cancellation, not two"
    assert len((await schedule.week(deps, TEACHER)).lessons) == 2


async def test_changing_reminder_times_replans_the_reminders_already_queued(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    teacher = await teachers.register(deps, TEACHER, "Ms Smith", "UTC")
    await availability.add_window(deps, TEACHER, "wed 10:00-12:00 60 Math")
    anna = await link_opening.open_link(
        deps, 111, "Anna", (await students.enroll(deps, TEACHER, "Anna")).token or ""
    )
    async with uow() as u:
        now = deps.clock.now()
        [first, *_] = await u.slots.between(teacher.id, now, now + timedelta(days=7))
    await booking.book(deps, 111, anna.student_id, first.id)

    async def leads() -> list[object]:
        async with uow() as u:
            pending = await u.outbox.by_status(OutboxStatus.PENDING)
        return sorted(m.payload["lead_minutes"] for m in pending if m.kind == "reminder")

    assert await leads() == [60, 1440]
    await teachers.change_setting(deps, TEACHER, Setting.REMINDERS, "2h")
    assert await leads() == [120]
    await teachers.change_setting(deps, TEACHER, Setting.REMINDERS, "24h, 1h")
    assert await leads() == [60, 1440], "a lead time can come back after it was removed"
