"""Translations: aiogram's I18n fed from the gettext .po catalogs through Babel."""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent.parent / "bot" / "texts" / "locales"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


@functools.cache
def _compiled(po_path: Path, locale: str, mtime_ns: int) -> bytes:
    """A .po catalog compiled to .mo bytes, once per version of the file.

    Every application (each test builds one) would otherwise parse the catalogs again; the
    modification time in the key makes an edited catalog compile anew.
    """
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


class CatalogI18n(I18n):
    """Loads .po catalogs directly, so no compiled .mo files are kept in the repository."""

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        """Compile every locale's .po into an in-memory gettext catalog."""
        found: dict[str, gettext.GNUTranslations] = {}
        for po_path in sorted(self.path.glob(f"*/LC_MESSAGES/{self.domain}.po")):
            locale = po_path.parent.parent.name
            compiled = _compiled(po_path, locale, po_path.stat().st_mtime_ns)
            found[locale] = gettext.GNUTranslations(io.BytesIO(compiled))
        return found

    @contextmanager
    def context(self) -> Iterator[I18n]:
        """Make this catalog current where aiogram's gettext looks: on the I18n base class."""
        token = I18n.set_current(self)
        try:
            yield self
        finally:
            I18n.reset_current(token)

    def pick(self, *candidates: str | None) -> str:
        """The first candidate language that has a catalog (or is the source language)."""
        for code in candidates:
            if not code:
                continue
            base = code.split("-")[0].split("_")[0].lower()
            if base == SOURCE_LANGUAGE or base in self.locales:
                return base
        return SOURCE_LANGUAGE


def make_i18n() -> CatalogI18n:
    """The project's translations."""
    return CatalogI18n(path=LOCALES_DIR, default_locale=SOURCE_LANGUAGE, domain=DOMAIN)


class UserLanguageMiddleware(I18nMiddleware):
    """Speaks the language the user chose with /language, else their Telegram language."""

    i18n: CatalogI18n

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        """The locale for this update."""
        user: User | None = data.get("event_from_user")
        chosen = data.get("account_language")
        return self.i18n.pick(chosen, user.language_code if user else None)
