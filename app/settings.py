"""Configuration from `REDRESS_*` environment variables; nothing is read at import time."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REDRESS_", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///./redress.db",
        description="SQLAlchemy async URL: SQLite (aiosqlite) or PostgreSQL (asyncpg).",
    )
    host: str = Field(default="127.0.0.1", description="Address `redress serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `redress serve` binds to.")
    log_level: str = Field(default="info", description="Log level for the service.")
    max_body_bytes: int = Field(
        default=256 * 1024, ge=1024, description="Largest request body accepted, in bytes."
    )
    db_pool_size: int = Field(default=10, ge=1, description="PostgreSQL connection pool size.")
    rate_limit_per_minute: int = Field(
        default=1200,
        ge=0,
        description="Requests a minute each API key may make, per worker process (0: no limit).",
    )
    rate_limit_burst: int = Field(
        default=200, ge=1, description="Requests a key may make at once before the limit applies."
    )
    idempotency_ttl_hours: int = Field(
        default=24,
        ge=1,
        description="How long a remembered response answers a retry with the same "
        "Idempotency-Key; after it the key is free and the record is purged.",
    )
    idempotency_purge_seconds: int = Field(
        default=3600, ge=1, description="How often the service deletes expired idempotency records."
    )
    master_key: SecretStr | None = Field(
        default=None,
        description="Base64 of 32 random bytes: wraps every complaint's data key. Losing it loses "
        "all personal data; set it in production (e.g. `openssl rand -base64 32`).",
    )
    master_key_file: Path = Field(
        default=Path("redress-master.key"),
        description="Where the master key is kept when REDRESS_MASTER_KEY is not set (created "
        "on first use, readable by its owner only).",
    )
