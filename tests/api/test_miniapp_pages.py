"""The Mini App's page, assets and texts as the server hands them out."""

from __future__ import annotations

from tests.api.conftest import Api
from web.miniapp_texts import TEXTS

TOKEN_LIKE = "Zq3xv8Pq0fT2kLmN4bRt6Yw1cD9eHs5jU7gAiOoKpXy"


async def test_the_page_is_served_for_telegram_and_for_a_plain_browser(api: Api) -> None:
    app = await api.get("/app/")
    browser = await api.get(f"/book/3/{TOKEN_LIKE}")
    for got in (app, browser):
        assert got.status == 200
        assert got.headers["Content-Type"].startswith("text/html")
        assert b'src="/app/assets/main.js"' in got.raw
        # Framed by Telegram's clients only; scripts from this server only.
        assert (
            "frame-ancestors 'self' https://web.telegram.org"
            in got.headers["Content-Security-Policy"]
        )
        assert "script-src 'self'" in got.headers["Content-Security-Policy"]
    assert app.raw == browser.raw
    assert TOKEN_LIKE.encode() not in browser.raw


async def test_app_without_its_slash_is_sent_to_it(api: Api) -> None:
    got = await api.get("/app", allow_redirects=False)
    assert got.status == 308
    assert got.headers["Location"] == "/app/"


async def test_assets_are_served_with_their_types_and_nothing_else_is(api: Api) -> None:
    script = await api.get("/app/assets/main.js")
    assert script.status == 200
    assert script.headers["Content-Type"].startswith("text/javascript")
    style = await api.get("/app/assets/app.css")
    assert style.headers["Content-Type"].startswith("text/css")
    for path in (
        "/app/assets/nothing.js",
        "/app/assets/..%2Fminiapp.py",
        "/app/assets/%2E%2E%2F%2E%2E%2Fpyproject.toml",
    ):
        assert (await api.get(path)).status == 404, path


async def test_the_pages_texts_come_from_the_catalogs_in_each_language(api: Api) -> None:
    russian = await api.get("/api/i18n/ru")
    assert russian.status == 200
    assert russian.headers["Content-Language"] == "ru"
    assert set(russian.body) == set(TEXTS)
    assert russian.body["Book this lesson?"] == "Записаться на этот урок?"
    assert russian.body["Book a lesson"] == "Записаться на урок"  # the bot's own sentence
    unknown = await api.get("/api/i18n/xx")
    assert unknown.headers["Content-Language"] == "en"
    assert unknown.body["Book this lesson?"] == "Book this lesson?"
