"""contact restrictions for unreasonable behaviour

Revision ID: 0024_restrictions
Revises: 0023_feedback

Each restriction on a resident is a stream of its own (`restriction:<id>`, ADR 0020,
docs/restrictions.md); this table is its projection, written with every append and rebuilt by
`redress rebuild`. A database migrated before any restriction was recorded has none, so the new
table starts empty and nothing needs rebuilding.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_restrictions"
down_revision: str | None = "0023_feedback"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)
WHERE = sa.text("alert_due_on IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "restrictions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("landlord", sa.String(64), nullable=False),
        sa.Column("resident_id", sa.String(128), nullable=False),
        sa.Column("in_force", sa.Boolean, nullable=False),
        sa.Column("measures", sa.String(200), nullable=False),
        sa.Column("shown", sa.Text, nullable=True),
        sa.Column("imposed_at", TIME, nullable=False),
        sa.Column("imposed_date", sa.Date, nullable=False),
        sa.Column("review_due", sa.Date, nullable=True),
        sa.Column("alert_due_on", sa.Date, nullable=True),
        sa.Column("challenged_date", sa.Date, nullable=True),
        sa.Column("challenge_upheld", sa.Boolean, nullable=True),
        sa.Column("ended_at", TIME, nullable=True),
        sa.Column("ended_date", sa.Date, nullable=True),
        sa.Column("erased", sa.Boolean, nullable=False),
        sa.Column("last_occurred_at", TIME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_restrictions_resident", "restrictions", ["landlord", "resident_id", "in_force"]
    )
    op.create_index(
        "uq_restrictions_in_force",
        "restrictions",
        ["landlord", "resident_id"],
        unique=True,
        postgresql_where=sa.text("in_force"),
        sqlite_where=sa.text("in_force"),
    )
    op.create_index(
        "ix_restrictions_landlord_imposed", "restrictions", ["landlord", "imposed_at", "id"]
    )
    op.create_index("ix_restrictions_landlord_review", "restrictions", ["landlord", "review_due"])
    op.create_index(
        "ix_restrictions_alert_due_on",
        "restrictions",
        ["alert_due_on"],
        postgresql_where=WHERE,
        sqlite_where=WHERE,
    )


def downgrade() -> None:
    op.drop_table("restrictions")
