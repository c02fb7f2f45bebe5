"""An aiogram session that hands each Bot API call to a BotAPIServer in process, without HTTP.

The call is encoded as aiogram's HTTP session encodes it (the same form fields, files as
`attach://` uploads) and run through the server's own `execute`, so every call is validated
against the Bot API declarations and the chats read exactly as over HTTP. Fault injection
lives in the server's HTTP handler and does not apply here.
"""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile

from sandbox.validation import Upload

if TYPE_CHECKING:
    from aiogram import Bot

    from sandbox.server import BotAPIServer


class SandboxSession(BaseSession):
    """Carries a bot's calls straight to a sandbox server living in the same event loop."""

    def __init__(self, server: BotAPIServer) -> None:
        super().__init__()
        self.server = server

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        """Encode the call as the HTTP session would, run it on the server, decode the answer."""
        files: dict[str, InputFile] = {}
        fields: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:  # the HTTP session leaves empty values out of the form as well
                fields[key] = prepared
        uploads = {key: await _upload(bot, key, file) for key, file in files.items()}
        status, body = await self.server.execute(method.__api_method__, fields, uploads)
        response = self.check_response(bot, method, status, self.json_dumps(body))
        return cast(TelegramType, response.result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """A file the server stores, by the last part of its download URL."""
        stored = self.server.world.files.get(url.rsplit("/", 1)[-1])
        if stored is None or stored.content is None:
            raise FileNotFoundError(url)
        for start in range(0, len(stored.content), chunk_size):
            yield stored.content[start : start + chunk_size]

    async def close(self) -> None:
        """Nothing to release: no connection was opened."""


async def _upload(bot: Bot, key: str, file: InputFile) -> Upload:
    """A file part as the server reads it from a multipart request (type guessed by name)."""
    content = b"".join([chunk async for chunk in file.read(bot)])
    filename = file.filename or key
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Upload(filename, content, content_type)
