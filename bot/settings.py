"""Settings read from the environment (and an optional .env), validated once at start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
Language = Literal["nl", "en"]


def _default_content_dir() -> Path:
    """Finds content/ beside the package in a checkout, else in the working directory."""
    beside = REPO_ROOT / "content"
    return beside if beside.is_dir() else Path.cwd() / "content"


class Settings(BaseSettings):
    """Every setting the bot reads; docs/settings.md lists them all."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", frozen=True, populate_by_name=True
    )

    telegram_bot_token: str = ""
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///var/onestop.sqlite3"
    timezone: str = "Europe/Amsterdam"
    default_language: Language = "en"
    staff_chat_id: int | None = None
    admin_user_ids: Annotated[tuple[int, ...], NoDecode] = ()
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    content_dir: Path = Field(default_factory=_default_content_dir, alias="ONESTOP_CONTENT_DIR")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    data_key: str = Field(default="", alias="ONESTOP_DATA_KEY")
    purge_after_days: int = Field(default=30, ge=1, le=3650)
    invite_valid_days: int = Field(default=30, ge=1, le=365)
    pdok_url: str = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"
    pdok_timeout: float = Field(default=1.5, gt=0, le=10)

    @field_validator("telegram_api_url", "webhook_url", "pdok_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: str) -> str:
        value = value.strip()
        head, _, tail = value.partition(":")
        if value and not (head.isdigit() and tail):
            raise ValueError("must look like 123456:ABC-DEF (as given by @BotFather)")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value.startswith("postgresql://"):
            value = "postgresql+asyncpg://" + value.removeprefix("postgresql://")
        if value.startswith("sqlite:///"):
            value = "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("default_language", mode="before")
    @classmethod
    def _language(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("must be Telegram user ids separated by commas")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("data_key")
    @classmethod
    def _data_key(cls, value: str) -> str:
        from bot.storage.crypto import parse_keys

        try:
            parse_keys(value)
        except ValueError:
            raise ValueError(
                "must be Fernet keys (32 url-safe base64 bytes), comma-separated"
            ) from None
        return value

    @field_validator("content_dir")
    @classmethod
    def _content_dir(cls, value: Path) -> Path:
        if not (value / "en").is_dir() or not (value / "nl").is_dir():
            raise ValueError(f"{value} must hold the en/ and nl/ content folders")
        return value

    @model_validator(mode="after")
    def _webhook_pairs(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET: required when WEBHOOK_URL is set")
        if self.webhook_secret and not all(c.isalnum() or c in "_-" for c in self.webhook_secret):
            raise ValueError("WEBHOOK_SECRET: only letters, digits, _ and - are allowed")
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The time zone every date and reminder is computed in."""
        return ZoneInfo(self.timezone)

    @property
    def sqlite_path(self) -> Path | None:
        """The database file when the embedded SQLite is used."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix):
            rest = self.database_url.removeprefix(prefix)
            return None if rest in ("", ":memory:") else Path(rest)
        return None


class SettingsError(Exception):
    """A setting is missing or wrong; the message names the variable."""


def _describe(exc: ValidationError) -> str:
    """Turns pydantic's report into one line naming the environment variable."""
    first = exc.errors()[0]
    loc = first.get("loc") or ()
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    if loc:
        field = str(loc[0])
        aliases = {"content_dir": "ONESTOP_CONTENT_DIR", "data_key": "ONESTOP_DATA_KEY"}
        name = aliases.get(field, field.upper())
        return f"{name}: {message}"
    return message


def load_settings(*, require_token: bool = True, **overrides: object) -> Settings:
    """Reads and checks the settings, raising SettingsError with a one-line reason."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None
    if require_token and not settings.telegram_bot_token:
        raise SettingsError("TELEGRAM_BOT_TOKEN: required (get one from @BotFather)")
    return settings
