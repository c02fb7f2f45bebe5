"""Typed settings from the environment or a .env file, validated once at start."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DATA_DIR = Path("data")


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message says how to fix it."""


def _parse_ids(value: object) -> object:
    """Accept "1,2 3" as well as a JSON list for id lists."""
    if isinstance(value, str):
        parts = value.replace(",", " ").split()
        return [int(p) for p in parts]
    return value


class Settings(BaseSettings):
    """Everything LessonLink reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_file_encoding="utf-8")

    bot_token: SecretStr
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = ""
    secret_key: SecretStr | None = None
    teacher_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_timezone: str = "UTC"
    log_level: str = "INFO"
    data_dir: Path = DATA_DIR
    dispatch_interval_seconds: float = 2.0

    @field_validator("teacher_ids", "admin_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        return _parse_ids(value)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value()
        head, _, tail = raw.partition(":")
        if not head.isdigit() or len(tail) < 1:
            raise ValueError("it should look like 123456789:AA... as @BotFather gives it")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("it must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("it must be an IANA time zone such as Europe/Berlin") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("it must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("database_url")
    @classmethod
    def _db(cls, value: str) -> str:
        if value and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("it must start with sqlite+aiosqlite:/// or postgresql+asyncpg://")
        return value

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to an SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'lessonlink.sqlite3').resolve()}"

    def resolved_secret_key(self) -> bytes:
        """The key protecting link tokens; generated once into the data folder if unset."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        key_file = self.data_dir / "secret.key"
        if key_file.exists():
            return key_file.read_text().strip().encode()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        # Owner-only from the first byte: create with 0600 rather than chmod afterwards.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key.encode()


_HINTS = {
    "bot_token": "get one from @BotFather in Telegram (/newbot) and set BOT_TOKEN",
}


def load_settings(**overrides: object) -> Settings:
    """Build Settings, turning validation errors into one clear ConfigError sentence."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else "configuration"
        env_name = name.upper()
        if err["type"] == "missing":
            hint = _HINTS.get(name, f"set {env_name} in the environment or in .env")
            raise ConfigError(f"{env_name} is not set: {hint}.") from None
        reason = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{env_name} is malformed: {reason}.") from None
