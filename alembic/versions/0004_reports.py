"""reporting projection: one row per complaint, per stage record and per counted event

Revision ID: 0004_reports
Revises: 0003_landlords

The tables start empty: the rows of complaints logged before this revision are written by
`redress rebuild` (once, after migrating), since a migration cannot fold the event log.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_reports"
down_revision: str | None = "0003_landlords"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "report_complaints",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("landlord", sa.String(64), nullable=False),
        sa.Column("policy_id", sa.String(64), nullable=False),
        sa.Column("policy_version", sa.Integer, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("logged_stage", sa.Integer, nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("tenure", sa.String(32), nullable=True),
        sa.Column("declined_at", TS, nullable=True),
        sa.Column("decline_reason", sa.String(32), nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("last_event_at", TS, nullable=False),
        sa.Column("calendar_until", sa.Date, nullable=False),
        sa.Column("received_date", sa.Date, nullable=False),
        sa.Column("last_date", sa.Date, nullable=False),
    )
    op.create_index(
        "ix_report_complaints_landlord_received",
        "report_complaints",
        ["landlord", "received_date"],
    )
    op.create_table(
        "report_stages",
        sa.Column("complaint_id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("stage", sa.Integer, nullable=False),
        sa.Column("informal", sa.Boolean, nullable=False),
        sa.Column("reopened", sa.Boolean, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("acknowledged_at", TS, nullable=True),
        sa.Column("acknowledgement_due", sa.Date, nullable=True),
        sa.Column("responded_at", TS, nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("remedies", sa.JSON, nullable=False),
        sa.Column("response_due", sa.Date, nullable=False),
        sa.Column("response_original_due", sa.Date, nullable=False),
        sa.Column("extended", sa.Boolean, nullable=False),
        sa.Column("code_response_due", sa.Date, nullable=True),
        sa.Column("code_extended_due", sa.Date, nullable=True),
        sa.Column("working_days_to_respond", sa.Integer, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("closure_reason", sa.String(32), nullable=True),
    )
    op.create_table(
        "report_items",
        sa.Column("complaint_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("stage", sa.Integer, nullable=True),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
        sa.Column("amount_pence", sa.BigInteger, nullable=True),
        sa.Column("due", sa.Date, nullable=True),
        sa.Column("status", sa.String(32), nullable=True),
        sa.Column("answered_at", TS, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("report_items")
    op.drop_table("report_stages")
    op.drop_index("ix_report_complaints_landlord_received", table_name="report_complaints")
    op.drop_table("report_complaints")
