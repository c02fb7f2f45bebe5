"""A local Telegram Bot API server that simulates people, for tests and demos."""

from sandbox.mini_apps import NoWebApp, WebAppLaunch
from sandbox.people import ButtonNotFound, SimUser
from sandbox.server import BotAPIServer, FaultKind, RequestRecord
from sandbox.webhook import WebhookDelivery
from sandbox.world import Button, CallbackAnswer, ChatMessage

__all__ = [
    "BotAPIServer",
    "Button",
    "ButtonNotFound",
    "CallbackAnswer",
    "ChatMessage",
    "FaultKind",
    "NoWebApp",
    "RequestRecord",
    "SimUser",
    "WebAppLaunch",
    "WebhookDelivery",
]
