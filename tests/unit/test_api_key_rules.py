"""What an API key looks like, how new keys are named, and the colours the API shows."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.api_keys import ApiKey, looks_like_key, new_key, next_label
from bot.domain.colours import COLOURS, colour_hex, colour_name
from bot.security import TokenVault

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_new_key_is_the_prefix_and_43_url_safe_characters() -> None:
    keys = {new_key() for _ in range(100)}
    assert len(keys) == 100
    for key in keys:
        assert key.startswith("ll_") and len(key) == 46 and looks_like_key(key)


def test_only_key_shaped_values_are_looked_up() -> None:
    assert not looks_like_key("ll_short")
    assert not looks_like_key("A" * 46)  # no prefix
    assert not looks_like_key("ll_" + "a" * 40 + "!?")
    assert not looks_like_key("ll_" + "a" * 100)


def test_new_keys_take_the_next_free_name() -> None:
    assert next_label([]) == "Key 1"
    existing = [ApiKey(1, 1, "Key 2", NOW), ApiKey(2, 1, "Key 3", NOW)]
    assert next_label(existing) == "Key 4"
    assert next_label([ApiKey(1, 1, "Key 1", NOW)]) == "Key 2"


def test_key_hashes_are_keyed_and_apart_from_link_hashes() -> None:
    key = new_key()
    vault, other = TokenVault(b"one secret"), TokenVault(b"another secret")
    assert vault.key_digest(key) == vault.key_digest(key)
    assert vault.key_digest(key) != other.key_digest(key)
    assert vault.key_digest(key) != vault.digest(key)


def test_every_student_colour_has_its_own_rgb_in_its_emojis_hue() -> None:
    shown = [colour_hex(i) for i in range(len(COLOURS))]
    assert len(set(shown)) == len(COLOURS)
    assert (colour_hex(0), colour_name(0)) == ("#e53935", "red")
    assert colour_name(4) == colour_name(12) == "blue"
    assert all(len(h) == 7 and h.startswith("#") for h in shown)
