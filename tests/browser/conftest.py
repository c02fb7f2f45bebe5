"""Browser fixtures: a real headless Chromium (Debian's), driven by Playwright.

Every test here is marked `browser`; `.ci/run` fails if any of them was skipped, so a missing
Chromium is an error, never a skip.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright

from tests.browser import chromium

# A phone-sized window (iPhone SE width), where a student opens the Mini App.
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser as a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """A fresh headless Chromium for one test (a function-scoped event loop owns it)."""
    path = chromium.find()
    if path is None:
        pytest.fail(
            "No Chromium for the browser tests: run `python -m tests.browser.chromium` "
            f"(the README's test command does), or set {chromium.ENV}."
        )
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=path, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A phone-sized browser context with touch, in English."""
    context = await browser.new_context(viewport=PHONE, has_touch=True, locale="en-GB")
    try:
        yield context
    finally:
        await context.close()


# The running bot with its web server (SQLite and PostgreSQL), shared with the API tests.
from tests.api.conftest import api  # noqa: E402, F401
