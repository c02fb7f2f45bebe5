"""Rate limits count the real client: behind a trusted reverse proxy, the last hop it added."""

from __future__ import annotations

from unittest import mock

from aiohttp.test_utils import make_mocked_request

from bot.domain.clock import SystemClock
from web.api.context import ApiContext


def request_from(remote: str, forwarded: str | None = None) -> object:
    transport = mock.Mock()
    transport.get_extra_info.return_value = (remote, 40000)
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return make_mocked_request("GET", "/api/me", headers=headers, transport=transport)


def context(*proxies: str) -> ApiContext:
    deps = mock.Mock(clock=SystemClock())
    return ApiContext(deps, mock.Mock(), "1:x", str, trusted_proxies=frozenset(proxies))


def test_without_a_trusted_proxy_the_peer_is_the_client_whatever_it_claims() -> None:
    ctx = context()
    assert ctx.client(request_from("203.0.113.9", "10.9.9.9")) == "203.0.113.9"  # type: ignore[arg-type]


def test_behind_a_trusted_proxy_the_last_untrusted_hop_is_the_client() -> None:
    ctx = context("127.0.0.1")
    # A forged first hop is ignored: the proxy appended the address it saw last.
    seen = request_from("127.0.0.1", "10.9.9.9, 198.51.100.7")
    assert ctx.client(seen) == "198.51.100.7"  # type: ignore[arg-type]
    assert ctx.client(request_from("127.0.0.1")) == "127.0.0.1"  # type: ignore[arg-type]
