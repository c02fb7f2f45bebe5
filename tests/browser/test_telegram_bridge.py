"""The page talks to the Telegram client as telegram.org's script would: ready and expand on
start, Telegram's share screen for a link, and a theme that changes while the page is open."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.async_api import Browser, expect

from tests.api.conftest import Api
from tests.browser.conftest import PHONE
from tests.browser.miniapp_steps import DARK, WAIT, open_app
from tests.steps import student_steps as s

# What a mobile client provides: window.TelegramWebviewProxy.postEvent(type, json).
RECORDER = """
window.__posted = [];
window.TelegramWebviewProxy = {
  postEvent(type, data) { window.__posted.push([type, JSON.parse(data || "{}")]); },
};
"""


async def test_the_page_tells_the_client_it_is_ready_shares_through_telegram_and_retints(
    api: Api, browser: Browser
) -> None:
    h = api.harness
    tutor = await s.teacher(h)
    await s.invite(h, tutor, "Anna")
    context = await browser.new_context(viewport=PHONE, locale="en-GB")
    await context.add_init_script(RECORDER)
    page = await open_app(context, api, tutor.telegram_id)
    posted = await page.evaluate("window.__posted.map(([type]) => type)")
    assert {"web_app_ready", "web_app_expand"} <= set(posted)

    await page.get_by_role("link", name="Link card of Anna").click()
    address = page.get_by_label("Link", exact=True)
    await expect(address).not_to_have_value("", timeout=WAIT)
    await page.get_by_role("button", name="Share").click()
    events = await page.evaluate("window.__posted")
    shared = [data for kind, data in events if kind == "web_app_open_tg_link"]
    assert len(shared) == 1, events
    target = urlsplit(shared[0]["path_full"])
    assert target.path == "/share/url"
    assert parse_qs(target.query)["url"] == [await address.input_value()]
    # One level down, Telegram's Back button is shown.
    backs = [data for kind, data in events if kind == "web_app_setup_back_button"]
    assert backs[-1] == {"is_visible": True}

    await page.evaluate(
        "theme => window.Telegram.WebView.receiveEvent('theme_changed', {theme_params: theme})",
        DARK,
    )
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(33, 33, 33)"
    await context.close()
