"""The services' own tables, which are not projections and are not rebuilt from events: API keys
(app/services/keys.py), idempotency records (app/services/idempotency.py), the per-landlord
reference counters (app/services/references.py) and the version the caches compare on SQLite
(app/services/cache.py)."""

from __future__ import annotations

import sqlalchemy as sa

from app.events.tables import UtcDateTime

metadata = sa.MetaData()

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("landlord", sa.String(64), nullable=False),
    sa.Column("name", sa.String(128), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)

# Remembered responses to Idempotency-Key retries: the client's key only as a hash, a complaint's
# response sealed with its data key, other responses (naming no person) in `body`; each expires.
idempotency_records = sa.Table(
    "idempotency_records",
    metadata,
    sa.Column("api_key_id", sa.String(32), primary_key=True),
    sa.Column("key_hash", sa.String(64), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer, nullable=False),
    sa.Column("headers", sa.JSON, nullable=False),
    sa.Column("complaint_id", sa.String(64), nullable=True),
    sa.Column("body", sa.Text, nullable=True),
    sa.Column("sealed_key_id", sa.String(36), nullable=True),
    sa.Column("sealed_nonce", sa.LargeBinary, nullable=True),
    sa.Column("sealed_body", sa.LargeBinary, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Index("ix_idempotency_records_expires", "expires_at"),
)

reference_counters = sa.Table(
    "reference_counters",
    metadata,
    sa.Column("landlord", sa.String(64), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("last", sa.Integer, nullable=False),
)

# SQLite only (PostgreSQL notifies instead): one row, given a new random value by triggers on
# every change to api_keys, landlords and landlord_policies (migration 0010). The caches of
# app/services/cache.py compare it in every transaction that uses them.
cache_version = sa.Table(
    "cache_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)
