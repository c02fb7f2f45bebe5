"""Opening the Mini App as Telegram's clients do: launch parameters in the URL's hash."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from playwright.async_api import BrowserContext, Page, expect

from tests.api.conftest import Api
from tests.browser.conftest import SCREENSHOTS

WAIT = 20_000  # ms: generous, for a busy two-core machine
LIGHT = {
    "bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#707579",
    "link_color": "#3390ec", "button_color": "#3390ec", "button_text_color": "#ffffff",
    "secondary_bg_color": "#f4f4f5",
}  # fmt: skip
DARK = {
    "bg_color": "#212121", "text_color": "#ffffff", "hint_color": "#aaaaaa",
    "link_color": "#8774e1", "button_color": "#8774e1", "button_text_color": "#ffffff",
    "secondary_bg_color": "#181818",
}  # fmt: skip


def launch_url(api: Api, user_id: int, theme: dict[str, str], route: str = "", **extra: str) -> str:
    """/app/ with Telegram's launch parameters (signed initData, theme) in the hash."""
    init_data = api.init_data(user_id, **extra)
    params = (
        f"tgWebAppData={quote(init_data, safe='')}&tgWebAppVersion=8.0"
        f"&tgWebAppPlatform=android&tgWebAppThemeParams={quote(json.dumps(theme), safe='')}"
    )
    return f"{api.url}/app/#{route}{'?' if route else ''}{params}"


async def open_app(
    context: BrowserContext, api: Api, user_id: int, theme: dict[str, str] = LIGHT, **extra: str
) -> Page:
    """A page of the Mini App opened by `user_id`, once it has shown its first screen."""
    page = await context.new_page()
    await page.goto(launch_url(api, user_id, theme, **extra))
    await expect(page.locator("body[data-ready='true']")).to_be_attached(timeout=WAIT)
    return page


async def screenshot(page: Page, name: str) -> Path:
    """A screenshot of the whole page into docs/screenshots/ (shown in the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Neither the pointer nor the focus may land in the picture: the same page, the same png.
    await page.mouse.move(0, 0)
    await page.evaluate("document.activeElement && document.activeElement.blur()")
    picture = await page.screenshot(full_page=True)
    # Replaced whole, never written in place: the same test on the other database may be
    # taking the same picture in another worker at this moment.
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(picture)
    os.replace(partial, path)
    return path
