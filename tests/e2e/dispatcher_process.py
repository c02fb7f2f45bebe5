"""A dispatcher worker in its own OS process, so a test can kill it with SIGKILL mid-burst."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.config import Settings
from runtime.application import build_application


async def main(api_url: str, database_url: str, token: str, data_dir: str) -> None:
    """Dispatch forever, as a worker's scheduler would, until killed."""
    settings = Settings(
        bot_token=token,  # type: ignore[arg-type]
        telegram_api_url=api_url,
        database_url=database_url,
        secret_key="test-secret-key-for-e2e",  # type: ignore[arg-type]
        data_dir=Path(data_dir),
    )
    app = build_application(settings)
    print("ready", flush=True)
    while True:
        await app.jobs["outbox"]()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
