"""resident feedback: compliments, comments and enquiries

Revision ID: 0023_feedback
Revises: 0022_attachments

Each piece of feedback is a stream of its own (`feedback:<id>`, docs/feedback.md); this table is
its projection, written with every append and rebuilt by `redress rebuild`. A database migrated
before any feedback was recorded has none, so the new table starts empty and nothing needs
rebuilding.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_feedback"
down_revision: str | None = "0022_attachments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("landlord", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=True),
        sa.Column("resident_id", sa.String(128), nullable=True),
        sa.Column("received_at", TIME, nullable=False),
        sa.Column("received_date", sa.Date, nullable=False),
        sa.Column("complaint_id", sa.String(64), nullable=True),
        sa.Column("erased", sa.Boolean, nullable=False),
        sa.Column("last_occurred_at", TIME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_feedback_landlord_received", "feedback", ["landlord", "received_at", "id"])
    op.create_index("ix_feedback_landlord_received_date", "feedback", ["landlord", "received_date"])
    op.create_index("ix_feedback_resident", "feedback", ["landlord", "resident_id"])


def downgrade() -> None:
    op.drop_table("feedback")
