"""Teacher use cases: register with /teach, read and change settings, every change audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.domain.errors import NotAllowedToTeach
from bot.domain.model import Teacher, TeacherSettings
from bot.domain.teacher_settings import (
    Setting,
    apply_choice,
    apply_setting,
    clean_name,
    setting_value,
)
from bot.domain.zones import resolve_timezone
from bot.services import notify, slot_filling
from bot.services.context import Deps, audit, records_refusals
from bot.services.ownership import teacher_act, teacher_of


@records_refusals
async def check_may_teach(deps: Deps, telegram_id: int) -> None:
    """Refuse at once when TEACHER_IDS is set and this account is not on it."""
    if deps.teacher_ids and telegram_id not in deps.teacher_ids:
        event = audit("teacher.register", "refused:not_invited", deps, actor=telegram_id)
        raise NotAllowedToTeach().audited(event)


async def register(deps: Deps, telegram_id: int, display_name: str, timezone: str) -> Teacher:
    """Register this account as a teacher, or update the name and zone of one already there."""
    await check_may_teach(deps, telegram_id)
    name = clean_name(display_name)
    now = deps.clock.now()
    zone = resolve_timezone(timezone, now)
    async with deps.uow() as uow:
        teacher = await uow.teachers.by_telegram(telegram_id)
        if teacher is None:
            settings = TeacherSettings(timezone=zone)
            teacher = await uow.teachers.add(telegram_id, name, settings, now)
            outcome = "registered"
        else:
            teacher = replace(teacher, display_name=name)
            teacher.settings = replace(teacher.settings, timezone=zone)
            await uow.teachers.save(teacher)
            await slot_filling.clear_future(uow, teacher, now)
            outcome = "updated"
        await uow.audit.add(teacher_act(deps, teacher, "teacher.register", outcome, timezone=zone))
        await uow.commit()
    if outcome == "updated":
        # Future free slots are cut again at the same local hours, in batches of their own.
        await slot_filling.fill_teacher(deps, teacher, now)
    return teacher


async def get(deps: Deps, telegram_id: int) -> Teacher:
    """The calling teacher with their settings."""
    async with deps.reading() as uow:
        return await teacher_of(uow, telegram_id)


async def rename(deps: Deps, telegram_id: int, display_name: str) -> Teacher:
    """Change the name students see."""
    name = clean_name(display_name)
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        old, teacher.display_name = teacher.display_name, name
        await uow.teachers.save(teacher)
        event = teacher_act(
            deps, teacher, "settings.changed", setting="display_name", old=old, new=name
        )
        await uow.audit.add(event)
        await uow.commit()
    return teacher


REPLANS_REMINDERS = (Setting.REMINDERS, Setting.TEACHER_REMINDERS, Setting.NOTIFICATIONS)


async def change_setting(deps: Deps, telegram_id: int, key: Setting, text: str = "") -> Teacher:
    """Change one setting from typed text (switches flip); the change is audited."""
    if key == Setting.TIMEZONE:
        # Cities, abbreviations and offsets are read here: an offset needs the clock's now.
        text = resolve_timezone(text, deps.clock.now())
    return await _change(deps, telegram_id, key, lambda s: apply_setting(s, key, text))


async def choose_setting(deps: Deps, telegram_id: int, key: Setting, code: str) -> Teacher:
    """Set one setting to the value a button carries (see apply_choice); audited the same way."""
    return await _change(deps, telegram_id, key, lambda s: apply_choice(s, key, code))


async def _change(
    deps: Deps, telegram_id: int, key: Setting, change: Callable[[TeacherSettings], TeacherSettings]
) -> Teacher:
    """Apply one change to a teacher's settings, then replan what depends on it."""
    now = deps.clock.now()
    if key == Setting.HORIZON:
        await _check_horizon(deps, telegram_id, change, now)
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        old = teacher.settings
        teacher.settings = change(old)
        await uow.teachers.save(teacher)
        # A new zone moves every future free slot to the same local hours; a longer horizon
        # makes more days bookable now rather than at the next upkeep. Either way the slots
        # are opened after this commit, in batches of their own.
        refill = key == Setting.HORIZON
        if key == Setting.TIMEZONE and teacher.settings.timezone != old.timezone:
            await slot_filling.clear_future(uow, teacher, now)
            refill = True
        elif key in REPLANS_REMINDERS:
            # Reminders already queued follow the new lead times (or stop, or start).
            await notify.replan_reminders(uow, teacher, now)
        before, after = setting_value(old, key), setting_value(teacher.settings, key)
        event = teacher_act(
            deps, teacher, "settings.changed", setting=key.value, old=before, new=after
        )
        await uow.audit.add(event)
        await uow.commit()
    if refill:
        await slot_filling.fill_teacher(deps, teacher, now)
    return teacher


async def _check_horizon(
    deps: Deps,
    telegram_id: int,
    change: Callable[[TeacherSettings], TeacherSettings],
    now: datetime,
) -> None:
    """TooManySlots, before anything changes, if the new horizon would pass the ceiling."""
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
    longer = replace(teacher, settings=change(teacher.settings))
    await slot_filling.check_room(deps, longer, now)


def check_name(text: str) -> str:
    """A display name as it will be stored; InvalidInput('name') when empty or too long."""
    return clean_name(text)
