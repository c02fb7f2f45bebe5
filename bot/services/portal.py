"""The booking portal's way in: a student's link is the key, from the Mini App or a browser.

Every call runs the checks /start runs (unknown, revoked, expired, used up, archived, bound
to another account, throttled), audited the same way. Opening the portal counts as opening
the link; so does binding it, which happens the first time the Mini App (whose initData
proves the account) uses an unbound link. A plain browser proves no account: it is let in
only when the teacher turned on browser links, and it never binds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.domain.errors import DomainError, LinkRefusal, LinkRefused
from bot.domain.links import refusal_to_open, refusal_to_use
from bot.domain.model import ShareLink, Student, Teacher
from bot.domain.notices import LinkBoundElsewhere
from bot.security import looks_like_token
from bot.services import link_opening, notify
from bot.services.context import Deps, audit
from bot.services.student_home import viewer_zone

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


class BrowserLinksOff(DomainError):
    """A link used without Telegram's proof while its teacher keeps links Telegram-only."""


class ProofNeeded(DomainError):
    """A link bound to a Telegram account, used without that account's proof (a browser)."""


@dataclass(frozen=True)
class Caller:
    """Who uses the link: a Telegram account the Mini App proved, or None for a plain browser."""

    telegram_id: int | None
    first_name: str = ""


@dataclass(frozen=True)
class Entry:
    """A link that let the caller in: its student, teacher, and how they see times."""

    student: Student
    teacher: Teacher
    link: ShareLink
    zone: str
    language: str | None  # the bound account's chosen language, if any


@dataclass(frozen=True)
class Portal:
    """What the portal shows first: who, whose, in which zone, under which rules."""

    entry: Entry
    subjects: list[str]


async def enter(
    uow: SqlUnitOfWork, deps: Deps, token: str, caller: Caller, *, opening: bool = False
) -> Entry:
    """Check the link for this caller inside the caller's transaction (the student row locked).

    `opening` counts the use as /start does; a first use from the Mini App binds and counts
    too. Refusals are audited and committed before they are raised; the caller commits the rest.
    """
    now = deps.clock.now()
    actor = caller.telegram_id
    if actor is not None:
        await uow.accounts.ensure(actor, caller.first_name, now)
        await link_opening.hold_back(uow, deps, actor, "link.open", via="api")
    link = await uow.links.by_hash(deps.vault.digest(token)) if looks_like_token(token) else None
    if link is None:
        raise await link_opening.refuse(uow, deps, actor, LinkRefusal.UNKNOWN)
    await uow.students.lock(link.student_id)  # the first account wins a race to bind
    student = await uow.students.get(link.student_id)
    teacher = await uow.teachers.get(student.teacher_id) if student else None
    assert student is not None and teacher is not None
    ids = {"teacher_id": teacher.id, "student_id": student.id, "link_id": link.id}
    if actor is None and not teacher.settings.browser_links:
        await uow.audit.add(audit("link.open", "refused:browser_off", deps, **ids))
        await uow.commit()
        raise BrowserLinksOff()
    if actor is None and student.telegram_id is not None:
        # A bound link is its account's: a browser proves no account, whatever the setting.
        await uow.audit.add(audit("link.open", "refused:bound_needs_proof", deps, **ids))
        await uow.commit()
        raise ProofNeeded()
    if teacher.telegram_id == actor:
        await uow.audit.add(audit("link.open", "teacher_preview", deps, actor=actor, **ids))
        await uow.commit()
        raise LinkRefused(LinkRefusal.OWN_STUDENT)
    binds = actor is not None and student.telegram_id is None
    counted = opening or binds
    # Uses limit who may take an unbound link; a bound student's openings never spend one.
    spends = counted and student.telegram_id is None
    reason = LinkRefusal.ARCHIVED if student.archived else refusal_to_open(link, now, spends=spends)
    if reason is None and actor is not None and student.telegram_id not in (None, actor):
        reason = LinkRefusal.BOUND_ELSEWHERE
        notice = LinkBoundElsewhere(**ids, student_name=student.name, colour=student.colour)
        key = f"{notice.kind}:{link.id}:{actor}"
        await notify.queue(uow, notice, teacher.telegram_id, now, dedup_key=key)
    if reason is None and binds:
        assert actor is not None
        reason = await link_opening.bind(uow, deps, student, actor)
        student.telegram_id, student.bound_at = actor, now
    if reason is not None:
        raise await link_opening.refuse(uow, deps, actor, reason, **ids)
    if counted:
        await uow.links.count_use(link.id, now, spend=spends)
        if actor is not None:
            await uow.accounts.update(actor, last_teacher_id=teacher.id)
        via = "api" if actor is not None else "browser"
        await uow.audit.add(audit("link.open", "opened", deps, actor=actor, via=via, **ids))
    account = await uow.accounts.get(student.telegram_id) if student.telegram_id else None
    language = account.language if account else None
    return Entry(student, teacher, link, viewer_zone(account, teacher), language)


async def open_portal(deps: Deps, token: str, caller: Caller) -> Portal:
    """Open the portal: the link is counted and audited as /start counts it."""
    async with deps.uow() as uow:
        entry = await enter(uow, deps, token, caller, opening=True)
        now = deps.clock.now()
        horizon = now + timedelta(days=entry.teacher.settings.horizon_days)
        subjects = await uow.slots.subjects_between(entry.teacher.id, now, horizon)
        await uow.commit()
    return Portal(entry, subjects)


@dataclass(frozen=True)
class OwnPortal:
    """One of the account's student records whose link still lets it in, with that link."""

    student: Student
    teacher: Teacher
    token: str


@dataclass(frozen=True)
class Me:
    """Who the Mini App was opened by: their account, teaching, and student portals."""

    telegram_id: int
    first_name: str
    language: str | None
    teacher: Teacher | None
    portals: list[OwnPortal]


async def me(deps: Deps, telegram_id: int, first_name: str, language: str | None) -> Me:
    """The account (first contact recorded as /start records it), its teacher and portals.

    A link token is returned only for the account's own bound records, whose links are live.
    """
    now = deps.clock.now()
    async with deps.uow() as uow:
        account = await uow.accounts.ensure(telegram_id, first_name, now, language)
        teacher = await uow.teachers.by_telegram(telegram_id)
        portals = []
        for student in await uow.students.by_telegram(telegram_id):
            owner = await uow.teachers.get(student.teacher_id)
            link = await uow.links.current(student.id)
            if student.archived or owner is None or link is None:
                continue
            token = deps.vault.unseal(link.token_encrypted)
            if refusal_to_use(link, now) is None and token is not None:
                portals.append(OwnPortal(student, owner, token))
        await uow.commit()
    return Me(telegram_id, account.first_name, account.language, teacher, portals)
