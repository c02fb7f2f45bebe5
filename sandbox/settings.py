"""Bot API methods about the bot itself: identity, commands, menu, webhook, files, actions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sandbox.declarations import CHAT_ACTIONS, DEFAULT_UPDATE_TYPES
from sandbox.validation import bad_request, check_commands, check_menu_button
from sandbox.world import Webhook, World


def _scope_key(p: dict[str, Any]) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.get("language_code") or ""


def set_my_commands(world: World, p: dict[str, Any]) -> bool:
    """setMyCommands: store the command list for a scope and language."""
    check_commands(p["commands"])
    world.commands[_scope_key(p)] = p["commands"]
    return True


def delete_my_commands(world: World, p: dict[str, Any]) -> bool:
    """deleteMyCommands: forget the command list for a scope and language."""
    world.commands.pop(_scope_key(p), None)
    return True


def get_my_commands(world: World, p: dict[str, Any]) -> list[dict[str, Any]]:
    """getMyCommands: the stored command list for a scope and language."""
    return world.commands.get(_scope_key(p), [])


def _menu_chat(world: World, p: dict[str, Any]) -> int | None:
    chat = p.get("chat_id")
    if chat is not None and chat not in world.users:
        raise bad_request("chat not found")  # menu buttons exist in private chats only
    return chat


def set_chat_menu_button(world: World, p: dict[str, Any]) -> bool:
    """setChatMenuButton: a chat's own menu button, or the bot's default (None key)."""
    chat = _menu_chat(world, p)
    button = p.get("menu_button") or {"type": "default"}
    check_menu_button(button)
    if button["type"] == "default":
        world.menu_buttons.pop(chat, None)  # a chat follows the default; the default: commands
    else:
        world.menu_buttons[chat] = button
    return True


def get_chat_menu_button(world: World, p: dict[str, Any]) -> dict[str, Any]:
    """getChatMenuButton: a chat's own button ("default" when it follows the bot's default),
    or without chat_id the bot's default (the command list unless set)."""
    chat = _menu_chat(world, p)
    if chat is not None:
        return world.menu_buttons.get(chat, {"type": "default"})
    return world.menu_buttons.get(None, {"type": "commands"})


def send_chat_action(world: World, p: dict[str, Any]) -> bool:
    """sendChatAction: record a 'typing…' style status."""
    chat_id = world.chat_for_bot(p["chat_id"])
    if p["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    world.chat_actions.append((chat_id, p["action"]))
    return True


def get_file(world: World, p: dict[str, Any]) -> dict[str, Any]:
    """getFile: describe a stored file; its bytes are served under /file/bot<token>/."""
    stored = world.files.get(p["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    size = len(stored.content or b"")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": size,
        "file_path": f"files/{stored.file_id}",
    }


def set_webhook(world: World, p: dict[str, Any]) -> bool:
    """setWebhook: start delivering updates by POST (empty url removes the webhook)."""
    url = p["url"]
    if p.get("drop_pending_updates"):
        world.drop_pending()
    if "allowed_updates" in p:
        world.allowed_updates = tuple(p["allowed_updates"]) or DEFAULT_UPDATE_TYPES
    if not url:
        world.webhook = None
        return True
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get("secret_token")
    if secret is not None and not (
        1 <= len(secret) <= 256
        and all(c.isalnum() or c in "_-" for c in secret)
        and secret.isascii()
    ):
        raise bad_request("secret token contains unallowed characters")
    connections = p.get("max_connections", 40)
    if not 1 <= connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    world.webhook = Webhook(url, secret, connections)
    return True


def delete_webhook(world: World, p: dict[str, Any]) -> bool:
    """deleteWebhook: go back to getUpdates, optionally dropping pending updates."""
    world.webhook = None
    if p.get("drop_pending_updates"):
        world.drop_pending()
    return True


def get_webhook_info(world: World, p: dict[str, Any]) -> dict[str, Any]:
    """getWebhookInfo: the current webhook and how many updates wait."""
    hook = world.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates),
    }
    if hook:
        info["max_connections"] = hook.max_connections
        info["allowed_updates"] = list(world.allowed_updates)
        if hook.last_error_date:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


def get_me(world: World, p: dict[str, Any]) -> dict[str, Any]:
    """getMe: the bot's own User object."""
    return dict(world.bot_user)


def _true(world: World, p: dict[str, Any]) -> bool:
    return True


SETTINGS_HANDLERS: dict[str, Callable[[World, dict[str, Any]], Any]] = {
    "getMe": get_me,
    "logOut": _true,
    "close": _true,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "getFile": get_file,
    "setMyCommands": set_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getMyCommands": get_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "sendChatAction": send_chat_action,
}
