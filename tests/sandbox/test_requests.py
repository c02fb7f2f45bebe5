"""Raw HTTP behaviour: auth, routing, body formats and validation answers."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from sandbox import BotAPIServer
from tests.sandbox.conftest import TOKEN


async def call(
    server: BotAPIServer, method: str, token: str = TOKEN, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    """POST to the sandbox and return (status, decoded JSON)."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{server.url}/bot{token}/{method}", **kwargs) as resp,
    ):
        return resp.status, await resp.json()


async def test_wrong_token_is_unauthorized(server: BotAPIServer) -> None:
    status, body = await call(server, "getMe", token="999:WRONG")
    assert (status, body) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )


async def test_unknown_method_is_not_found(server: BotAPIServer) -> None:
    status, body = await call(server, "sendMessagee", json={"chat_id": 1001, "text": "x"})
    assert status == 404
    assert body["description"] == "Not Found: method not found"


async def test_method_names_are_case_insensitive(server: BotAPIServer) -> None:
    status, body = await call(server, "getme")
    assert status == 200 and body["result"]["username"] == "lessonlink_bot"


async def test_json_form_and_query_bodies_are_accepted(server: BotAPIServer) -> None:
    s1, _ = await call(server, "sendMessage", json={"chat_id": 1001, "text": "json"})
    s2, _ = await call(server, "sendMessage", data={"chat_id": "1001", "text": "form"})
    s3, _ = await call(server, "sendMessage", params={"chat_id": "1001", "text": "query"})
    assert (s1, s2, s3) == (200, 200, 200)
    assert [m.text for m in server.bot_messages(1001)] == ["json", "form", "query"]


async def test_missing_required_field_is_refused(server: BotAPIServer) -> None:
    status, body = await call(server, "sendMessage", json={"text": "hi"})
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat_id is required",
    }
    assert server.requests[-1].status == 400


async def test_unknown_field_is_refused(server: BotAPIServer) -> None:
    status, body = await call(server, "sendMessage", json={"chat_id": 1001, "txt": "hi"})
    assert status == 400
    assert "txt" in body["description"]


async def test_wrong_type_is_refused(server: BotAPIServer) -> None:
    status, body = await call(
        server, "sendMessage", data={"chat_id": "1001", "text": "x", "disable_notification": "yes"}
    )
    assert status == 400
    assert "disable_notification" in body["description"]


async def test_text_limits(server: BotAPIServer) -> None:
    ok, _ = await call(server, "sendMessage", json={"chat_id": 1001, "text": "é" * 4096})
    long, body = await call(server, "sendMessage", json={"chat_id": 1001, "text": "x" * 4097})
    blank, _ = await call(server, "sendMessage", json={"chat_id": 1001, "text": "  \n"})
    assert (ok, long, blank) == (200, 400, 400)
    assert body["description"] == "Bad Request: message is too long"
    assert len(server.bot_messages(1001)) == 1


def keyboard(*buttons: dict[str, Any]) -> str:
    """A reply_markup JSON string as aiogram sends it."""
    return json.dumps({"inline_keyboard": [list(buttons)]})


async def test_callback_data_is_limited_to_64_bytes(server: BotAPIServer) -> None:
    fits = keyboard({"text": "ok", "callback_data": "é" * 32})
    too_long = keyboard({"text": "ok", "callback_data": "a" * 32 + "é" * 16 + "b"})
    s1, _ = await call(
        server, "sendMessage", data={"chat_id": "1001", "text": "a", "reply_markup": fits}
    )
    s2, body = await call(
        server, "sendMessage", data={"chat_id": "1001", "text": "b", "reply_markup": too_long}
    )
    assert (s1, s2) == (200, 400)
    assert body["description"] == "Bad Request: BUTTON_DATA_INVALID"
    assert [m.text for m in server.bot_messages(1001)] == ["a"]


async def test_buttons_need_exactly_one_valid_action(server: BotAPIServer) -> None:
    cases = [
        keyboard({"text": "no action"}),
        keyboard({"text": "two", "callback_data": "x", "url": "https://example.org"}),
        keyboard({"text": "ftp", "url": "ftp://example.org"}),
        keyboard({"text": "", "callback_data": "x"}),
        json.dumps({"inline_keyboard": [[{"text": "t", "callback_data": "x", "colour": "red"}]]}),
    ]
    for markup in cases:
        status, _ = await call(
            server, "sendMessage", data={"chat_id": "1001", "text": "t", "reply_markup": markup}
        )
        assert status == 400, markup
    good = keyboard(
        {"text": "link", "url": "tg://user?id=1"}, {"text": "c", "copy_text": {"text": "x"}}
    )
    status, _ = await call(
        server, "sendMessage", data={"chat_id": "1001", "text": "t", "reply_markup": good}
    )
    assert status == 200


async def test_html_is_checked_and_rendered(server: BotAPIServer) -> None:
    text = '<b>Bold</b> &lt;tag&gt; <a href="https://x.org">link</a> <tg-spoiler>s</tg-spoiler>'
    status, body = await call(
        server, "sendMessage", json={"chat_id": 1001, "text": text, "parse_mode": "HTML"}
    )
    assert status == 200
    assert body["result"]["text"] == "Bold <tag> link s"
    types = [e["type"] for e in body["result"]["entities"]]
    assert types == ["bold", "text_link", "spoiler"]
    message = server.last_bot_message(1001)
    assert message is not None and message.text == "Bold <tag> link s" and message.raw_text == text
    for bad in ["<b>unclosed", "<div>x</div>", "<b><i>x</b></i>", "a < b", "<span>x</span>"]:
        status, body = await call(
            server, "sendMessage", json={"chat_id": 1001, "text": bad, "parse_mode": "HTML"}
        )
        assert status == 400, bad
        assert body["description"].startswith("Bad Request: can't parse entities: ")


async def test_unknown_chat_and_unstarted_user(server: BotAPIServer) -> None:
    s1, b1 = await call(server, "sendMessage", json={"chat_id": 4242, "text": "x"})
    s2, b2 = await call(server, "sendMessage", json={"chat_id": 1002, "text": "x"})
    assert (s1, b1["description"]) == (400, "Bad Request: chat not found")
    assert s2 == 403 and b2["description"].startswith("Forbidden: ")


async def test_answer_callback_text_limit(server: BotAPIServer) -> None:
    status, _ = await call(
        server,
        "sendMessage",
        data={
            "chat_id": "1001",
            "text": "t",
            "reply_markup": keyboard({"text": "b", "callback_data": "d"}),
        },
    )
    assert status == 200
    server.press_button(1001, "b")
    query_id = server.world.updates[-1]["callback_query"]["id"]
    s1, _ = await call(
        server, "answerCallbackQuery", json={"callback_query_id": query_id, "text": "x" * 201}
    )
    s2, _ = await call(
        server, "answerCallbackQuery", json={"callback_query_id": query_id, "text": "x" * 200}
    )
    s3, b3 = await call(server, "answerCallbackQuery", json={"callback_query_id": query_id})
    assert (s1, s2, s3) == (400, 200, 400)
    assert "query is too old" in b3["description"]
    assert [a.text for a in server.callback_answers] == ["x" * 200]


async def test_multipart_file_part_under_the_field_name(server: BotAPIServer) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", "1001")
    form.add_field("document", b"%PDF-1.4", filename="invoice.pdf", content_type="application/pdf")
    status, body = await call(server, "sendDocument", data=form)
    assert status == 200, body
    assert body["result"]["document"]["mime_type"] == "application/pdf"
    shown = server.last_bot_message(1001)
    assert shown is not None and (shown.document, shown.document_name) == (
        b"%PDF-1.4",
        "invoice.pdf",
    )
    missing = aiohttp.FormData()
    missing.add_field("chat_id", "1001")
    missing.add_field("document", "attach://nothing")
    status, body = await call(server, "sendDocument", data=missing)
    assert status == 400 and "nothing" in body["description"]
