"""Configuration from `REDRESS_*` environment variables; nothing is read at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REDRESS_", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///./redress.db",
        description="SQLAlchemy async URL: SQLite (aiosqlite) or PostgreSQL (asyncpg).",
    )
    read_database_url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL of a streaming replica of the database, for the reads "
        "that tolerate lag (lists, reports, the feed, histories); unset, they read the primary. "
        "Writes and reads of one complaint always go to the primary "
        "(docs/adr/0011-read-replica.md).",
    )
    host: str = Field(default="127.0.0.1", description="Address `redress serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `redress serve` binds to.")
    log_level: str = Field(default="info", description="Log level for the service.")
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="`text`: one plain line a record; `json`: one JSON object a line (time, "
        "level, logger, message, and the access log's method, route, status, duration_ms and "
        "request_id).",
    )
    max_body_bytes: int = Field(
        default=256 * 1024, ge=1024, description="Largest request body accepted, in bytes."
    )
    attachment_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        description="Largest evidence file accepted, in bytes (413 above it); the upload's body "
        "limit instead of max_body_bytes.",
    )
    attachment_media_types: str = Field(
        default="application/pdf,image/jpeg,image/png,image/gif,image/webp,image/heic,"
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain",
        description="Media types accepted as evidence, comma-separated, as sniffed from the "
        "bytes (415 for any other).",
    )
    db_pool_size: int = Field(default=10, ge=1, description="PostgreSQL connection pool size.")
    db_pool_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="Longest a request waits for a free database connection before it is "
        "answered 503 database-unavailable.",
    )
    db_connect_timeout_seconds: float = Field(
        default=3.0,
        gt=0,
        le=60,
        description="PostgreSQL: longest a new connection (TCP and start-up) may take.",
    )
    db_command_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="PostgreSQL: longest the service waits for the answer to one command "
        "(asyncpg command_timeout); it also catches a network that stopped answering.",
    )
    db_statement_timeout_ms: int = Field(
        default=10_000,
        ge=0,
        description="PostgreSQL `statement_timeout` (and `idle_in_transaction_session_timeout`) "
        "of the service's sessions, in milliseconds (0: no limit).",
    )
    sqlite_busy_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=30,
        description="SQLite: longest a writer waits for the write lock before the request is "
        "answered 503 database-unavailable.",
    )
    feed_wait_cap_seconds: float = Field(
        default=60.0,
        ge=0,
        le=60,
        description="Longest a feed follower is kept waiting (`GET /v1/events?wait=`), whatever it "
        "asks: lower it where a proxy in front closes idle requests sooner.",
    )
    request_timeout_seconds: float = Field(
        default=15.0,
        gt=0,
        le=600,
        description="Longest a request may run before its response starts; past it the "
        "client gets 503 database-unavailable. Keep it above the connect plus command timeout.",
    )
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
    cache_entries: int = Field(
        default=4096,
        ge=0,
        description="How many API keys, landlords and landlord policy versions each service "
        "process keeps in memory, of each (0: none, every request reads them). A change made "
        "anywhere invalidates them at once (docs/adr/0008-in-process-caches.md).",
    )
    cache_listener_retry_seconds: float = Field(
        default=0.1,
        gt=0,
        le=60,
        description="PostgreSQL: first wait before the caches' listener reconnects, doubled at "
        "each failure up to 5 s; the caches are bypassed until it has.",
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
    # Webhooks and the delivery worker (docs/webhooks.md, docs/adr/0015-webhooks-and-alerts.md).
    worker_in_serve: bool = Field(
        default=False,
        description="Run the delivery worker (webhooks and deadline alerts) inside `redress "
        "serve`, beside the API; otherwise run `redress worker` as a process of its own.",
    )
    worker_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="How often the worker looks for new events to deliver when nothing woke it.",
    )
    alerts_every_seconds: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="How often the worker looks for clocks that crossed a warning point.",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=60,
        description="Longest a receiver may take to answer one delivery; slower is a failure.",
    )
    webhook_retry_base_seconds: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="Wait after a subscription's first failed attempt; doubled at each further "
        "failure (with jitter: half to all of it), up to webhook_retry_max_seconds.",
    )
    webhook_retry_max_seconds: float = Field(
        default=3600.0, gt=0, le=86400, description="Longest wait between two attempts."
    )
    webhook_disable_after_failures: int = Field(
        default=20,
        ge=1,
        le=1000,
        description="Failed attempts in a row after which a subscription is disabled (an admin "
        "or CRM key enables it again with PATCH /v1/webhooks/{id}).",
    )
    webhook_lease_seconds: float = Field(
        default=60.0,
        ge=1,
        le=3600,
        description="How long a worker holds a subscription it delivers for; a worker that died "
        "loses it after this, and another worker resumes from the last acknowledged event.",
    )
    webhook_log_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="How long the delivery log keeps each attempt; the worker deletes older ones.",
    )
    webhook_allow_http: bool = Field(
        default=False,
        description="Accept `http://` webhook URLs (only `https://` otherwise).",
    )
    webhook_allow_private_networks: bool = Field(
        default=False,
        description="Deliver to private, loopback, link-local and other non-public addresses "
        "(refused otherwise, when the subscription is made and again at every delivery).",
    )
