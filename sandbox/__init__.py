"""A local Telegram Bot API server that simulates people, for tests and demos."""
