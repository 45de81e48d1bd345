"""The services' own tables, which are not projections and are not rebuilt from events: API keys
(app/services/keys.py), idempotency records (app/services/idempotency.py), the per-landlord
reference counters (app/services/references.py) and the version the caches compare on SQLite
(app/services/cache.py), webhooks (app/services/webhooks.py) and the bytes of evidence files
(app/services/attachments.py)."""

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

# A CRM's webhook subscription (app/services/webhooks.py, docs/adr/0015-webhooks-and-alerts.md).
# The log is the outbox: `cursor` is the last position examined for it, and the worker sends what
# follows in the landlord's feed. The signing secret is sealed (`secret`), with the secret it
# replaced (`previous_secret`) still signing until `previous_secret_until` (rotation with an
# overlap). `role` is what the payloads may show (the catalogue's rule for that role). The lease
# (`leased_by`, `leased_until`) makes one worker at a time deliver for a subscription, so its
# order holds; `failures` counts the failed attempts in a row, `next_attempt_at` the back-off.
webhook_subscriptions = sa.Table(
    "webhook_subscriptions",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("landlord", sa.String(64), nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("event_types", sa.JSON, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("description", sa.String(256), nullable=True),
    sa.Column("created_by", sa.String(32), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("secret", sa.LargeBinary, nullable=False),
    sa.Column("previous_secret", sa.LargeBinary, nullable=True),
    sa.Column("previous_secret_until", UtcDateTime, nullable=True),
    sa.Column("cursor", sa.BigInteger, nullable=False),
    # After a manual redelivery: the cursor before it, so the attempts up to it are logged as
    # redeliveries.
    sa.Column("redeliver_until", sa.BigInteger, nullable=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False),
    sa.Column("leased_by", sa.String(64), nullable=True),
    sa.Column("leased_until", UtcDateTime, nullable=True),
    sa.Column("last_delivered_at", UtcDateTime, nullable=True),
    sa.Column("disabled_at", UtcDateTime, nullable=True),
    sa.Column("disabled_reason", sa.String(256), nullable=True),
    sa.Index("ix_webhook_subscriptions_landlord", "landlord", "created_at"),
    sa.Index("ix_webhook_subscriptions_due", "next_attempt_at"),
)

# Every attempt to deliver an event to a subscription: its position, the attempt's number for that
# event, the answer's status code (or what went wrong before one), how long it took. Never the
# body, which may hold personal data.
webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("subscription_id", sa.String(32), nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("attempted_at", UtcDateTime, nullable=False),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("error", sa.String(64), nullable=True),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Column("delivered", sa.Boolean, nullable=False),
    sa.Column("manual", sa.Boolean, nullable=False),
    sa.Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),
)

# The bytes of each file attached to a complaint (the `attachment_added` event records its type,
# size and SHA-256; its name and description are sealed in the event). AES-256-GCM under the
# complaint's data key (`key_id`), bound to the complaint, the attachment and its hash; erasure
# destroys the key and empties `nonce` and `ciphertext` too (`erased_at`).
attachments = sa.Table(
    "attachments",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("complaint_id", sa.String(64), nullable=False),
    sa.Column("key_id", sa.String(36), nullable=False),
    sa.Column("nonce", sa.LargeBinary, nullable=True),
    sa.Column("ciphertext", sa.LargeBinary, nullable=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("media_type", sa.String(128), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("erased_at", UtcDateTime, nullable=True),
    sa.Index("ix_attachments_complaint", "complaint_id"),
)
