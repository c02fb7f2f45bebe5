"""Per-student links, the teacher's side: issue, show again, regenerate, revoke, limit.

Opening a link (the student's side) is bot/services/link_opening.py."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.domain.errors import (
    InvalidInput,
    LinkRefusal,
    StudentNeverOpened,
)
from bot.domain.links import (
    LIMIT_CHOICES,
    LinkLimit,
    default_expiry,
    refusal_to_open,
)
from bot.domain.model import ShareLink, Student, Teacher
from bot.domain.notices import NewLink
from bot.services import notify
from bot.services.context import Deps, records_refusals
from bot.services.ownership import student_of, teacher_act, teacher_and_student, teacher_of

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


@dataclass(frozen=True)
class LinkCard:
    """A student's current link as the teacher sees it; token is None once it is not live."""

    student: Student
    link: ShareLink | None
    token: str | None
    refusal: LinkRefusal | None
    browser: bool = False  # the teacher lets links open the portal in a plain browser too


async def issue(
    uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, student: Student
) -> tuple[ShareLink, str]:
    """A new link under the teacher's defaults; every older link stops working at once."""
    now = deps.clock.now()
    await uow.links.revoke_all(student.id, now, replaced=True)
    token = deps.vault.new_token()
    link = await uow.links.add(
        student.id,
        deps.vault.digest(token),
        deps.vault.seal(token),
        now,
        default_expiry(teacher.settings, now),
        teacher.settings.link_max_uses,
    )
    return link, token


async def card_of(uow: SqlUnitOfWork, deps: Deps, student: Student) -> LinkCard:
    """The student's newest link, unsealed for display while it is still live."""
    link = await uow.links.current(student.id)
    if link is None:
        return LinkCard(student, None, None, LinkRefusal.REVOKED)
    # Once bound, the link stays live for its student whatever the uses say.
    refusal = refusal_to_open(link, deps.clock.now(), spends=student.telegram_id is None)
    token = deps.vault.unseal(link.token_encrypted) if refusal is None else None
    teacher = await uow.teachers.get(student.teacher_id)
    browser = teacher is not None and teacher.settings.browser_links
    return LinkCard(student, link, token, refusal, browser)


@records_refusals
async def card(deps: Deps, telegram_id: int, who: int | str) -> LinkCard:
    """The link card of one of the teacher's students, by id or by name (/link Anna)."""
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        return await card_of(uow, deps, await student_of(uow, deps, teacher, who))


@dataclass(frozen=True)
class LinkStake:
    """What regenerating or revoking a link means for its student, said before and after."""

    student: Student
    bound: bool
    booked: int


@dataclass(frozen=True)
class LinkChanged:
    """A regenerated or revoked link: what was at stake, and the card as it is now."""

    stake: LinkStake
    card: LinkCard


async def _stake(uow: SqlUnitOfWork, deps: Deps, student: Student) -> LinkStake:
    """Whether an account holds the link and how many coming lessons the student has."""
    now = deps.clock.now()
    coming = [
        b for b, s in await uow.bookings.of_student(student.id, after=now) if s.starts_at > now
    ]
    return LinkStake(student, student.telegram_id is not None, len(coming))


@records_refusals
async def stake(deps: Deps, telegram_id: int, student_id: int) -> LinkStake:
    """What changing this student's link would mean, for the card that asks first."""
    async with deps.reading() as uow:
        _teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        return await _stake(uow, deps, student)


async def _change(deps: Deps, telegram_id: int, student_id: int, action: str) -> LinkChanged:
    """Regenerate or revoke inside one transaction, audited.

    Booked lessons stay booked either way; their reminders follow the student record, so
    after a regeneration they reach whoever opens the new link.
    """
    async with deps.uow() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        before = await _stake(uow, deps, student)
        if action == "revoke":
            await uow.links.revoke_all(student.id, deps.clock.now(), replaced=False)
        else:
            link, _ = await issue(uow, deps, teacher, student)
            if action == "regenerate":
                # A fresh start: whoever opens the new link first becomes the student, so an
                # account that grabbed a leaked link loses access and a new phone can bind.
                await uow.students.update(student.id, telegram_id=None, bound_at=None)
                student.telegram_id = student.bound_at = None
            if action == "send":
                if student.telegram_id is None:
                    raise StudentNeverOpened()
                await _queue_new_link(uow, deps, teacher, student, link)
        await uow.audit.add(teacher_act(deps, teacher, f"link.{action}", student_id=student.id))
        result = await card_of(uow, deps, student)
        await uow.commit()
    return LinkChanged(before, result)


async def _queue_new_link(
    uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, student: Student, link: ShareLink
) -> None:
    """Queue the new link for the student's chat; only the sealed copy travels, never the token."""
    assert student.telegram_id is not None
    notice = NewLink(
        teacher_id=teacher.id,
        teacher_name=teacher.display_name,
        student_id=student.id,
        link_id=link.id,
        sealed_token=base64.b64encode(link.token_encrypted).decode(),
    )
    key = f"{notice.kind}:{link.id}"
    await notify.queue(uow, notice, student.telegram_id, deps.clock.now(), dedup_key=key)


@records_refusals
async def regenerate(deps: Deps, telegram_id: int, student_id: int) -> LinkChanged:
    """A fresh link for the student; the old one is refused from now on."""
    return await _change(deps, telegram_id, student_id, "regenerate")


@records_refusals
async def revoke(deps: Deps, telegram_id: int, student_id: int) -> LinkChanged:
    """End the student's access without a new link."""
    return await _change(deps, telegram_id, student_id, "revoke")


@records_refusals
async def send_to_student(deps: Deps, telegram_id: int, student_id: int) -> LinkCard:
    """Regenerate and send the new link into the student's chat (they must have used the bot)."""
    return (await _change(deps, telegram_id, student_id, "send")).card


@records_refusals
async def set_limit(
    deps: Deps, telegram_id: int, student_id: int, kind: LinkLimit, value: int
) -> LinkCard:
    """Change one limit of the live link, leaving the other as it is.

    EXPIRY: expires `value` days from now (0 = never; this is how a teacher renews an expired
    link); USES: at most `value` uses (0 = unlimited). Only the values the card offers are
    accepted, so an old or forged button changes nothing.
    """
    if value not in LIMIT_CHOICES.get(kind, ()):
        raise InvalidInput("link limit", str(value))
    days, uses = (value, None) if kind == LinkLimit.EXPIRY else (None, value)
    return await limit_live(deps, telegram_id, student_id, days, uses, kind=str(kind), value=value)


async def limit_live(
    deps: Deps,
    telegram_id: int,
    student_id: int,
    days: int | None,
    uses: int | None,
    **detail: object,
) -> LinkCard:
    """Limit the live link, audited with `detail`; the card after it.

    It expires `days` from now and opens at most `uses` times; None leaves that limit as it
    is, 0 lifts it. Its callers record refusals (@records_refusals).
    """
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        link = await uow.links.current(student.id)
        if link is not None and link.revoked_at is None:
            expires, max_uses = link.expires_at, link.max_uses
            if days is not None:
                expires = now + timedelta(days=days) if days else None
            if uses is not None:
                max_uses = uses or None
            await uow.links.set_limits(link.id, expires, max_uses)
            event = teacher_act(deps, teacher, "link.limits", "ok", student_id=student.id, **detail)
            await uow.audit.add(event)
        result = await card_of(uow, deps, student)
        await uow.commit()
    return result
