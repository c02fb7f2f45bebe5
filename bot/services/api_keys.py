"""A teacher's API keys: create (shown once), list, revoke, and find the teacher a key proves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.domain.api_keys import MAX_LIVE_KEYS, ApiKey, TooManyApiKeys, looks_like_key, new_key
from bot.domain.api_keys import next_label as _next_label
from bot.services.context import Deps, audit, records_refusals
from bot.services.ownership import owned, teacher_act, teacher_of

# How often a key's "last used" moves (and a use is audited): a write per request is waste.
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class NewKey:
    """A key just made: the secret is here once, never stored and never shown again."""

    key: ApiKey
    secret: str


@dataclass(frozen=True)
class KeyOwner:
    """The teacher an API key proves, as the services know teachers: by Telegram account."""

    key_id: int
    teacher_id: int
    telegram_id: int
    language: str | None  # the teacher's chosen language, for the answers' sentences


async def create(deps: Deps, telegram_id: int) -> NewKey:
    """A new key for the teacher, named 'Key N'; audited (without the secret)."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        existing = await uow.api_keys.of_teacher(teacher.id)
        if sum(k.live for k in existing) >= MAX_LIVE_KEYS:
            raise TooManyApiKeys(MAX_LIVE_KEYS)
        secret = new_key()
        key = await uow.api_keys.add(
            teacher.id, _next_label(existing), deps.vault.key_digest(secret), now
        )
        await uow.audit.add(teacher_act(deps, teacher, "api_key.created", key_id=key.id))
        await uow.commit()
    return NewKey(key, secret)


@dataclass(frozen=True)
class KeyList:
    """The teacher's live keys, oldest first, and the zone their dates are shown in."""

    zone: str
    keys: list[ApiKey]


async def listing(deps: Deps, telegram_id: int) -> KeyList:
    """The teacher's live keys, oldest first."""
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        keys = await uow.api_keys.of_teacher(teacher.id, live_only=True)
    return KeyList(teacher.settings.timezone, keys)


@records_refusals
async def key_of(deps: Deps, telegram_id: int, key_id: int) -> ApiKey:
    """One of the teacher's keys, for the card that asks before revoking it."""
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        return owned(deps, teacher, "api_key", key_id, await uow.api_keys.get(key_id))


@records_refusals
async def revoke(deps: Deps, telegram_id: int, key_id: int) -> ApiKey:
    """Revoke one of the teacher's keys: refused from the next request on; audited."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        key = owned(deps, teacher, "api_key", key_id, await uow.api_keys.get(key_id))
        if await uow.api_keys.revoke(key.id, now):
            await uow.audit.add(teacher_act(deps, teacher, "api_key.revoked", key_id=key.id))
        await uow.commit()
    return key


async def owner_of(deps: Deps, secret: str) -> KeyOwner | None:
    """The teacher a live key proves, noting its use; None for an unknown or revoked key.

    A revoked key's use is audited for its teacher (someone still holds it); an unknown one
    is not (no teacher to tell, and a flood of guesses must not fill the log).
    """
    if not looks_like_key(secret):
        return None
    now = deps.clock.now()
    async with deps.uow() as uow:
        key = await uow.api_keys.by_hash(deps.vault.key_digest(secret))
        if key is None:
            return None
        teacher = await uow.teachers.get(key.teacher_id)
        if teacher is None:
            return None
        ids = {"teacher_id": teacher.id, "key_id": key.id}
        if not key.live:
            await uow.audit.add(audit("api_key.used", "refused:revoked", deps, **ids))
            await uow.commit()
            return None
        account = await uow.accounts.get(teacher.telegram_id)
        if await uow.api_keys.touch(key.id, now, TOUCH_EVERY):
            await uow.audit.add(audit("api_key.used", "ok", deps, **ids))
            await uow.commit()
    language = account.language if account is not None else None
    return KeyOwner(key.id, teacher.id, teacher.telegram_id, language)
