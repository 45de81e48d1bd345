"""idempotency records: bodies sealed with the complaint's data key, keys hashed, an expiry

Revision ID: 0006_idempotency_sealed
Revises: 0005_merge_reports_keys

The records written before this revision hold whole responses (a complainant's name, email and
description) and the client's Idempotency-Key in the clear. A migration has no master key to seal
them with, and they are only retry records, so the table is dropped and made again, empty: a retry
sent across the upgrade of a request answered before it runs again instead of being replayed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_idempotency_sealed"
down_revision: str | None = "0005_merge_reports_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.drop_table("idempotency_records")
    op.create_table(
        "idempotency_records",
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
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_index("ix_idempotency_records_expires", "idempotency_records", ["expires_at"])


def downgrade() -> None:
    # The old shape kept bodies in the clear; sealed records cannot be turned back into it.
    op.drop_table("idempotency_records")
    op.create_table(
        "idempotency_records",
        sa.Column("api_key_id", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
