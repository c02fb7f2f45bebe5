"""The REST API (issue 16): JSON over the bot's own aiohttp server, on the same services."""
