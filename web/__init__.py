"""HTTP entry points on the bot's own aiohttp server: the webhook, /healthz and /metrics."""
