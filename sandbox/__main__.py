"""Serve the sandbox Bot API: python -m sandbox --port 8081 --token 123:ABC."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from sandbox.server import BotAPIServer


async def serve(host: str, port: int, token: str, username: str) -> None:
    """Run the server until interrupted."""
    server = BotAPIServer(token=token, bot_username=username)
    url = await server.start(host=host, port=port)
    print(f"Sandbox Bot API listening on {url} (bot token {token})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--username", default="lessonlink_bot")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, args.token, args.username))


if __name__ == "__main__":
    main()
