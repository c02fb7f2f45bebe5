"""Typed settings from the environment or a .env file, validated once at start."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.config_checks import (
    APP_NAME_RE,
    SECRET_RE,
    check_api_url,
    check_public_url,
    parse_ids,
)
from bot.config_mail import SmtpTarget, check_mail_from, mail_needs, parse_smtp_url
from bot.domain.typed import is_iana_zone

DATA_DIR = Path("data")
PRIVATE_FOLDER = 0o700  # the data folder holds the database and the secret key
PRIVATE_FILE = 0o600


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message says how to fix it."""


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
    # Each getMe at start waits this long (asked twice): a silent server ends the start soon.
    startup_timeout_seconds: int = Field(default=5, ge=1, le=60)
    # How often an update's claim is renewed while it is handled; a claim three beats old
    # belonged to a process that died, and the update's next delivery takes it over.
    update_heartbeat_seconds: float = Field(default=5.0, ge=1.0, le=60.0)
    # The Mini App (README "Mini App"): where the bot's web server is reachable from outside.
    public_url: str = ""
    mini_app_name: str = ""
    # A test environment (Telegram's test servers, or a local Bot API server such as the
    # demo's): there Mini Apps may be served over http from this machine.
    telegram_test_environment: bool = False
    # Addresses of reverse proxies in front of the web server, comma-separated (README).
    trusted_proxies: str = ""
    # Production mode (README "Production mode"): a webhook instead of polling, N workers.
    webhook_url: str = ""
    webhook_path: str = "/telegram/webhook"
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    redis_url: str = ""
    redis_prefix: str = "lessonlink"
    health_port: int | None = Field(default=None, ge=1, le=65535)
    # Polling mode's web server (the API, the Mini App, /healthz, /metrics); HEALTH_PORT is
    # the older name of the same port. Webhook mode serves all of it on the webhook's port.
    web_port: int | None = Field(default=None, ge=1, le=65535)
    # How long a Mini App's launch data (initData) proves who its user is.
    init_data_max_age_seconds: int = Field(default=86400, ge=60, le=7 * 86400)
    # How often a teacher's own calendar feed is read again (README "Calendar feeds").
    busy_calendar_minutes: int = Field(default=15, ge=5, le=24 * 60)
    # Email (README "Email"): the mail server and the sender; without SMTP_URL, no email at all.
    smtp_url: SecretStr | None = None
    mail_from: Annotated[str, AfterValidator(check_mail_from)] = ""

    @field_validator("teacher_ids", "admin_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        return parse_ids(value)

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
        return check_api_url(value)

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        # The same allow-list as a zone typed in the chat: 'localtime' or a path is no place.
        if not is_iana_zone(value):
            raise ValueError("it must be an IANA time zone such as Europe/Berlin")
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

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("it must be the public https:// address Telegram posts updates to")
        return value.rstrip("/")

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("it must start with /, e.g. /telegram/webhook")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's own rule for secret_token: 1-256 characters of A-Z a-z 0-9 _ -.
        raw = value.get_secret_value() if value is not None else None
        if raw is not None and not SECRET_RE.fullmatch(raw):
            raise ValueError("use 1 to 256 characters from A-Z a-z 0-9 _ -")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("it must start with redis://, rediss:// or unix://")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value():
            parse_smtp_url(value.get_secret_value())
        return value

    @property
    def smtp(self) -> SmtpTarget | None:
        """The mail server when SMTP_URL is set (email is on), else None."""
        raw = self.smtp_url.get_secret_value() if self.smtp_url is not None else ""
        return parse_smtp_url(raw) if raw else None

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        return check_public_url(value)

    @field_validator("mini_app_name")
    @classmethod
    def _mini_app_name(cls, value: str) -> str:
        if value and not APP_NAME_RE.fullmatch(value):
            raise ValueError("it must be the short name given to @BotFather: 3-30 of A-Z a-z 0-9 _")
        return value

    @property
    def mini_app_url(self) -> str:
        """PUBLIC_URL when it is https (Telegram opens nothing else as a Mini App), else ''."""
        if self.public_url.startswith("https://"):
            return self.public_url
        return self.public_url if self.telegram_test_environment else ""

    @property
    def webhook_mode(self) -> bool:
        """Whether Telegram posts updates to us (WEBHOOK_URL set) instead of us polling."""
        return bool(self.webhook_url)

    def secrets(self) -> list[str]:
        """Every configured secret, for redaction: token, webhook secret, key, passwords."""
        found = [self.bot_token.get_secret_value()]
        for secret in (self.webhook_secret, self.secret_key):
            if secret is not None:
                found.append(secret.get_secret_value())
        if self.smtp is not None and self.smtp.password:
            found.append(self.smtp.password)
        for url in (self.database_url, self.redis_url):
            with contextlib.suppress(ValueError):
                password = urlsplit(url).password
                if password:
                    found.append(password)
        return found

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to an SQLite file in the (owner-only) data folder."""
        if self.database_url:
            return self.database_url
        private_folder(self.data_dir)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'lessonlink.sqlite3').resolve()}"

    def resolved_secret_key(self) -> bytes:
        """The key protecting link tokens; generated once into the data folder if unset."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        private_folder(self.data_dir)
        key_file = self.data_dir / "secret.key"
        if key_file.exists():
            with contextlib.suppress(PermissionError):  # restored from a backup, say
                key_file.chmod(PRIVATE_FILE)
            return key_file.read_text().strip().encode()
        key = secrets.token_urlsafe(48)
        # Owner-only from the first byte: create with 0600 rather than chmod afterwards
        # (and fchmod too, since the umask may have taken bits from the 0600).
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        os.fchmod(fd, PRIVATE_FILE)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key.encode()


def private_folder(path: Path) -> None:
    """Create the folder readable by its owner only, or tighten it if it exists."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    # mkdir's mode is cut by the umask, and an existing folder keeps whatever it had.
    with contextlib.suppress(PermissionError):  # a folder of another user: theirs to set
        path.chmod(PRIVATE_FOLDER)


_HINTS = {
    "bot_token": "get one from @BotFather in Telegram (/newbot) and set BOT_TOKEN",
}


def load_settings(**overrides: object) -> Settings:
    """Build Settings, turning validation errors into one clear ConfigError sentence."""
    from pydantic import ValidationError

    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else "configuration"
        env_name = name.upper()
        if err["type"] == "missing":
            hint = _HINTS.get(name, f"set {env_name} in the environment or in .env")
            raise ConfigError(f"{env_name} is not set: {hint}.") from None
        reason = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{env_name} is malformed: {reason}.") from None
    check_deployment(settings)
    return settings


def check_deployment(settings: Settings) -> None:
    """Refuse combinations that would break at run time (several workers need shared state)."""
    if settings.mini_app_name and not settings.mini_app_url:
        raise ConfigError(
            "MINI_APP_NAME needs PUBLIC_URL set to the https:// address the Mini App is "
            "served from (Telegram opens Mini Apps over https only)."
        )
    if settings.webhook_mode and settings.webhook_secret is None:
        raise ConfigError(
            "WEBHOOK_SECRET is not set: webhook mode needs a secret of 1-256 characters "
            "(A-Z a-z 0-9 _ -) so that only Telegram can post updates."
        )
    if settings.smtp is not None and (missing := mail_needs(settings)):
        raise ConfigError(missing)
    n = settings.workers
    if n == 1:
        return
    if not settings.database_url.startswith("postgresql"):  # empty means the SQLite default
        raise ConfigError(
            f"WORKERS={n} needs PostgreSQL: SQLite serves one process, so set DATABASE_URL "
            "to postgresql+asyncpg://... or run one worker."
        )
    if not settings.redis_url:
        raise ConfigError(
            f"WORKERS={n} needs Redis for shared conversation state and per-user ordering: "
            "set REDIS_URL, e.g. redis://127.0.0.1:6379/0, or run one worker."
        )
    if not settings.webhook_mode:
        raise ConfigError(
            f"WORKERS={n} needs webhook mode, since only one process may poll Telegram: "
            "set WEBHOOK_URL and WEBHOOK_SECRET, or run one worker."
        )
