"""/language: the user picks the language the bot speaks to them."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import BotCommandScopeChat, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from babel import Locale

from bot.services import accounts
from bot.services.accounts import Identity
from bot.services.context import Deps
from handlers.keyboards import button, markup, rows_of
from handlers.mini_app import MiniApp, set_chat_menu
from handlers.navigation import show
from handlers.student_access import student_commands
from handlers.teacher_onboarding import teacher_commands
from views.callbacks import LanguageCb
from views.i18n import SOURCE_LANGUAGE, CatalogI18n

router = Router(name="language")


def languages(i18n: CatalogI18n) -> list[str]:
    """Every language the bot speaks: the source language and each catalog."""
    return sorted({SOURCE_LANGUAGE, *i18n.available_locales})


def endonym(code: str) -> str:
    """A language's name in that language ('English', 'Русский'), from Babel's CLDR data."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@router.message(Command("language"))
async def choose(message: Message, i18n: CatalogI18n) -> None:
    """Offer every available language."""
    buttons = [button(endonym(code), LanguageCb(code=code)) for code in languages(i18n)]
    await message.answer(_("Choose your language:"), reply_markup=markup(rows_of(buttons, 2)))


@router.callback_query(LanguageCb.filter())
async def chosen(
    query: CallbackQuery,
    callback_data: LanguageCb,
    deps: Deps,
    i18n: CatalogI18n,
    bot: Bot,
    mini_app: MiniApp,
    identity: Identity | None = None,
) -> None:
    """Store the choice and confirm in the new language."""
    code = await accounts.set_language(
        deps, query.from_user.id, callback_data.code, set(languages(i18n))
    )
    with i18n.use_locale(code):
        # A chat-scoped menu was registered in the old language; register it again.
        scope = BotCommandScopeChat(chat_id=query.from_user.id)
        if identity is not None and identity.is_teacher:
            await bot.set_my_commands(teacher_commands(), scope=scope)
            await set_chat_menu(bot, mini_app, query.from_user.id, teacher=True)
        elif identity is not None and identity.student_of:
            await bot.set_my_commands(student_commands(), scope=scope)
            await set_chat_menu(bot, mini_app, query.from_user.id, teacher=False)
        text = _("Done: I will speak {language} with you.").format(language=endonym(code))
        await show(query, text)
