"""complaint projection, api keys, idempotency records, reference counters

Revision ID: 0002_complaints
Revises: 0001_events
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_complaints"
down_revision: str | None = "0001_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("landlord", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("resident_id", sa.String(128), nullable=True),
        sa.Column("policy_id", sa.String(64), nullable=False),
        sa.Column("policy_version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("stage", sa.Integer, nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("handler", sa.String(128), nullable=True),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("last_occurred_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("sla_due", sa.Date, nullable=True),
        sa.Column("sla_due_soon_from", sa.Date, nullable=True),
        sa.UniqueConstraint("landlord", "reference", name="uq_complaints_landlord_reference"),
    )
    op.create_index(
        "ix_complaints_landlord_received", "complaints", ["landlord", "received_at", "id"]
    )
    op.create_index("ix_complaints_landlord_sla_due", "complaints", ["landlord", "sla_due"])
    op.create_index("ix_complaints_resident", "complaints", ["landlord", "resident_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("landlord", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
    )
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
    op.create_table(
        "reference_counters",
        sa.Column("landlord", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reference_counters")
    op.drop_table("idempotency_records")
    op.drop_table("api_keys")
    op.drop_index("ix_complaints_resident", table_name="complaints")
    op.drop_index("ix_complaints_landlord_sla_due", table_name="complaints")
    op.drop_index("ix_complaints_landlord_received", table_name="complaints")
    op.drop_table("complaints")
