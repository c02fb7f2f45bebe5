"""The teacher's email use cases: an address on a student's card, Send by email, unsubscribe."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from bot.domain.mail import (
    EMAIL,
    MailRefusal,
    MailRefused,
    StudentEmail,
    normalised_address,
    unsubscribe_key,
)
from bot.domain.model import OutboxMessage, Student
from bot.domain.notice_json import dump_notice
from bot.domain.notices import NewLink
from bot.services.context import Deps, audit
from bot.services.links import LinkCard, card_of
from bot.services.ownership import teacher_act, teacher_and_student


@dataclass(frozen=True)
class EmailCard:
    """A student's address as their card shows it (None: no address yet)."""

    student: Student
    email: StudentEmail | None


async def email_card(deps: Deps, telegram_id: int, student_id: int) -> EmailCard:
    """The student's address and switches, for one of the teacher's students."""
    async with deps.reading() as uow:
        _teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        return EmailCard(student, await uow.student_emails.get(student.id))


async def set_address(deps: Deps, telegram_id: int, student_id: int, typed: str) -> EmailCard:
    """Store the typed address (checked; BadAddress if not one), with a new unsubscribe secret.

    The same address typed again is left as it is: if its owner unsubscribed, they stay so.
    """
    address = normalised_address(typed)
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        found = await uow.student_emails.get(student.id)
        if found is None or found.address.lower() != address.lower():
            token = deps.vault.new_token()
            digest = deps.vault.digest(unsubscribe_key(token))
            found = await uow.student_emails.put(
                student.id, address, digest, deps.vault.seal(token), now
            )
            await uow.audit.add(teacher_act(deps, teacher, "email.set", student_id=student.id))
            await uow.commit()
    return EmailCard(student, found)


async def set_notices(deps: Deps, telegram_id: int, student_id: int, on: bool) -> EmailCard:
    """Turn lesson notices and reminders by email on or off for this student."""
    async with deps.uow() as uow:
        _teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        await uow.student_emails.set_notices(student.id, on, deps.clock.now())
        found = await uow.student_emails.get(student.id)
        await uow.commit()
    return EmailCard(student, found)


async def remove(deps: Deps, telegram_id: int, student_id: int) -> EmailCard:
    """Forget the student's address (not one that unsubscribed); queued mail is not sent."""
    async with deps.uow() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        found = await uow.student_emails.get(student.id)
        if found is not None and not found.reachable:
            # The owner's "no more mail" is kept: forgetting it would let the same address
            # typed again be mailed. Only another address replaces it.
            return EmailCard(student, found)
        await uow.student_emails.remove(student.id)
        await uow.audit.add(teacher_act(deps, teacher, "email.remove", student_id=student.id))
        await uow.commit()
    return EmailCard(student, None)


async def send_link(deps: Deps, telegram_id: int, student_id: int) -> tuple[LinkCard, str]:
    """Queue the live link (with its QR code) for the student's address; MailRefused if not."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        found = await uow.student_emails.get(student.id)
        if found is None:
            raise MailRefused(MailRefusal.NO_ADDRESS)
        if not found.reachable:
            raise MailRefused(MailRefusal.UNSUBSCRIBED)
        card = await card_of(uow, deps, student)
        if card.token is None or card.link is None:
            raise MailRefused(MailRefusal.LINK_NOT_LIVE)
        notice = NewLink(
            teacher_id=teacher.id,
            teacher_name=teacher.display_name,
            student_id=student.id,
            link_id=card.link.id,
            # Only the sealed copy travels; the mailer opens it on the way out.
            sealed_token=base64.b64encode(card.link.token_encrypted).decode(),
        )
        # A double press within a minute mails once.
        key = f"mail:{notice.kind}:{card.link.id}:{now:%Y%m%d%H%M}"
        row = OutboxMessage(
            0, notice.kind.value, student.id, dump_notice(notice), now, dedup_key=key, channel=EMAIL
        )
        await uow.outbox.add_many([row], now)
        await uow.audit.add(teacher_act(deps, teacher, "link.email", student_id=student.id))
        await uow.commit()
    return card, found.address


async def unsubscribe(deps: Deps, token: str) -> bool:
    """Stop all mail to the address this secret was mailed with; False if it is unknown."""
    async with deps.uow() as uow:
        found = await uow.student_emails.by_token(deps.vault.digest(unsubscribe_key(token)))
        if found is None:
            return False
        await uow.student_emails.unsubscribe(found.student_id, deps.clock.now())
        student = await uow.students.get(found.student_id)
        teacher_id = student.teacher_id if student else None
        event = audit(
            "email.unsubscribe", "ok", deps, teacher_id=teacher_id, student_id=found.student_id
        )
        await uow.audit.add(event)
        await uow.commit()
    return True
