"""The services' own tables, which are not projections and are not rebuilt from events: API keys
(app/services/keys.py), idempotency records (app/services/idempotency.py) and the per-landlord
reference counters (app/services/references.py)."""

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

idempotency_records = sa.Table(
    "idempotency_records",
    metadata,
    sa.Column("api_key_id", sa.String(32), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("headers", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

reference_counters = sa.Table(
    "reference_counters",
    metadata,
    sa.Column("landlord", sa.String(64), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("last", sa.Integer, nullable=False),
)
