"""Link tokens: generated from a CSPRNG, found by keyed hash, shown again by decryption."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOKEN_BYTES = 32  # 256 bits; token_urlsafe gives 43 characters, inside Telegram's 64.
TOKEN_CHARS = -(-TOKEN_BYTES * 4 // 3)  # base64 without padding: 43


class TokenVault:
    """Turns a SECRET_KEY into the keyed hash and the cipher for link tokens."""

    def __init__(self, secret_key: bytes) -> None:
        self._mac_key = self._derive(secret_key, b"lessonlink link lookup")
        self._key_mac_key = self._derive(secret_key, b"lessonlink api key lookup")
        self._fernet = Fernet(
            base64.urlsafe_b64encode(self._derive(secret_key, b"lessonlink seal"))
        )

    @staticmethod
    def _derive(secret: bytes, info: bytes) -> bytes:
        # Separate keys for hashing and encryption: one leaking does not weaken the other.
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)

    @staticmethod
    def new_token() -> str:
        """A fresh URL-safe token of 256 random bits."""
        return secrets.token_urlsafe(TOKEN_BYTES)

    def digest(self, token: str) -> bytes:
        """The keyed hash by which a token is looked up."""
        return hmac.new(self._mac_key, token.encode(), hashlib.sha256).digest()

    def key_digest(self, key: str) -> bytes:
        """The keyed hash by which a teacher's API key is looked up (its own derived key)."""
        return hmac.new(self._key_mac_key, key.encode(), hashlib.sha256).digest()

    def seal(self, token: str) -> bytes:
        """The encrypted copy that lets the teacher see the link again."""
        return self._fernet.encrypt(token.encode())

    def unseal(self, blob: bytes) -> str | None:
        """The token back from its encrypted copy, or None if the key does not fit."""
        try:
            return self._fernet.decrypt(blob).decode()
        except InvalidToken:
            return None


def looks_like_token(text: str) -> bool:
    """Whether a /start payload could be one of our tokens (cheap filter before hashing)."""
    return 16 <= len(text) <= 64 and all(c.isalnum() or c in "-_" for c in text)
